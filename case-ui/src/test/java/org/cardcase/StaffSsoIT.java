package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Staff single sign-on against a real Keycloak (the official distribution from the Maven registry),
 * signing in through its own login page the way a browser does: cookies, redirects, its login form.
 * One Keycloak and one application for all the tests; the realm (users, roles, groups, the CardCase
 * client and the mappers that put roles and groups into the cardcase_roles / cardcase_groups claims)
 * is src/test/resources/keycloak-cardcase-realm.json.
 */
class StaffSsoIT {
  static final String REALM = "cardcase";
  static final String CLIENT_SECRET = "it-" + UUID.randomUUID();
  static Process keycloak;
  static Path keycloakLog;
  static int keycloakPort;
  static RunningSystem app;
  static String appBase;

  @BeforeAll
  static void start() throws Exception {
    Path dist = Path.of(System.getProperty("cardcase.it.keycloak-distribution", "target/keycloak/keycloak-26.4.7"));
    assertThat(dist.resolve("bin/kc.sh")).as("the Keycloak distribution (unpacked by the build at pre-integration-test)").exists();
    app = new RunningSystem("sso");
    appBase = "http://localhost:" + app.httpPort;
    keycloakPort = RunningSystem.freePort();
    // a fresh data directory (H2 database, imported realm) inside the unpacked distribution under target/
    Path data = dist.resolve("data");
    deleteTree(data);
    Files.createDirectories(data.resolve("import"));
    String realm = Files.readString(Path.of("src/test/resources/keycloak-cardcase-realm.json"))
        .replace("${CLIENT_SECRET}", CLIENT_SECRET)
        .replace("${REDIRECT_URI}", appBase + "/login/oauth2/code/keycloak")
        .replace("${APP_BASE}", appBase);
    Files.writeString(data.resolve("import/cardcase-realm.json"), realm);
    keycloakLog = app.dataDir.resolve("keycloak.log");
    ProcessBuilder pb = new ProcessBuilder("bash", dist.resolve("bin/kc.sh").toString(), "start-dev",
        "--http-port=" + keycloakPort, "--http-host=127.0.0.1", "--http-management-port=" + RunningSystem.freePort(),
        "--import-realm")
        .redirectErrorStream(true).redirectOutput(keycloakLog.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-" + UUID.randomUUID());
    pb.environment().put("JAVA_OPTS_KC_HEAP", "-Xms128m -Xmx768m");
    long t0 = System.nanoTime();
    keycloak = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(StaffSsoIT::stopKeycloak));
    String issuer = "http://127.0.0.1:" + keycloakPort + "/realms/" + REALM;
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
    while (true) {
      if (!keycloak.isAlive()) {
        throw new IllegalStateException("Keycloak exited: " + tail(keycloakLog));
      }
      try {
        var r = plain.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Keycloak not ready in 600 s: " + tail(keycloakLog));
      }
      Thread.sleep(1000);
    }
    System.out.printf("Keycloak answered OIDC discovery after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    app.with("--cardcase.sso.enabled=true")
        .with("--spring.security.oauth2.client.registration.keycloak.client-id=cardcase")
        .with("--spring.security.oauth2.client.registration.keycloak.client-secret=" + CLIENT_SECRET)
        .with("--spring.security.oauth2.client.registration.keycloak.scope=openid,profile,email")
        .with("--spring.security.oauth2.client.provider.keycloak.issuer-uri=" + issuer)
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      stopKeycloak();
    }
  }

  /** Keycloak and every process it started, by process id. */
  static void stopKeycloak() {
    if (keycloak == null) {
      return;
    }
    List<ProcessHandle> tree = Stream.concat(keycloak.descendants(), Stream.of(keycloak.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception stillRunning) {
        p.destroyForcibly();
      }
    }
  }

  // ---- the tests ----

  @Test
  void aClerkSignsInThroughKeycloakAndWorksInTheWorkspace() throws Exception {
    Browser b = new Browser();
    // the clerk opens their task list, is sent to the sign-in page, and picks single sign-on there
    var first = b.get(appBase + "/tasks");
    assertThat(first.uri().getPath()).isEqualTo("/login");
    assertThat(b.vaadin("login", "")).contains("sso-sign-in");
    String landed = b.signInWithSso("clara", "clara-sso-pass");
    assertThat(landed).startsWith(appBase + "/tasks"); // the page they asked for (Spring may add "?continue")

    // signed in as themselves: the page is served, and the role-guarded task list renders (not the not-allowed page)
    var page = b.get(appBase + "/tasks");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.uri().getPath()).isEqualTo("/tasks");
    String tasks = b.vaadin("tasks", "");
    assertThat(tasks).contains("task-scopes").contains("\"clara\"").doesNotContain("not-allowed");
    // the supervisors' page is not the clerk's
    assertThat(b.vaadin("supervision", "")).contains("not-allowed");

    // staff_user has them as the claims say, marked as a single sign-on account, the change audited
    assertThat(app.value("select array_to_string(roles, ',') from staff_user where username = 'clara'")).isEqualTo("CLERK");
    assertThat(app.value("select array_to_string(work_groups, ',') from staff_user where username = 'clara'")).isEqualTo("verification");
    assertThat(app.value("select display_name from staff_user where username = 'clara'")).isEqualTo("Clara Clerk");
    assertThat(app.value("select sso_subject from staff_user where username = 'clara'"))
        .startsWith("http://127.0.0.1:" + keycloakPort + "/realms/" + REALM + " ");
    assertThat(app.count("select count(*) from audit_entry where subject = 'account:clara' and action = 'ACCOUNT_PROVISIONED_FROM_SSO'"))
        .isEqualTo(1);

    // a second sign-in with nothing changed at the provider writes nothing
    Browser again = new Browser();
    again.get(appBase + "/");
    assertThat(again.signInWithSso("clara", "clara-sso-pass")).doesNotContain("/login");
    assertThat(app.count("select count(*) from audit_entry where subject = 'account:clara' and action = 'ACCOUNT_PROVISIONED_FROM_SSO'"))
        .isEqualTo(1);

    // the account has no password: its random hash matches nothing, and none can be set on it
    Browser local = new Browser();
    assertThat(local.formLogin("clara", "clara-sso-pass")).contains("/login?error");
    assertThatThrownBy(() -> app.value("update staff_user set password_hash = 'x' where username = 'clara' returning username"))
        .isInstanceOf(SQLException.class).hasMessageContaining("single sign-on");
    var reset = app.post("/api/admin/staff/clara/password", "admin:admin-demo",
        "{\"password\":\"a-new-password-123\",\"reason\":\"test: an SSO account has no password\"}");
    assertThat(reset.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(local.formLogin("clara", "a-new-password-123")).contains("/login?error");
  }

  @Test
  void aSupervisorGetsTheSupervisorRole() throws Exception {
    Browser b = new Browser();
    b.get(appBase + "/supervision");
    assertThat(b.signInWithSso("sam", "sam-sso-pass")).startsWith(appBase + "/supervision");
    assertThat(b.vaadin("supervision", "")).doesNotContain("not-allowed").contains("\"sam\"");
    assertThat(app.value("select array_to_string(roles, ',') from staff_user where username = 'sam'")).isEqualTo("SUPERVISOR");
    assertThat(app.value("select array_to_string(work_groups, ',') from staff_user where username = 'sam'"))
        .isEqualTo("supervisors,verification");
  }

  @Test
  void someoneWithNoCardCaseRoleIsRefusedWithAMessage() throws Exception {
    Browser b = new Browser();
    b.get(appBase + "/tasks");
    String landed = b.signInWithSso("nora", "nora-sso-pass");
    assertThat(landed).isEqualTo(appBase + "/login?sso-refused=no-role");
    assertThat(b.get(appBase + "/tasks").uri().getPath()).as("still not signed in").isEqualTo("/login");
    // the sign-in page speaks Chinese until the person picks English there (the workspace's bundles: zh, zh-CN and the default)
    assertThat(b.vaadin("login", "sso-refused=no-role", "zh-CN"))
        .contains("单点登录：您的账号没有本系统的角色");
    assertThat(app.count("select count(*) from staff_user where username = 'nora'")).isZero();
  }

  @Test
  void aDisabledAccountIsRefusedThoughKeycloakAcceptsThePerson() throws Exception {
    Browser first = new Browser();
    first.get(appBase + "/");
    assertThat(first.signInWithSso("dora", "dora-sso-pass")).doesNotContain("/login");
    try (var c = app.db(); var st = c.createStatement()) {
      st.executeUpdate("update staff_user set enabled = false where username = 'dora'");
    }
    Browser b = new Browser();
    b.get(appBase + "/tasks");
    assertThat(b.signInWithSso("dora", "dora-sso-pass")).isEqualTo(appBase + "/login?sso-refused=disabled");
    assertThat(b.get(appBase + "/tasks").uri().getPath()).isEqualTo("/login");
    assertThat(b.vaadin("login", "sso-refused=disabled", "zh-CN")).contains("您在本系统的账号已停用");
  }

  @Test
  void localAccountsStillSignInWithTheForm() throws Exception {
    Browser b = new Browser();
    assertThat(b.formLogin("clerk", "wrong-password-0")).contains("/login?error");
    Browser ok = new Browser();
    String landed = ok.formLogin("clerk", "clerk-demo");
    assertThat(landed).doesNotContain("/login");
    var page = ok.get(appBase + "/tasks");
    assertThat(page.uri().getPath()).isEqualTo("/tasks");
    assertThat(ok.vaadin("tasks", "")).contains("task-scopes").contains("\"clerk\"").doesNotContain("not-allowed");
    assertThat(app.value("select sso_subject from staff_user where username = 'clerk'")).isNull();
  }

  // ---- a browser's part: cookies, redirects, Keycloak's login form ----

  static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\saction=\"([^\"]+)\"");

  final class Browser {
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new LoopbackCookies()).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();

    /** GET, following redirects; the last response (its uri() is where the redirects ended). */
    HttpResponse<String> get(String url) throws IOException, InterruptedException {
      return follow(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    HttpResponse<String> follow(HttpRequest request) throws IOException, InterruptedException {
      HttpResponse<String> r = send(request);
      for (int hops = 0; hops < 20 && r.statusCode() / 100 == 3; hops++) {
        URI next = r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
        r = send(HttpRequest.newBuilder(next).GET().build());
      }
      return r;
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(60));
      if (request.headers().firstValue("Accept-Language").isEmpty()) {
        b.header("Accept-Language", "en");
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * Presses the sign-in page's single sign-on button, signs in on Keycloak's login page and
     * follows the redirects back: where the person ends up (path and query).
     */
    String signInWithSso(String username, String password) throws IOException, InterruptedException {
      var login = get(appBase + "/oauth2/authorization/keycloak");
      assertThat(login.uri().toString()).startsWith("http://127.0.0.1:" + keycloakPort + "/realms/" + REALM + "/");
      Matcher action = FORM_ACTION.matcher(login.body());
      assertThat(action.find()).as("Keycloak's login form in %s", login.body()).isTrue();
      URI post = login.uri().resolve(action.group(1).replace("&amp;", "&"));
      var landed = follow(HttpRequest.newBuilder(post).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(form(Map.of("username", username, "password", password, "credentialId", ""))).build());
      URI at = landed.uri();
      assertThat(at.toString()).as("back at CardCase (%s)", landed.body()).startsWith(appBase);
      return appBase + at.getRawPath() + (at.getRawQuery() == null ? "" : "?" + at.getRawQuery());
    }

    /** Signs in with the sign-in page's form (user name and password), as the login form posts it. */
    String formLogin(String username, String password) throws IOException, InterruptedException {
      var page = get(appBase + "/login");
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("username", username);
      fields.put("password", password);
      Matcher name = Pattern.compile("<meta name=\"_csrf_parameter\" content=\"([^\"]+)\"").matcher(page.body());
      Matcher token = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"").matcher(page.body());
      if (name.find() && token.find()) {
        fields.put(name.group(1), token.group(1));
      }
      var r = send(HttpRequest.newBuilder(URI.create(appBase + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(form(fields)).build());
      assertThat(r.statusCode()).as("the form post answers with a redirect: %s", r.body()).isEqualTo(302);
      return r.uri().resolve(r.headers().firstValue("Location").orElseThrow()).toString();
    }

    /** What the workspace renders for a route (its components, ids and texts as Vaadin sends them to the page). */
    String vaadin(String route, String query) throws IOException, InterruptedException {
      return vaadin(route, query, "en");
    }

    /**
     * As the page's client script does it: Vaadin's init request creates the UI, then the
     * {@code ui-navigate} event asks the server to render the route; both answers, as JSON text.
     */
    String vaadin(String route, String query, String language) throws IOException, InterruptedException {
      var init = send(HttpRequest.newBuilder(URI.create(appBase + "/?v-r=init&location=" + enc(route) + "&query=" + enc(query)))
          .header("Accept-Language", language).GET().build());
      assertThat(init.statusCode()).isEqualTo(200);
      var config = RunningSystem.JSON.readTree(init.body());
      var uidl = config.path("appConfig").path("uidl");
      int ui = config.path("appConfig").path("v-uiId").asInt();
      var message = RunningSystem.JSON.createObjectNode();
      message.put("csrfToken", uidl.path("Vaadin-Security-Key").asText());
      var event = message.putArray("rpc").addObject();
      event.put("type", "event").put("node", 1).put("event", "ui-navigate");
      event.putObject("data").put("route", route).put("query", query).put("appShellTitle", "").putNull("historyState")
          .put("trigger", "");
      message.put("syncId", uidl.path("syncId").asInt());
      message.put("clientId", uidl.path("clientId").asInt());
      var navigated = send(HttpRequest.newBuilder(URI.create(appBase + "/?v-r=uidl&v-uiId=" + ui))
          .header("Content-Type", "application/json; charset=UTF-8").header("Accept-Language", language)
          .POST(HttpRequest.BodyPublishers.ofString(message.toString(), StandardCharsets.UTF_8)).build());
      assertThat(navigated.statusCode()).isEqualTo(200);
      String answer = navigated.body().startsWith("for(;;);") ? navigated.body().substring("for(;;);".length()) : navigated.body();
      // texts as they are, not as JSON escapes
      return RunningSystem.JSON.readTree(init.body()) + "\n" + RunningSystem.JSON.readTree(answer);
    }
  }

  /**
   * Cookies as a browser keeps them for a loopback address: Chromium and Firefox treat
   * http://127.0.0.1 and http://localhost as secure, so Keycloak's {@code Secure} cookies come back
   * (Java's CookieManager would drop them over http).
   */
  static final class LoopbackCookies extends CookieHandler {
    private final CookieManager store = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
      return store.get(uri, headers);
    }

    @Override
    public void put(URI uri, Map<String, List<String>> headers) throws IOException {
      Map<String, List<String>> kept = new LinkedHashMap<>();
      headers.forEach((name, values) -> kept.put(name, name != null && name.equalsIgnoreCase("set-cookie")
          ? values.stream().map(c -> c.replaceAll("(?i);\\s*Secure(?=;|$)", "")).toList() : values));
      store.put(uri, kept);
    }
  }

  static HttpRequest.BodyPublisher form(Map<String, String> fields) {
    return HttpRequest.BodyPublishers.ofString(fields.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&")));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
