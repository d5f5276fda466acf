package org.cardcase.cases;

import java.util.Map;
import org.cardcase.audit.AuditTrail;

/** Status changes of a case, shared by every process's steps. */
public final class Statuses {
  private Statuses() {}

  /**
   * Sets the status once per event ({@code occasion} tells repeated visits apart): the audit entry
   * is the record that it happened, so a redelivered step, even one that comes after the case has
   * moved on, changes nothing. Returns whether this call made the change.
   */
  public static boolean change(CaseRepository cases, AuditTrail audit, String cn, String status, String occasion) {
    if (!audit.append(AuditTrail.ofCase(cn), "status:" + status + ":" + occasion, "system", null, "STATUS_CHANGED",
        Map.of("status", status))) {
      return false;
    }
    cases.setStatus(cn, status);
    return true;
  }
}
