package org.cardcase.infra.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.StaleProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Elasticsearch node from the official distribution, run as a child process on 127.0.0.1 with
 * its data under the data directory. Elasticsearch refuses to run as root; as root we start it in a
 * user namespace (unshare -U) where it runs as an ordinary user.
 */
public class EmbeddedElasticsearch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedElasticsearch.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path home;
  private final int port;
  private final Process process;
  /** Completes when the node answers; Elasticsearch takes longest of all to start, so nothing waits for it. */
  private final java.util.concurrent.CompletableFuture<Void> ready = new java.util.concurrent.CompletableFuture<>();

  public EmbeddedElasticsearch(InfraProperties props) {
    InfraProperties.Search s = props.getSearch();
    Path dist = s.getDistribution().toAbsolutePath();
    if (!Files.isExecutable(dist.resolve("bin/elasticsearch"))) {
      throw new IllegalStateException("No Elasticsearch distribution at " + dist
          + ": build the project first (mvn install unpacks it into infra/target/elasticsearch), "
          + "or set cardcase.search.distribution, or use cardcase.search.mode=external");
    }
    this.home = props.getDataDir().resolve("elasticsearch").toAbsolutePath();
    this.port = s.getPort();
    Path pidFile = home.resolve("node.pid");
    StaleProcess.stopIfRunning(pidFile, "Elasticsearch", Duration.ofSeconds(30));
    long started = System.nanoTime();
    try {
      Path config = prepareConfig(dist, s);
      Files.createDirectories(home.resolve("tmp"));
      Files.deleteIfExists(pidFile);
      List<String> cmd = new ArrayList<>();
      if (isRoot()) {
        cmd.addAll(List.of("unshare", "-U", "--map-user=1000", "--map-group=1000"));
      }
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
        log.info("Elasticsearch started on 127.0.0.1:{} with data in {} ({} ms)",
            port, home, (System.nanoTime() - started) / 1_000_000);
        ready.complete(null);
      } catch (RuntimeException e) {
        log.error("Elasticsearch did not start: {}. Search is unavailable; cases are still handled and indexed once it runs",
            e.getMessage());
        ready.completeExceptionally(e);
      }
    });
  }

  /** Whether the node has answered its first health check. */
  public boolean started() {
    return ready.isDone() && !ready.isCompletedExceptionally();
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  private Path prepareConfig(Path dist, InfraProperties.Search s) throws IOException {
    Path config = home.resolve("config");
    Files.createDirectories(config);
    try (Stream<Path> files = Files.list(dist.resolve("config"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
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
        "xpack.security.enabled: false",
        "xpack.ml.enabled: false",
        "action.destructive_requires_name: false",
        "cluster.routing.allocation.disk.threshold_enabled: false",
        ""));
    return config;
  }

  private void waitUntilHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
        .timeout(Duration.ofSeconds(5)).GET().build();
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
    StaleProcess.stopIfRunning(home.resolve("node.pid"), "Elasticsearch", Duration.ofSeconds(30));
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
