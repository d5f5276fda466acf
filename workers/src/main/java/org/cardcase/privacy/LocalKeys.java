package org.cardcase.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.crypto.AEADBadTagException;
import org.cardcase.shared.KeyFiles;

/**
 * Key-encryption keys held by this process: a {@link KeyFiles} file (one Base64 key a line, the
 * last one wraps, all unwrap) or a list given by an environment variable. A key's id is a hash of
 * it ({@code local-} and 16 hex digits): it says which key without revealing it. The file is read
 * again when it changed (another process, {@code ./cardcase admin keys rotate}, added a key), so a
 * running application picks up a rotation without a restart.
 */
public final class LocalKeys implements KeyManagementService {
  private final Path file; // null: keys given by a setting or the environment
  private final String source;
  private volatile Map<String, byte[]> byId = Map.of();
  private volatile String currentId;
  private volatile FileTime seen;
  private volatile long checkedAt;

  private LocalKeys(Path file, String source) {
    this.file = file;
    this.source = source;
  }

  /** The keys of a file (made with one fresh key if missing and {@code create}). */
  public static LocalKeys file(Path file, boolean create) {
    if (!Files.exists(file) && !create) {
      throw new IllegalStateException("the record key file " + file.toAbsolutePath() + " (cardcase.privacy.kek-file) does not "
          + "exist; in production it is not made: restore it from its backup, or create it deliberately (one Base64 key of "
          + "32 random bytes a line, e.g. openssl rand -base64 32 > " + file + "; chmod 600 " + file + ")");
    }
    LocalKeys k = new LocalKeys(file, file.toAbsolutePath().toString());
    KeyFiles.readOrCreate(file, "record encryption (KEK)");
    k.reload();
    return k;
  }

  /** Keys given as lines or commas (an environment variable or a setting); they cannot be rotated from here. */
  public static LocalKeys given(String keys, String source) {
    if (keys == null || keys.isBlank()) {
      throw new IllegalStateException(source + " is empty: it should hold the record encryption keys (KEKs), Base64, "
          + "newest last, separated by commas");
    }
    LocalKeys k = new LocalKeys(null, source);
    k.load(List.of(keys.split("[,\\n]")));
    return k;
  }

  static String id(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("cardcase record key id\n".getBytes(StandardCharsets.UTF_8));
      return "local-" + HexFormat.of().formatHex(sha.digest(key)).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private synchronized void load(List<String> lines) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    String last = null;
    for (byte[] key : KeyFiles.keys(lines, source)) {
      last = id(key);
      m.put(last, key);
    }
    byId = m;
    currentId = last;
  }

  private synchronized void reload() {
    try {
      seen = Files.getLastModifiedTime(file);
      load(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the record key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** At most once a second: the file again if it changed. */
  private void fresh() {
    if (file == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - checkedAt < 1_000_000_000L) {
      return;
    }
    checkedAt = now;
    try {
      if (!Files.getLastModifiedTime(file).equals(seen)) {
        reload();
      }
    } catch (IOException e) {
      // keep the keys read before; the next unwrap of an unknown id says what is wrong
    }
  }

  @Override
  public String currentKeyId() {
    fresh();
    return currentId;
  }

  @Override
  public List<String> keyIds() {
    fresh();
    return new ArrayList<>(byId.keySet());
  }

  private byte[] key(String keyId) {
    byte[] k = byId.get(keyId);
    if (k == null && file != null) {
      reload(); // a key added by another process since
      k = byId.get(keyId);
    }
    if (k == null) {
      throw new Refused("the record key " + keyId + " is not in " + source + " (a missing or wrong key file / variable)");
    }
    return k;
  }

  @Override
  public byte[] wrap(String keyId, byte[] dataKey, byte[] context) {
    return Aes.wrap(key(keyId), dataKey, context);
  }

  @Override
  public byte[] unwrap(String keyId, byte[] wrapped, byte[] context) {
    try {
      return Aes.unwrap(key(keyId), wrapped, context);
    } catch (AEADBadTagException e) {
      throw new Refused("a data key does not open under " + keyId + ": the value was changed or belongs to another row", e);
    }
  }

  @Override
  public synchronized String rotate() {
    if (file == null) {
      throw new IllegalStateException("the record keys come from " + source + ": add a new Base64 key (32 random bytes) at the "
          + "end of it and restart; then run ./cardcase admin keys rewrap");
    }
    byte[] key = Aes.randomKey();
    rewrite(lines -> {
      lines.add("# added " + Instant.now());
      lines.add(Base64.getEncoder().encodeToString(key));
    });
    return id(key);
  }

  @Override
  public synchronized void retire(String keyId) {
    if (file == null) {
      throw new IllegalStateException("the record keys come from " + source + ": remove the key there and restart");
    }
    if (keyId.equals(currentKeyId())) {
      throw new IllegalStateException(keyId + " is the current key: rotate first");
    }
    key(keyId);
    rewrite(lines -> lines.replaceAll(l -> {
      String t = l.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        return l;
      }
      return id(Base64.getDecoder().decode(t)).equals(keyId) ? "# retired " + keyId + " " + Instant.now() : l;
    }));
  }

  private void rewrite(Consumer<List<String>> change) {
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
      change.accept(lines);
      Path tmp = file.resolveSibling(file.getFileName() + ".new");
      Files.deleteIfExists(tmp);
      Files.writeString(tmp, String.join("\n", lines) + "\n");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not POSIX
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      reload();
    } catch (IOException e) {
      throw new IllegalStateException("cannot change the record key file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return (file == null ? "" : "key file ") + source;
  }
}
