package org.cardcase.shared;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secret keys kept in files outside PostgreSQL: one Base64 key (32 random bytes) a line, comments
 * with {@code #}. A missing file is made with one fresh key, owner-only permissions and a
 * {@code # made <instant>} line, and said in a WARN (it must be backed up apart from the database).
 */
public final class KeyFiles {
  private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);
  public static final String MADE = "# made";

  private KeyFiles() {}

  /** A key list as read: its lines and where they came from (for messages). */
  public record Source(List<String> lines, String name) {}

  /**
   * The keys given by a setting (lines or commas) when it is set, else those of the file (the
   * setting {@code fileSetting}, or the default file), made first if missing.
   */
  public static Source load(String keys, String keysSetting, String fileSetting, Path defaultFile, String purpose) {
    if (!keys.isBlank()) {
      return new Source(List.of(keys.split("[,\\n]")), "the setting " + keysSetting);
    }
    Path file = fileSetting.isBlank() ? defaultFile : Path.of(fileSetting);
    return new Source(readOrCreate(file, purpose), file.toAbsolutePath().toString());
  }

  /** The file's lines, the file made first if missing. */
  public static List<String> readOrCreate(Path file, String purpose) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String text = "# CardCase " + purpose + " keys: back this file up apart from the database; the last key is used\n"
            + MADE + " " + Instant.now() + "\n" + Base64.getEncoder().encodeToString(key) + "\n";
        Files.writeString(file, text, StandardOpenOption.CREATE_NEW);
        try {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's permissions are what protect it
        }
        log.warn("created the {} key file {}: back it up apart from the database", purpose, file.toAbsolutePath());
      }
      return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or create the " + purpose + " key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The keys of the lines (comments and blanks skipped); each at least 32 bytes. */
  public static List<byte[]> keys(List<String> lines, String source) {
    List<byte[]> out = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(t);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("a key in " + source + " is not Base64");
      }
      if (key.length < 32) {
        throw new IllegalStateException("a key in " + source + " is shorter than 32 bytes");
      }
      out.add(key);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no key in " + source);
    }
    return out;
  }

  /** The instant of the file's {@code # made} line, if it has one. */
  public static Instant made(List<String> lines) {
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith(MADE)) {
        return Instant.parse(t.substring(MADE.length()).strip());
      }
    }
    return null;
  }
}
