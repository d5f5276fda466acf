package org.cardcase.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/**
 * A stand-in for a cloud or hardware KMS (named as a simulator, like the other outside systems):
 * it keeps its own keys in its own store (a directory of its own, not the application's key
 * files and not PostgreSQL), names them {@code kms-sim:<key ring>/<version>}, wraps and unwraps a
 * data key by key id, refuses an id it does not hold, and makes a new version on rotation. A real
 * KMS adapter implements {@link KeyManagementService} the same way (e.g. Encrypt/Decrypt with a key
 * id and an encryption context); the key material never leaves it.
 */
public final class KmsSimulator implements KeyManagementService {
  private final Path store;
  private final String ring;
  private Map<String, byte[]> keys = new LinkedHashMap<>();
  private FileTime seen;

  public KmsSimulator(Path dir, String ring) {
    this.store = dir.resolve("keys.txt");
    this.ring = ring;
    try {
      Files.createDirectories(dir);
      if (!Files.exists(store)) {
        Files.writeString(store, "# the KMS simulator's own key store: <id> <Base64 key> <created>\n",
            StandardOpenOption.CREATE_NEW);
        try {
          Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not POSIX
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("the KMS simulator cannot open its store " + store + ": " + e.getMessage(), e);
    }
    load();
    if (keys.isEmpty()) {
      rotate();
    }
  }

  private synchronized void load() {
    try {
      seen = Files.getLastModifiedTime(store);
      Map<String, byte[]> m = new LinkedHashMap<>();
      for (String line : Files.readAllLines(store, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] p = t.split("\\s+");
        m.put(p[0], Base64.getDecoder().decode(p[1]));
      }
      keys = m;
    } catch (IOException e) {
      throw new IllegalStateException("the KMS simulator cannot read its store " + store + ": " + e.getMessage(), e);
    }
  }

  private synchronized byte[] key(String keyId) {
    try {
      if (!keys.containsKey(keyId) && !Files.getLastModifiedTime(store).equals(seen)) {
        load();
      }
    } catch (IOException e) {
      // answer with what is known
    }
    byte[] k = keys.get(keyId);
    if (k == null) {
      throw new Refused("KMS simulator: NotFoundException: key " + keyId + " does not exist in " + store);
    }
    return k;
  }

  @Override
  public synchronized String currentKeyId() {
    try {
      if (!Files.getLastModifiedTime(store).equals(seen)) {
        load();
      }
    } catch (IOException e) {
      // answer with what is known
    }
    return keys.keySet().stream().reduce((a, b) -> b).orElseThrow();
  }

  @Override
  public synchronized List<String> keyIds() {
    currentKeyId();
    return new ArrayList<>(keys.keySet());
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
      throw new Refused("KMS simulator: InvalidCiphertextException under " + keyId, e);
    }
  }

  @Override
  public synchronized String rotate() {
    int version = keys.size() + 1;
    String id;
    do {
      id = "kms-sim:" + ring + "/" + version++;
    } while (keys.containsKey(id) || retired(id));
    try {
      Files.writeString(store, id + " " + Base64.getEncoder().encodeToString(Aes.randomKey()) + " " + Instant.now() + "\n",
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException("the KMS simulator cannot write its store: " + e.getMessage(), e);
    }
    load();
    return id;
  }

  private boolean retired(String id) {
    try {
      return Files.readString(store).contains("# retired " + id + " ");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void retire(String keyId) {
    if (keyId.equals(currentKeyId())) {
      throw new IllegalStateException(keyId + " is the current key: rotate first");
    }
    key(keyId);
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(store, StandardCharsets.UTF_8));
      lines.replaceAll(l -> l.startsWith(keyId + " ") ? "# retired " + keyId + " " + Instant.now() : l);
      Path tmp = store.resolveSibling("keys.txt.new");
      Files.writeString(tmp, String.join("\n", lines) + "\n");
      Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("the KMS simulator cannot write its store: " + e.getMessage(), e);
    }
    load();
  }

  @Override
  public String describe() {
    return "the KMS simulator (" + store.toAbsolutePath() + ", key ring " + ring + ")";
  }
}
