package org.cardcase.shared;

import org.postgresql.util.PSQLException;
import org.springframework.dao.DuplicateKeyException;

/**
 * Which unique index a refused insert or update broke. The "at most one" rules (one open card
 * application per person, …) are unique indexes: the second of two requests that arrive at the same
 * moment waits for the first and then breaks the index; its service recognises the index by name
 * and answers with the rule's own conflict.
 */
public final class UniqueViolations {
  private UniqueViolations() {}

  /** True if {@code e} (or a cause) is PostgreSQL refusing a duplicate in the unique index (or constraint) {@code name}. */
  public static boolean breaks(Throwable e, String name) {
    if (!(e instanceof DuplicateKeyException)) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PSQLException p && p.getServerErrorMessage() != null && p.getServerErrorMessage().getConstraint() != null) {
        return p.getServerErrorMessage().getConstraint().equals(name);
      }
    }
    String message = String.valueOf(e.getMessage());
    return message.contains("\"" + name + "\"");
  }
}
