package org.cardcase.audit;

import java.util.Base64;

/** A fixed audit chain key for tests that build an {@link AuditTrail} by hand. */
public final class TestAuditKeys {
  public static final String KEY = Base64.getEncoder().encodeToString("test audit chain key, 32 bytes!!".getBytes());
  public static final AuditKeys KEYS = new AuditKeys(KEY, "", "");

  private TestAuditKeys() {}
}
