package org.cardcase.cases;

import java.util.List;

/** The request is valid but clashes with a case that is already open (answered with 409). */
public class CaseConflict extends RuntimeException {
  private final String openCaseNumber;
  private final String rule;
  private final List<Object> values;

  public CaseConflict(String message, String openCaseNumber) {
    this(message, openCaseNumber, null);
  }

  /**
   * With the rule it breaks ({@code rule}, a stable name) and the values the rule's words need,
   * so a screen can say it in the reader's language ({@code conflict.<rule>}).
   */
  public CaseConflict(String message, String openCaseNumber, String rule, Object... values) {
    super(message);
    this.openCaseNumber = openCaseNumber;
    this.rule = rule;
    this.values = List.of(values);
  }

  public String openCaseNumber() {
    return openCaseNumber;
  }

  /** The rule's stable name, or null. */
  public String rule() {
    return rule;
  }

  public List<Object> values() {
    return values;
  }
}
