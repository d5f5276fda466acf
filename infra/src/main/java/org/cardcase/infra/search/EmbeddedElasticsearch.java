package org.cardcase.infra.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.StaleProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * One Elasticsearch node from the official distribution, run as a child process on 127.0.0.1 with
 * its data under the data directory. Elasticsearch refuses to run as root; as root we start it in a
 * user namespace (unshare -U) where it runs as an ordinary user.
 *
 * <p>Security is on: every request needs a user. The built-in superuser {@code elastic} gets its
 * password from the node's keystore ({@code bootstrap.password}, written with
 * {@code bin/elasticsearch-keystore} before the node starts). The application signs in as a user of
 * its own ({@link ElasticsearchUsers#APP}, in the node's file realm: the installation's indices and
 * cluster monitoring only). Both passwords are generated once and kept in
 * {@code <data-dir>/keys/elasticsearch.passwords}. HTTP stays plain: the node listens on 127.0.0.1
 * only (transport TLS is not needed for a single node). A data directory from before security was
 * on keeps its indices: its keystore gets the bootstrap password on the next start.
 */
public class EmbeddedElasticsearch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearch.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path home;
  private final int port;
  private final ElasticsearchUsers users;
  private final Path dataDir;
  private final boolean security;
  private final String indexPrefix;
  private final List<String> asNodeUser;
  private final Process process;
  /** Completes when the node answers; Elasticsearch takes longest of all to start, so nothing waits for it. */
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  public EmbeddedElasticsearch(InfraProperties props) {
    this(props, true);
  }

  /** {@code security = false} starts the node as versions before security was on did (tests of the upgrade only). */
  EmbeddedElasticsearch(InfraProperties props, boolean security) {
    this.security = security;
    InfraProperties.Search s = props.getSearch();
    Path dist = s.getDistribution().toAbsolutePath();
    if (!Files.isExecutable(dist.resolve("bin/elasticsearch"))) {
      throw new IllegalStateException("No Elasticsearch distribution at " + dist
          + ": build the project first (mvn install unpacks it into infra/target/elasticsearch), "
          + "or set cardcase.search.distribution, or use cardcase.search.mode=external");
    }
    this.home = props.getDataDir().resolve("elasticsearch").toAbsolutePath();
    this.port = s.getPort();
    this.dataDir = props.getDataDir();
    this.users = ElasticsearchUsers.of(props.getDataDir());
    this.indexPrefix = s.getIndexPrefix();
    this.asNodeUser = isRoot() ? List.of("unshare", "-U", "--map-user=1000", "--map-group=1000") : List.of();
    Path pidFile = home.resolve("node.pid");
    StaleProcess.stopIfRunning(pidFile, "Elasticsearch", Duration.ofSeconds(30));
    long started = System.nanoTime();
    try {
      Path config = prepareConfig(dist, s);
      Files.createDirectories(home.resolve("tmp"));
      if (security) {
        writeApplicationUser(config);
        bootstrapPassword(dist, config);
      }
      Files.deleteIfExists(pidFile);
      List<String> cmd = new ArrayList<>(asNodeUser);
      cmd.addAll(List.of(dist.resolve("bin/elasticsearch").toString(), "-p", pidFile.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
      pb.environment().put("ES_PATH_CONF", config.toString());
      pb.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
      pb.environment().put("ES_TMPDIR", home.resolve("tmp").toString());
      pb.environment().put("ES_JAVA_OPTS", "-Xms" + s.getHeap() + " -Xmx" + s.getHeap());
      this.process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start Elasticsearch", e);
    }
    // the application starts the rest meanwhile; search reports DOWN (and readiness waits) until it answers
    Thread.ofPlatform().name("elasticsearch-start").daemon().start(() -> {
      try {
        waitUntilHealthy();
        if (security) {
          checkApplicationUser();
        }
        log.info("Elasticsearch started on 127.0.0.1:{} with security {} (user {}, passwords in {}) and data in {} ({} ms)",
            port, security ? "on" : "OFF", ElasticsearchUsers.APP, ElasticsearchUsers.file(dataDir), home, (System.nanoTime() - started) / 1_000_000);
        ready.complete(null);
      } catch (RuntimeException e) {
        log.error("Elasticsearch did not start: {}. Search is unavailable; cases are still handled and indexed once it runs",
            e.getMessage());
        ready.completeExceptionally(e);
      }
    });
  }

  /** Whether starting failed (it will not answer without a restart). */
  public boolean failed() {
    return ready.isCompletedExceptionally();
  }

  /** Whether the node has answered its first health check. */
  public boolean started() {
    return ready.isDone() && !ready.isCompletedExceptionally();
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The application's user on this node (not the superuser). */
  public String username() {
    return ElasticsearchUsers.APP;
  }

  public String password() {
    return users.password(ElasticsearchUsers.APP);
  }

  public ElasticsearchUsers users() {
    return users;
  }

  private Path prepareConfig(Path dist, InfraProperties.Search s) throws IOException {
    Path config = home.resolve("config");
    Files.createDirectories(config);
    try (Stream<Path> files = Files.list(dist.resolve("config"))) {
      // the node's own keystore stays (a distribution used without ES_PATH_CONF may hold one too)
      for (Path f : files.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("elasticsearch.keystore")).toList()) {
        Files.copy(f, config.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.createDirectories(config.resolve("jvm.options.d"));
    Files.writeString(config.resolve("elasticsearch.yml"), String.join("\n",
        "cluster.name: cardcase-embedded",
        "node.name: cardcase-node",
        "path.data: " + home.resolve("data"),
        "path.logs: " + home.resolve("logs"),
        "discovery.type: single-node",
        "network.host: 127.0.0.1",
        "http.port: " + port,
        "transport.port: " + (port + 100),
        "xpack.security.enabled: " + security,
        // plain HTTP on loopback only; a single node has no transport to protect
        "xpack.security.http.ssl.enabled: false",
        "xpack.security.transport.ssl.enabled: false",
        "xpack.ml.enabled: false",
        "action.destructive_requires_name: false",
        "cluster.routing.allocation.disk.threshold_enabled: false",
        ""));
    return config;
  }

  /**
   * The superuser's password as the keystore's {@code bootstrap.password}: written when the
   * keystore is new (first start, or a data directory from before security was on) or the password
   * changed; skipped otherwise (the keystore tool is a JVM start of its own, about a second). A
   * marker beside the keystore holds a hash of what was written.
   */
  private void bootstrapPassword(Path dist, Path config) throws IOException {
    Path keystore = config.resolve("elasticsearch.keystore");
    Path marker = config.resolve("bootstrap-password.sha256");
    String want = sha256(users.password(ElasticsearchUsers.SUPERUSER));
    if (Files.exists(keystore) && Files.exists(marker) && Files.readString(marker).strip().equals(want)) {
      return;
    }
    if (!Files.exists(keystore)) {
      keystoreTool(dist, config, null, "create");
    }
    keystoreTool(dist, config, users.password(ElasticsearchUsers.SUPERUSER), "add", "-x", "-f", "bootstrap.password");
    Files.writeString(marker, want + "\n");
    log.info("Elasticsearch keystore {}: bootstrap password of the superuser set", keystore);
  }

  private void keystoreTool(Path dist, Path config, String stdin, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(asNodeUser);
    cmd.add(dist.resolve("bin/elasticsearch-keystore").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ES_PATH_CONF", config.toString());
    pb.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("ES_TMPDIR", home.resolve("tmp").toString());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("elasticsearch-keystore " + String.join(" ", args) + " did not finish in 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("elasticsearch-keystore " + args[0] + " failed (" + p.exitValue() + "): " + out.strip());
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The application's role and user in the node's file realm ({@code roles.yml}, {@code users}
   * with a BCrypt hash, {@code users_roles}), written on every start from the passwords file. Not
   * the native realm: its {@code .security} index needs analysis modules this minimal distribution
   * lacks. The role: the installation's indices ({@code <prefix>-*}) with every index privilege
   * (create, map, write, read, delete on a rebuild), and {@code monitor} for the cluster's health;
   * nothing else.
   */
  private void writeApplicationUser(Path config) throws IOException {
    String prefix = indexPrefix.replaceAll("[^A-Za-z0-9_.-]", "");
    Files.writeString(config.resolve("roles.yml"), String.join("\n",
        "# written by CardCase on every start: the application's role",
        ElasticsearchUsers.APP + ":",
        "  cluster: [\"monitor\"]",
        "  indices:",
        "    - names: [\"" + prefix + "-*\"]",
        "      privileges: [\"all\"]",
        ""));
    String hash = new BCryptPasswordEncoder(10).encode(password());
    writeOwnerOnly(config.resolve("users"), ElasticsearchUsers.APP + ":" + hash + "\n");
    Files.writeString(config.resolve("users_roles"), ElasticsearchUsers.APP + ":" + ElasticsearchUsers.APP + "\n");
  }

  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Files.writeString(file, text);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
  }

  /** The application's user can sign in (the file realm read its files). */
  private void checkApplicationUser() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/_security/_authenticate")).timeout(Duration.ofSeconds(30))
        .header("Authorization", users.basic(ElasticsearchUsers.APP)).GET().build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("the application's user " + ElasticsearchUsers.APP + " cannot sign in: "
            + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void waitUntilHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
        .timeout(Duration.ofSeconds(5)).GET();
    if (security) {
      rb.header("Authorization", users.basic(ElasticsearchUsers.SUPERUSER));
    }
    HttpRequest req = rb.build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Elasticsearch exited with " + process.exitValue()
            + "; see " + home.resolve("console.log"));
      }
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        if (r.statusCode() == 401) {
          close();
          // the bootstrap password holds while the node has no .security index (this one never makes it)
          throw new IllegalStateException("Elasticsearch refused the superuser's password from "
              + ElasticsearchUsers.file(dataDir) + " (401): was the file replaced, or the password changed "
              + "with elasticsearch-reset-password? Put the node's password of user elastic into that file, or delete "
              + "config/bootstrap-password.sha256 under the node's directory to write the keystore again");
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(500);
    }
    close();
    throw new IllegalStateException("Elasticsearch did not become healthy in " + START_TIMEOUT
        + "; see " + home.resolve("console.log"));
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    // The launcher forwards SIGTERM to the node; the node's own pid file catches anything left.
    process.destroy();
    StaleProcess.stopOwn(home.resolve("node.pid"), "Elasticsearch", Duration.ofSeconds(30));
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
