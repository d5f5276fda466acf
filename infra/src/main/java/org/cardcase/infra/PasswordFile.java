package org.cardcase.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A file of generated passwords for an embedded component's users ({@code name=password} lines,
 * owner-only): read, completed with a random password (24 bytes) for each name missing or empty,
 * and written back atomically only when something was made.
 */
public final class PasswordFile {
  private PasswordFile() {}

  public static Map<String, String> readOrCreate(Path file, String header, String... names) {
    try {
      Map<String, String> pw = new LinkedHashMap<>();
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (!line.startsWith("#") && eq > 0) {
            pw.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
          }
        }
      }
      boolean changed = false;
      for (String name : names) {
        if (!pw.containsKey(name) || pw.get(name).isEmpty()) {
          byte[] b = new byte[24];
          new SecureRandom().nextBytes(b);
          pw.put(name, Base64.getUrlEncoder().withoutPadding().encodeToString(b));
          changed = true;
        }
      }
      if (changed) {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("# " + header + "\n");
        pw.forEach((name, p) -> text.append(name).append('=').append(p).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's permissions are what protect it
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return pw;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or make " + file + ": " + e.getMessage(), e);
    }
  }
}
