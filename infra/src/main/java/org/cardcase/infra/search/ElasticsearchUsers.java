package org.cardcase.infra.search;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.cardcase.infra.PasswordFile;

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
    return new ElasticsearchUsers(PasswordFile.readOrCreate(file, "passwords of the embedded Elasticsearch's users (made by CardCase; "
        + SUPERUSER + " is the superuser, " + APP + " the application's)", SUPERUSER, APP));
  }
}
