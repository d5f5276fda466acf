package org.cardcase.tasks;

import java.util.List;

/** Refused: either not the caller's to do at all (forbidden) or not now (claimed by another, done). */
public class TaskNotAllowed extends RuntimeException {
  private final boolean forbidden;
  private final String reason;
  private final List<Object> values;

  public TaskNotAllowed(String m) {
    this(m, false);
  }

  public TaskNotAllowed(String m, boolean forbidden) {
    this(m, forbidden, null);
  }

  /** With the reason's stable name and its values, so a screen says it in the reader's language ({@code taskRefused.<reason>}). */
  public TaskNotAllowed(String m, boolean forbidden, String reason, Object... values) {
    super(m);
    this.forbidden = forbidden;
    this.reason = reason;
    this.values = List.of(values);
  }

  public String reason() {
    return reason;
  }

  public List<Object> values() {
    return values;
  }

  public boolean forbidden() {
    return forbidden;
  }
}
