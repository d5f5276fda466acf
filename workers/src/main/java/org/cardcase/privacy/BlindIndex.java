package org.cardcase.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Blind indexes: HMAC-SHA256, under a key of its own (not a KEK, not the search tokens' key), of a
 * normalised value. PostgreSQL keeps only these 32 bytes next to the ciphertext, so "the open
 * application of this ID number" and the at-most-one unique indexes stay exact and indexed, while
 * the database (or a dump of it) cannot tell whose rows they are without the key. One key: changing
 * it means recomputing every index (not offered; the key file is made once and kept).
 */
public final class BlindIndex {
  private final byte[] key;
  /** Reused MACs: a pool, not a ThreadLocal (job handlers run on a new virtual thread per job). */
  private final ConcurrentLinkedQueue<Mac> macs = new ConcurrentLinkedQueue<>();

  public BlindIndex(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("a blind-index key has at least 32 bytes");
    }
    this.key = key.clone();
  }

  /** An ID number (18 characters; the check character X upper case): trimmed, spaces removed, upper case. Null for null/blank. */
  public byte[] idNumber(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return mac("id", value.replaceAll("\\s+", "").toUpperCase(Locale.ROOT));
  }

  private byte[] mac(String kind, String normalised) {
    Mac m = macs.poll();
    if (m == null) {
      m = newMac();
    }
    m.update((kind + ":").getBytes(StandardCharsets.UTF_8));
    byte[] out = m.doFinal(normalised.getBytes(StandardCharsets.UTF_8)); // doFinal resets it for the next use
    macs.offer(m);
    return out;
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
