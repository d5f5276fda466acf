package org.cardcase.audit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cardcase.shared.KeyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The keys of the audit chain's HMAC: kept outside PostgreSQL, so whoever can write the audit table
 * cannot write a chain that verifies. A {@link KeyFiles} file {@code cardcase.audit.key-file}
 * (default {@code <data-dir>/keys/audit-chain.keys}), or {@code cardcase.audit.keys} /
 * {@code CARDCASE_AUDIT_KEYS} (lines or commas). The last key signs new entries; the older ones
 * still verify the entries they signed: rotating is adding a line and restarting.
 */
@Component
public class AuditKeys {
  private static final Logger log = LoggerFactory.getLogger(AuditKeys.class);
  private final Map<String, byte[]> byId = new LinkedHashMap<>();
  private final String currentId;
  private final String source;
  private final Instant keyedSince;

  public AuditKeys(@Value("${cardcase.audit.keys:}") String keys,
      @Value("${cardcase.audit.key-file:}") String keyFile,
      @Value("${cardcase.data-dir:data}") String dataDir) {
    KeyFiles.Source given = KeyFiles.load(keys, "cardcase.audit.keys", keyFile, Path.of(dataDir, "keys", "audit-chain.keys"),
        "audit chain");
    List<String> lines = given.lines();
    source = given.name();
    String last = null;
    for (byte[] key : KeyFiles.keys(lines, source)) {
      last = id(key);
      byId.put(last, key);
    }
    currentId = last;
    // keys given by setting: every entry must be signed; a key file: from when it was made
    Instant made = KeyFiles.made(lines);
    keyedSince = made == null ? Instant.EPOCH : made;
    log.info("audit chain keyed with key {} from {} ({} key(s))", currentId, source, byId.size());
  }

  /** A key's public name: the first 16 hex digits of a SHA-256 of it (says which key, reveals nothing). */
  static String id(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("cardcase audit key id\n".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(key)).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * From when every entry is signed: the moment the key file was made (its {@code # made} line),
   * or the epoch for keys given by setting. A plain-hash entry dated later is a rewrite.
   */
  public Instant keyedSince() {
    return keyedSince;
  }

  public String currentId() {
    return currentId;
  }

  public boolean knows(String keyId) {
    return byId.containsKey(keyId);
  }

  /** Hex HMAC-SHA256 of the text under the key named. */
  public String mac(String keyId, String text) {
    return HexFormat.of().formatHex(mac(keyId).doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** A fresh HMAC under the key named, for texts fed in parts. */
  public Mac mac(String keyId) {
    byte[] key = byId.get(keyId);
    if (key == null) {
      throw new IllegalArgumentException("unknown audit chain key " + keyId);
    }
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
