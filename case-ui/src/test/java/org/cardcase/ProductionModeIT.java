package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cardcase.access.Accounts;
import org.junit.jupiter.api.Test;

/**
 * The two modes, on the packaged jar. A production start with anything of the demo left is refused
 * before anything starts, in one message that names each setting and its change; the first
 * administrator and an emergency unlock come from the admin command; the demo listens on loopback
 * only. The refusals need no running system: each is a JVM that stops within seconds.
 */
class ProductionModeIT {
  static final Path WORK = Path.of(System.getProperty("cardcase.it.work", "target/it")).toAbsolutePath();
  static final String JAR = System.getProperty("cardcase.it.jar");
  static final String PASSWORD = "correct horse battery staple";

  record Run(int exit, String output, Path dataDir) {}

  /** Production with nothing unsafe in the settings: everything external, with credentials, the web server on loopback. */
  static List<String> safe(String databaseUrl, String user, String password) {
    return new ArrayList<>(List.of("--cardcase.mode=production",
        "--cardcase.postgres.mode=external", "--spring.datasource.url=" + databaseUrl,
        "--spring.datasource.username=" + user, "--spring.datasource.password=" + password,
        "--cardcase.search.mode=external", "--cardcase.search.url=https://127.0.0.1:9",
        "--cardcase.search.username=cardcase", "--cardcase.search.password=search-secret",
        "--cardcase.engine.mode=external", "--cardcase.engine.grpc-address=https://127.0.0.1:9",
        "--cardcase.privacy.kek-source=env", "--CARDCASE_RECORD_KEYS=dGVzdCByZWNvcmQga2V5IGZvciB0aGUgSVQsIDMyIGJ5dGVzIQ=="));
  }

  /** Safe settings except for a database nobody listens on (the settings refusals need no database). */
  static List<String> safe() {
    return safe("jdbc:postgresql://127.0.0.1:" + RunningSystem.freePort() + "/cardcase", "cardcase", "secret");
  }

  static List<String> with(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    for (String m : more) {
      String key = m.substring(0, m.indexOf('=') + 1);
      all.removeIf(a -> a.startsWith(key));
      all.add(m);
    }
    return all;
  }

  /** The application started as {@code ./cardcase run} starts it, on a data directory of its own; its exit and output. */
  static Run start(List<String> args) throws Exception {
    Path dataDir = Files.createDirectories(WORK.resolve("production-" + System.nanoTime()));
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", JAR,
        "--server.port=" + RunningSystem.freePort(), "--cardcase.data-dir=" + dataDir));
    cmd.addAll(args);
    Path log = dataDir.resolve("app.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("still running after 180 s: " + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log), dataDir);
  }

  /**
   * A production start that gets past the check (Spring Boot goes on to its profiles); stopped there,
   * since the servers it would go on to use are not running. Its output so far.
   */
  static String passesTheCheck(List<String> args) throws Exception {
    Path dataDir = Files.createDirectories(WORK.resolve("production-" + System.nanoTime()));
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", JAR,
        "--server.port=" + RunningSystem.freePort(), "--cardcase.data-dir=" + dataDir));
    cmd.addAll(args);
    Path log = dataDir.resolve("app.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (p.isAlive() && !Files.readString(log).contains("No active profile set") && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      String out = Files.readString(log);
      assertThat(out).as("got past the check").contains("No active profile set");
      return out;
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  /** {@code ./cardcase admin …} as the script runs it: the jar's second entry point, standard input given. */
  static Run admin(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", JAR, "-Dloader.main=org.cardcase.AdminCommand",
        "org.springframework.boot.loader.launch.PropertiesLauncher"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, null);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Refused: non-zero exit, the one report, the setting and its change named, nothing embedded started, no web server. */
  static void refused(Run run, String setting, String change) {
    assertThat(run.exit()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("APPLICATION FAILED TO START")
        .contains("CardCase refuses to start in production mode").contains(setting).contains(change)
        .doesNotContain("Tomcat started").doesNotContain("Exception in thread");
    for (String embedded : new String[] {"postgres", "elasticsearch", "engine"}) {
      assertThat(Files.exists(run.dataDir().resolve(embedded))).as(embedded + " started").isFalse();
    }
  }

  /** Every unsafe setting of one start is found and named with its change (one start for all: each start costs seconds). */
  @Test
  void demoSwitchesAnOpenAddressAndUnauthenticatedServersAreEachRefusedWithTheirChange() throws Exception {
    Run run = start(with(safe(), "--cardcase.demo-accounts=true", "--cardcase.simulators.enabled=true", "--server.address=0.0.0.0",
        "--cardcase.search.username=", "--cardcase.search.password=", "--cardcase.engine.grpc-address=http://127.0.0.1:9"));
    refused(run, "cardcase.demo-accounts", "cardcase.demo-accounts=false");
    refused(run, "cardcase.simulators.enabled", "cardcase.simulators.enabled=false");
    refused(run, "server.address", "server.ssl.enabled=true");
    assertThat(run.output()).contains("cardcase.security.tls-terminating-proxy=true").contains("server.forward-headers-strategy=native");
    refused(run, "cardcase.search.username", "cardcase.search.api-key");
    refused(run, "cardcase.engine.grpc-address", "cardcase.engine.client-id");
  }

  @Test
  void embeddedComponentsAreEachRefusedWithTheirChange() throws Exception {
    Run run = start(with(safe(), "--cardcase.postgres.mode=embedded", "--cardcase.search.mode=embedded",
        "--cardcase.engine.mode=embedded"));
    refused(run, "cardcase.postgres.mode", "cardcase.postgres.mode=external");
    refused(run, "cardcase.search.mode", "cardcase.search.mode=external");
    refused(run, "cardcase.engine.mode", "cardcase.engine.mode=external");
  }

  @Test
  void productionWithNothingSetListsEverythingAtOnceAndNeedsNoDemoSwitchesTurnedOff() throws Exception {
    Run run = start(List.of("--cardcase.mode=production", "--server.address=0.0.0.0"));
    refused(run, "5 unsafe settings", "cardcase.postgres.mode=external");
    assertThat(run.output()).contains("server.address").contains("cardcase.privacy.kek-source").contains("cardcase.search.mode")
        .contains("cardcase.engine.mode")
        // in production the demo accounts and the simulators are off unless switched on
        .doesNotContain("1. cardcase.demo-accounts").doesNotContain("cardcase.simulators.enabled: is true");
  }

  @Test
  void aSuperuserAndDemoAccountsInTheDatabaseAreRefusedUntilRetired() throws Exception {
    assumeTrue(ExternalServers.postgresInstalled(), "Debian's PostgreSQL 15 is not installed");
    try (ExternalServers ext = new ExternalServers(WORK.resolve("production-db-" + System.currentTimeMillis()))) {
      ext.startPostgres();
      String url = "jdbc:postgresql://127.0.0.1:" + ext.pgPort + "/cardcase";
      List<String> db = List.of("--cardcase.postgres.mode=external", "--spring.datasource.url=" + url,
          "--spring.datasource.username=cardcase", "--spring.datasource.password=cardcase-secret");
      // the first administrator of a real installation; the command migrates the schema first
      Run created = admin(PASSWORD + "\n", concat(List.of("create", "ops"), db));
      assertThat(created.exit()).as(created.output()).isZero();
      assertThat(created.output()).contains("administrator ops created");
      // a database once used by the demo: its clerk still has the published password
      try (Connection c = ext.db(); var st = c.prepareStatement("""
          insert into staff_user (username, display_name, password_hash, roles, work_groups)
          values ('clerk', 'Clerk', ?, '{CLERK}', '{verification}')""")) {
        st.setString(1, Accounts.ENCODER.encode("clerk-demo"));
        st.executeUpdate();
      }
      Run demo = start(safe(url, "cardcase", "cardcase-secret"));
      refused(demo, "database (demo accounts)", "./cardcase admin retire-demo-accounts");
      assertThat(demo.output()).contains("still have their published demo password (<name>-demo): clerk\n")
          .doesNotContain("superuser");

      Run superuser = start(safe(url, "postgres", ""));
      refused(superuser, "spring.datasource.username", "superuser");
      assertThat(superuser.output()).contains("alter user postgres nosuperuser");

      Run retired = admin(null, concat(List.of("retire-demo-accounts"), db));
      assertThat(retired.exit()).as(retired.output()).isZero();
      assertThat(retired.output()).contains("disabled (audited): clerk");
      try (Connection c = ext.db(); var st = c.prepareStatement(
          "select actor, channel from audit_entry where subject = 'account:clerk' and action = 'ACCOUNT_DISABLED'")) {
        var rs = st.executeQuery();
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("machine:" + System.getProperty("user.name"));
        assertThat(rs.getString(2)).isEqualTo("machine");
      }
      // nothing of the demo is left: the check lets the start go on (it stops later, on servers this test does not run)
      assertThat(passesTheCheck(safe(url, "cardcase", "cardcase-secret"))).doesNotContain("CardCase refuses to start");
    }
  }

  @Test
  void theAdminCommandCreatesAndUnlocksAndTheDemoListensOnLoopbackOnly() throws Exception {
    try (RunningSystem sys = new RunningSystem("admin-command")) {
      String pg = "--cardcase.postgres.port=" + sys.pgPort;
      String dir = "--cardcase.data-dir=" + sys.dataDir;
      // before the application ever ran: the command starts the embedded PostgreSQL on the data directory for itself
      assertThat(admin("short\n", "create", "ops", dir, pg).output()).contains("password: 12 to 72 characters");
      Run created = admin(PASSWORD + "\n", "create", "ops", dir, pg);
      assertThat(created.exit()).as(created.output()).isZero();
      assertThat(created.output()).contains("starting the embedded PostgreSQL").contains("administrator ops created");

      sys.start();
      assertThat(sys.get("/api/admin/staff", "ops:" + PASSWORD).statusCode()).isEqualTo(200);
      assertThat(sys.value("select actor from audit_entry where subject = 'account:ops' and action = 'ACCOUNT_CREATED'"))
          .isEqualTo("machine:" + System.getProperty("user.name"));

      // every administrator locked out: the machine lifts the lock, through the running application's PostgreSQL
      try (Connection c = sys.db()) {
        c.createStatement().executeUpdate("update staff_user set locked_at = now(), failed_sign_ins = 5 where username = 'ops'");
      }
      Run unlocked = admin(null, "unlock", "ops", "locked", "out", "over", "the", "weekend", dir, pg);
      assertThat(unlocked.exit()).as(unlocked.output()).isZero();
      assertThat(unlocked.output()).contains("using the running application's PostgreSQL").contains("ops unlocked");
      assertThat(sys.count("select count(*) from staff_user where username = 'ops' and locked_at is null and failed_sign_ins = 0"))
          .isEqualTo(1);
      assertThat(sys.value("select actor || ' ' || channel || ' ' || (detail->>'reason') from audit_entry "
          + "where subject = 'account:ops' and action = 'ACCOUNT_UNLOCKED'"))
          .isEqualTo("machine:" + System.getProperty("user.name") + " machine locked out over the weekend");
      assertThat(sys.get("/api/admin/staff", "ops:" + PASSWORD).statusCode()).isEqualTo(200);

      // the demo: every port on 127.0.0.1, the web server's included
      String ss = new String(new ProcessBuilder("ss", "-ltnH").start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      for (int port : new int[] {sys.httpPort, sys.pgPort, sys.esPort, sys.esPort + 100, sys.enginePort}) {
        List<String> local = ss.lines().map(l -> l.trim().split("\\s+")[3]).filter(a -> a.endsWith(":" + port)).toList();
        assertThat(local).as("listening on port " + port).isNotEmpty()
            .allMatch(a -> a.equals("127.0.0.1:" + port) || a.equals("[::ffff:127.0.0.1]:" + port));
      }
      InetAddress outside = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
          .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
      if (outside != null) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(outside, sys.httpPort), 2000);
          throw new AssertionError("the web server answered on " + outside);
        } catch (IOException refusedAsExpected) {
          // nothing listens there
        }
      }
      assertThat(sys.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }
  }

  static String[] concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }
}
