package org.cardcase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.cardcase.cards.SealedCards;
import org.cardcase.cases.SealedCases;
import org.cardcase.documents.SealedDocuments;
import org.cardcase.family.SealedFamilyLinks;
import org.cardcase.idempotency.SealedAnswers;
import org.cardcase.infra.TestPorts;
import org.cardcase.infra.postgres.DatabaseRoles;
import org.cardcase.infra.search.ElasticsearchUsers;
import org.cardcase.notifications.SealedNotifications;
import org.cardcase.privacy.BlindIndex;
import org.cardcase.privacy.Envelope;
import org.cardcase.privacy.LocalKeys;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.RecordEncryption;
import org.cardcase.reissue.SealedVouchers;
import org.cardcase.shared.KeyFiles;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The packaged application started as its own process, exactly as the README's run command starts
 * it, on free ports and a data directory of its own. {@link #kill()} is a hard stop (SIGKILL).
 */
public final class RunningSystem implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final Path dataDir;
  final int httpPort = freePort();
  final int pgPort = freePort();
  final int enginePort = freePort();
  final int esPort = freePort();
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private Path log;
  private final List<String> extraArgs = new ArrayList<>();
  private List<String> jvmArgs = List.of("-Xmx512m");

  RunningSystem(String name) throws IOException {
    Path work = Path.of(System.getProperty("cardcase.it.work", "target/it"));
    this.dataDir = work.resolve(name + "-" + System.currentTimeMillis());
    Files.createDirectories(dataDir);
  }

  /** On a data directory of the caller's choosing (the history generator's, kept for {@code ./cardcase run}). */
  RunningSystem(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    Files.createDirectories(dataDir);
  }

  /** An extra {@code --name=value} for every start, e.g. a deadline setting. */
  RunningSystem with(String arg) {
    extraArgs.add(arg);
    return this;
  }

  /** JVM options for every start (default: a 512 MB heap, enough for the tests). */
  RunningSystem jvm(List<String> options) {
    jvmArgs = List.copyOf(options);
    return this;
  }

  /** The application's process id (for jcmd in the benchmarks). */
  long pid() {
    return process.pid();
  }

  /** Everything the application printed in its current run. */
  String logText() throws IOException {
    return Files.readString(log);
  }

  RunningSystem start() throws Exception {
    log = dataDir.resolve("app-" + System.nanoTime() + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", System.getProperty("cardcase.it.jar"),
        "--server.port=" + httpPort,
        "--cardcase.data-dir=" + dataDir,
        "--cardcase.postgres.port=" + pgPort,
        "--cardcase.engine.port=" + enginePort,
        "--cardcase.search.port=" + esPort,
        "--cardcase.search.distribution=" + System.getProperty("cardcase.it.es-distribution"),
        "--cardcase.recovery.sweep-interval=2s"));
    cmd.addAll(extraArgs);
    process = new ProcessBuilder(cmd)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Process started = process;
    // a benchmark or test JVM that is stopped takes its application with it
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (started.isAlive()) {
        started.destroy();
      }
    }));
    // 240 s, or -Dcardcase.it.ready-seconds= on a machine that others load with their builds
    long readySeconds = Long.getLong("cardcase.it.ready-seconds", 240);
    long deadline = System.nanoTime() + Duration.ofSeconds(readySeconds).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the application exited: " + tail());
      }
      try {
        if (get("/actuator/health/readiness", null).statusCode() == 200) {
          return this;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("not ready in " + readySeconds + " s: " + tail());
  }

  /** Hard stop: no shutdown hooks, children left behind, nothing flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  HttpResponse<String> get(String path, String credentials) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), credentials);
  }

  /** With one more request header (a channel's Citizen-Assertion). */
  HttpResponse<String> get(String path, String credentials, String header, String value) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header(header, value).GET(), credentials);
  }

  HttpResponse<String> post(String path, String credentials, String json, String header, String value)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").header(header, value)
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)), credentials);
  }

  HttpResponse<String> delete(String path, String credentials, String header, String value)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header(header, value).DELETE(), credentials);
  }

  /** A binary answer (a printed PDF). */
  HttpResponse<byte[]> getBytes(String path, String credentials) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (credentials != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A binary answer with request headers (e.g. Accept and a channel's Citizen-Assertion). */
  HttpResponse<byte[]> getBytes(String path, String credentials, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    headers.forEach(b::header);
    return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> put(String path, String credentials, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)), credentials);
  }

  HttpResponse<String> put(String path, String credentials, String body, String contentType)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), credentials);
  }

  HttpResponse<String> post(String path, String credentials, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)), credentials);
  }

  HttpResponse<String> post(String path, String credentials, String body, String contentType)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), credentials);
  }

  /** Any request, with the headers given (e.g. a bearer token, a session cookie) and no others added. */
  HttpResponse<String> request(String method, String path, Map<String, String> headers, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * An access token for a channel or partner system (client credentials, HTTP Basic to the token
   * endpoint), with the scopes asked for (null: all of the client's).
   */
  String token(String client, String scope) throws IOException, InterruptedException {
    String form = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    HttpResponse<String> r = request("POST", "/oauth2/token", Map.of("Content-Type", "application/x-www-form-urlencoded",
        "Authorization", "Basic " + Base64.getEncoder().encodeToString(client.getBytes(StandardCharsets.UTF_8))), form);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("no token for " + client.split(":")[0] + ": " + r.statusCode() + " " + r.body());
    }
    return json(r).get("access_token").asText();
  }

  JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  Connection db() throws SQLException {
    // the superuser, with the password the application made for it: tests change what the application may not
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/cardcase", "postgres",
        DatabaseRoles.of(dataDir).password("postgres"));
  }

  /**
   * The {@code Authorization} header for a request straight to the embedded Elasticsearch (security
   * is on): the application's own user, with the password the application made for it.
   */
  String esAuthorization() {
    return ElasticsearchUsers.of(dataDir).basic(ElasticsearchUsers.APP);
  }

  /** Changes the search indexer has still to take from the outbox. */
  long indexBacklog() throws SQLException {
    return count("select count(*) from search_outbox where indexed_at is null");
  }

  long count(String sql, Object... params) throws SQLException {
    try (Connection c = db(); var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      var rs = st.executeQuery();
      rs.next();
      return rs.getLong(1);
    }
  }

  String value(String sql, Object... params) throws SQLException {
    try (Connection c = db(); var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      var rs = st.executeQuery();
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The blind index of an ID number, with the system's key (what PostgreSQL holds instead of the number). */
  byte[] blindIndex(String idNumber) {
    List<String> lines = KeyFiles.readOrCreate(dataDir.resolve("keys").resolve("blind-index.keys"),
        "blind index");
    return new BlindIndex(KeyFiles.keys(lines, "blind-index.keys").getFirst())
        .idNumber(idNumber);
  }

  /** A person's own audit trail: the keyed digest of the ID number, as the system names it. */
  String personTrail(String idNumber) {
    return "person:hmac:" + HexFormat.of().formatHex(blindIndex(idNumber));
  }

  /** The system's keys of personal data at rest (its key files), to read what PostgreSQL holds sealed. */
  PersonalFields personalFields() {
    List<String> blind = KeyFiles.readOrCreate(dataDir.resolve("keys").resolve("blind-index.keys"),
        "blind index");
    return new PersonalFields(new Envelope(
        LocalKeys.file(dataDir.resolve("keys").resolve("records.keys"), false)),
        new BlindIndex(KeyFiles.keys(blind, "blind-index.keys").getFirst()));
  }

  /** A field of a case's card as PostgreSQL holds it sealed (e.g. medicalInsuranceNumber), opened with the system's keys. */
  String cardField(String caseNumber, String field) throws SQLException {
    try (Connection c = db(); var st = c.prepareStatement("select card_id, personal from card where case_number = ? order by card_id limit 1")) {
      st.setString(1, caseNumber);
      var rs = st.executeQuery();
      if (!rs.next() || rs.getBytes(2) == null) {
        return null;
      }
      return PersonalFields.text(personalFields().open("card", rs.getString(1), rs.getBytes(2)), field);
    }
  }

  /**
   * Encrypts the rows written plain straight into PostgreSQL (a generated history, cloned cases), as
   * the application does at its start with rows of an earlier version; returns the counts by table.
   */
  Map<String, Long> encryptPlainRows() {
    var ds = new SingleConnectionDataSource("jdbc:postgresql://127.0.0.1:" + pgPort + "/cardcase",
        "postgres", DatabaseRoles.of(dataDir).password("postgres"), true);
    try {
      var jdbc = JdbcClient.create(ds);
      var keys = personalFields();
      var tx = new TransactionTemplate(
          new DataSourceTransactionManager(ds));
      return new RecordEncryption(jdbc, keys, List.of(new SealedCases(jdbc, keys),
          new SealedCards(jdbc, keys), new SealedVouchers(jdbc, keys),
          new SealedFamilyLinks(jdbc, keys), new SealedDocuments(jdbc, keys),
          new SealedNotifications(jdbc, keys), new SealedAnswers(jdbc, keys)), tx)
          .encryptPlainRows(500);
    } finally {
      ds.destroy();
    }
  }

  /** The text of a case's newest notification of this template, decrypted with the system's record keys. */
  String notificationText(String caseNumber, String template) throws SQLException {
    var keys = personalFields();
    try (Connection c = db(); var st = c.prepareStatement(
        "select event_key, personal from notification where case_number = ? and template = ? order by id desc limit 1")) {
      st.setString(1, caseNumber);
      st.setString(2, template);
      var rs = st.executeQuery();
      return rs.next() ? PersonalFields.text(keys.open("notification", rs.getString(1), rs.getBytes(2)), "text")
          : null;
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder b, String credentials) throws IOException, InterruptedException {
    if (credentials != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** A free port for a component the test starts (see {@link org.cardcase.infra.TestPorts}). */
  public static int freePort() {
    return TestPorts.free();
  }
}
