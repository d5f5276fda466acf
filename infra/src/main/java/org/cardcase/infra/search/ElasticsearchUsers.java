package org.cardcase.infra.search;

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
 * The embedded Elasticsearch's two users, each with its own generated password (kept in
 * {@code <data-dir>/keys/elasticsearch.passwords}, owner-only, made on the first start and reused
 * after):
 * <ul>
 *   <li>{@value #SUPERUSER}, the built-in superuser: its password is the keystore's
 *   {@code bootstrap.password}; only {@link EmbeddedElasticsearch} (to set up the application's
 *   user) and the administrator use it;</li>
 *   <li>{@value #APP}: the application, the indexer, the rebuild and the tests. Its role of the
 *   same name may use the installation's own indices ({@code <index-prefix>-*}) and read the
 *   cluster's health (the {@code monitor} cluster privilege), nothing else: no other index, no
 *   users, no settings, no snapshots.</li>
 * </ul>
 */
public final class ElasticsearchUsers {
  public static final String SUPERUSER = "elastic";
  public static final String APP = "cardcase";

  private final Map<String, String> passwords;

  private ElasticsearchUsers(Map<String, String> passwords) {
    this.passwords = passwords;
  }

  public String password(String user) {
    return passwords.get(user);
  }

  /** {@code Authorization} header value of a user (HTTP basic), for clients without a credentials provider (curl, tests). */
  public String basic(String user) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8));
  }

  public static Path file(Path dataDir) {
    return dataDir.resolve("keys").resolve("elasticsearch.passwords");
  }

  /** The passwords of this data directory, made (random, 24 bytes each) the first time. */
  public static ElasticsearchUsers of(Path dataDir) {
    Path file = file(dataDir);
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
      for (String user : new String[] {SUPERUSER, APP}) {
        if (!pw.containsKey(user) || pw.get(user).isEmpty()) {
          byte[] b = new byte[24];
          new SecureRandom().nextBytes(b);
          pw.put(user, Base64.getUrlEncoder().withoutPadding().encodeToString(b));
          changed = true;
        }
      }
      if (changed) {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("# passwords of the embedded Elasticsearch's users (made by CardCase; "
            + SUPERUSER + " is the superuser, " + APP + " the application's)\n");
        pw.forEach((user, p) -> text.append(user).append('=').append(p).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's permissions are what protect it
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return new ElasticsearchUsers(pw);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or make " + file + ": " + e.getMessage(), e);
    }
  }
}
