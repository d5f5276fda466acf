package org.cardcase.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The keys of the audit chain's HMAC: kept outside PostgreSQL, so whoever can write the audit table
 * cannot write a chain that verifies. One key a line (Base64 of 32 random bytes) in
 * {@code cardcase.audit.key-file} (default {@code <data-dir>/keys/audit-chain.keys}, created with
 * one key and owner-only permissions when missing), or the environment variable
 * {@code CARDCASE_AUDIT_KEYS} (lines or commas). The last key signs new entries; the older ones
 * still verify the entries they signed: rotating is adding a line and restarting.
 */
@Component
public class AuditKeys {
  private static final Logger log = LoggerFactory.getLogger(AuditKeys.class);
  private static final String KEYED_SINCE = "# keyed since";
  private final Map<String, byte[]> byId = new LinkedHashMap<>();
  private final String currentId;
  private final String source;
  private final java.time.Instant keyedSince;

  public AuditKeys(@Value("${cardcase.audit.keys:}") String keys,
      @Value("${cardcase.audit.key-file:}") String keyFile,
      @Value("${cardcase.data-dir:data}") String dataDir) {
    java.time.Instant since = java.time.Instant.EPOCH; // keys given by setting: every entry must be signed
    List<String> lines;
    if (!keys.isBlank()) {
      lines = List.of(keys.split("[,\\n]"));
      source = "the setting cardcase.audit.keys";
    } else {
      Path file = keyFile.isBlank() ? Path.of(dataDir, "keys", "audit-chain.keys") : Path.of(keyFile);
      lines = readOrCreate(file);
      source = file.toAbsolutePath().toString();
    }
    String last = null;
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith(KEYED_SINCE)) {
        since = java.time.Instant.parse(t.substring(KEYED_SINCE.length()).strip());
        continue;
      }
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(t);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("an audit chain key in " + source + " is not Base64");
      }
      if (key.length < 32) {
        throw new IllegalStateException("an audit chain key in " + source + " is shorter than 32 bytes");
      }
      last = id(key);
      byId.put(last, key);
    }
    if (last == null) {
      throw new IllegalStateException("no audit chain key in " + source);
    }
    currentId = last;
    keyedSince = since;
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
   * From when every entry is signed: the moment the key file was made (its {@code # keyed since}
   * line), or the epoch for keys given by setting. A plain-hash entry dated later is a rewrite.
   */
  public java.time.Instant keyedSince() {
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

  private static List<String> readOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String text = "# CardCase audit chain keys: keep a copy apart from the database backups; the last line signs\n"
            + KEYED_SINCE + " " + java.time.Instant.now() + "\n" + Base64.getEncoder().encodeToString(key) + "\n";
        Files.writeString(file, text, StandardOpenOption.CREATE_NEW);
        try {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's permissions are what protect it
        }
        log.warn("created the audit chain key file {}: back it up apart from the database (without it, the trail "
            + "written with it cannot be verified)", file.toAbsolutePath());
      }
      return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or create the audit chain key file " + file + ": " + e.getMessage(), e);
    }
  }
}
