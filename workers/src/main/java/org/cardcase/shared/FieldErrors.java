package org.cardcase.shared;

import java.util.LinkedHashMap;
import java.util.Map;

/** Input rejected field by field; nothing was changed. Channels get it as a 400 with every field's message. */
public class FieldErrors extends RuntimeException {
  private final Map<String, String> errors;

  public FieldErrors(Map<String, String> errors) {
    super("invalid input: " + errors.keySet());
    this.errors = Map.copyOf(new LinkedHashMap<>(errors));
  }

  public static FieldErrors of(String field, String message) {
    return new FieldErrors(Map.of(field, message));
  }

  public Map<String, String> errors() {
    return errors;
  }
}
