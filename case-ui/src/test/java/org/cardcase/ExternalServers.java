package org.cardcase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.search.ElasticsearchUsers;
import org.cardcase.infra.search.EmbeddedElasticsearch;

/**
 * Servers started apart from the application, as an operator runs them: Debian's PostgreSQL 15
 * (initdb and pg_ctl, as the postgres user when we are root), an Elasticsearch node from the
 * official distribution, and the engine assembly as a process of its own reached over gRPC.
 */
final class ExternalServers implements AutoCloseable {
  static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
  final Path dir;
  final int pgPort = RunningSystem.freePort();
  final int esPort = RunningSystem.freePort();
  final int enginePort = RunningSystem.freePort();
  private Path pgData;
  private EmbeddedElasticsearch es;
  private Process engine;

  ExternalServers(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath();
    Files.createDirectories(this.dir);
  }

  static boolean postgresInstalled() {
    return Files.isExecutable(PG_BIN.resolve("pg_ctl"));
  }

  /** A PostgreSQL server of its own with database {@code cardcase} and user {@code cardcase}. */
  void startPostgres() throws Exception {
    Path pgRoot = dir.resolve("postgresql");
    pgData = pgRoot.resolve("data");
    Files.createDirectories(pgData);
    if (root()) {
      run("chown", "-R", "postgres:postgres", pgRoot.toString());
    }
    run(asPostgres(PG_BIN.resolve("initdb").toString(), "-D", pgData.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8"));
    run(asPostgres(PG_BIN.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-l", pgRoot.resolve("postgres.log").toString(),
        "-o", "-p " + pgPort + " -k /tmp -c listen_addresses=127.0.0.1", "-w", "start"));
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "")) {
      c.createStatement().execute("create user cardcase password 'cardcase-secret'");
      c.createStatement().execute("create database cardcase owner cardcase");
    }
  }

  void startElasticsearch() {
    InfraProperties props = new InfraProperties();
    props.setDataDir(dir);
    props.getSearch().setPort(esPort);
    props.getSearch().setDistribution(Path.of(System.getProperty("cardcase.it.es-distribution")));
    es = new EmbeddedElasticsearch(props);
  }

  void awaitElasticsearch() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!es.started()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Elasticsearch did not start");
      }
      Thread.sleep(500);
    }
  }

  /** The engine assembly in a process of its own, from the packaged application's jar. */
  void startEngine() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    engine = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("cardcase.it.jar"),
        "-Dloader.main=org.cardcase.infra.engine.StandaloneEngine", "org.springframework.boot.loader.launch.PropertiesLauncher",
        Integer.toString(enginePort), dir.resolve("engine").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("engine.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(dir.resolve("engine.log")) || !Files.readString(dir.resolve("engine.log")).contains("listening on")) {
      if (!engine.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the standalone engine did not start: " + Files.readString(dir.resolve("engine.log")));
      }
      Thread.sleep(200);
    }
  }

  /** The application's settings for these servers: everything external. */
  List<String> applicationArguments() {
    return List.of(
        "--cardcase.postgres.mode=external",
        "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + pgPort + "/cardcase",
        "--spring.datasource.username=cardcase",
        "--spring.datasource.password=cardcase-secret",
        "--cardcase.search.mode=external",
        "--cardcase.search.url=http://127.0.0.1:" + esPort,
        // the node runs with security on: the application signs in as its own user there
        "--cardcase.search.username=" + ElasticsearchUsers.APP,
        "--cardcase.search.password=" + ElasticsearchUsers.of(dir)
            .password(ElasticsearchUsers.APP),
        "--cardcase.engine.mode=external",
        "--cardcase.engine.grpc-address=http://127.0.0.1:" + enginePort);
  }

  Connection db() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/cardcase", "cardcase", "cardcase-secret");
  }

  @Override
  public void close() throws Exception {
    if (engine != null) {
      engine.destroy();
      engine.waitFor();
    }
    if (es != null) {
      es.close();
    }
    if (pgData != null) {
      run(asPostgres(PG_BIN.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-m", "fast", "-w", "stop"));
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String[] asPostgres(String... cmd) {
    List<String> all = new ArrayList<>();
    if (root()) {
      all.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    all.addAll(List.of(cmd));
    return all.toArray(String[]::new);
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
