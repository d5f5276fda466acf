package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The attacks of a stranger, a dishonest channel and a flaky partner, against the packaged
 * application with channel passwords switched off (as outside the demo): each is refused with a
 * clear answer, changes nothing and leaves its trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {
  private static final int LOCK_SECONDS = 8;
  private RunningSystem sys;

  @BeforeAll
  void start() throws Exception {
    sys = new RunningSystem("security").with("--cardcase.security.channel-basic-auth=false")
        .with("--cardcase.security.lock-period=" + LOCK_SECONDS + "s").with("--cardcase.security.idle-timeout=6s")
        .with("--cardcase.simulators.bank.produce-after=1s");
    sys.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (sys != null) {
      sys.close();
    }
  }

  private HttpResponse<String> bearer(String method, String path, String token, String body) throws Exception {
    return sys.request(method, path, body == null ? Map.of("Authorization", "Bearer " + token)
        : Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"), body);
  }

  private static String basic(String credentials) {
    return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  /** Wrong passwords as a patient guesser sends them, until {@code failures} were checked: each wait asked for is waited out. */
  private List<String> guess(String name, int failures) throws Exception {
    List<String> answers = new ArrayList<>();
    for (int i = 0, checked = 0; checked < failures; i++) {
      HttpResponse<String> r = sys.get("/api/admin/staff", name + ":wrong-" + i);
      answers.add(r.statusCode() + " " + r.body().replace(name, "NAME") + " " + r.headers().firstValue("Retry-After").orElse("-"));
      if (r.statusCode() == 429) {
        Thread.sleep(1000 * Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) + 100);
      } else {
        assertThat(r.statusCode()).isEqualTo(401);
        checked++;
      }
    }
    return answers;
  }

  @Test
  void noOneLocksStaffOutForGoodAndNamesAreNotToldApart() throws Exception {
    // five wrong passwords for the only administrator lock it for a while, answered exactly as for a made-up name
    List<String> admin = guess("admin", 5);
    HttpResponse<String> locked = sys.get("/api/admin/staff", ADMIN);
    List<String> nobody = guess("no-such-person", 5);
    HttpResponse<String> nobodyLocked = sys.get("/api/admin/staff", "no-such-person:anything");
    assertThat(admin).isEqualTo(nobody);
    assertThat(admin).filteredOn(a -> a.startsWith("429")).as("growing waits before the lock").hasSize(2);
    assertThat(locked.statusCode()).as("even the right password waits out the lock").isEqualTo(429);
    assertThat(nobodyLocked.statusCode()).isEqualTo(429);
    assertThat(locked.body()).isEqualTo(nobodyLocked.body());
    long wait = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
    assertThat(wait).isBetween(LOCK_SECONDS - 3L, (long) LOCK_SECONDS);
    assertThat(sys.value("select locked_until from staff_user where username = 'admin'")).as("kept over a restart").isNotNull();
    Thread.sleep(wait * 1000 + 300);
    assertThat(sys.get("/api/admin/staff", ADMIN).statusCode()).as("the lock ended by itself").isEqualTo(200);
    assertThat(sys.value("select locked_at from staff_user where username = 'admin'")).isNull();
    assertThat(sys.count("select count(*) from audit_entry where subject = 'account:admin' and action = 'ACCOUNT_LOCKED'")).isEqualTo(1);
  }

  @Test
  void aThousandWrongPasswordsFromOneAddressLockNoLongerThanTheLockPeriod() throws Exception {
    long t0 = System.nanoTime();
    int refusedUnseen = 0;
    for (int i = 0; i < 1000; i++) {
      int status = sys.get("/api/tasks", "clerk2:guess-" + i).statusCode();
      assertThat(status).isIn(401, 429);
      refusedUnseen += status == 429 ? 1 : 0;
      Thread.sleep(5); // a thousand over several seconds, so the growing waits run into the lock
    }
    long lastTry = System.nanoTime();
    // each lock period lets at most lock-after (5) passwords be checked, however slow the machine makes the flood
    long periods = (lastTry - t0) / 1_000_000_000L / LOCK_SECONDS + 1;
    assertThat(1000 - refusedUnseen).as("passwords checked in " + (lastTry - t0) / 1_000_000 + " ms of guessing")
        .isLessThanOrEqualTo((int) (5 * periods)).isLessThan(50);
    Thread.sleep(LOCK_SECONDS * 1000L + 500);
    assertThat(sys.get("/api/tasks", "clerk2:clerk2-demo").statusCode())
        .as("usable again one lock period after the last guess (" + (lastTry - t0) / 1_000_000 + " ms of guessing)").isEqualTo(200);
    assertThat(sys.count("select count(*) from audit_entry where subject = 'account:clerk2' and action = 'ACCOUNT_LOCKED'"))
        .isGreaterThanOrEqualTo(1);

    // one address guessing many names is slowed down as a whole
    int last = 0;
    for (int i = 0; i < 21; i++) {
      last = sys.get("/api/tasks", "name-" + i + ":guess").statusCode();
    }
    assertThat(last).as("a fresh name from an address that guessed 20 times in a row").isEqualTo(429);
    assertThat(sys.count("select count(*) from audit_entry where subject = 'address:127.0.0.1' and action = 'SIGN_IN_THROTTLED'"))
        .isGreaterThanOrEqualTo(1);
    Thread.sleep(1_500);
    assertThat(sys.get("/api/tasks", CLERK).statusCode()).isEqualTo(200);
  }

  @Test
  void signInTakesAsLongForAKnownNameAsForAnUnknownOne() throws Exception {
    // alternate the two, each first in turn, so that drift on the machine hits both alike; a fresh name each time, below any wait
    List<Long> known = new ArrayList<>();
    List<Long> unknown = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      for (int j = 0; j < 2; j++) {
        int k = (i + j) % 2;
        String name = k == 0 ? "supervisor" : "ghost" + i;
        long t = System.nanoTime();
        assertThat(sys.get("/api/dashboard", name + ":nope-" + i).statusCode()).isEqualTo(401);
        (k == 0 ? known : unknown).add(System.nanoTime() - t);
      }
      assertThat(sys.get("/api/dashboard", SUPERVISOR).statusCode()).isEqualTo(200); // the name's count starts afresh
    }
    known.sort(null);
    unknown.sort(null);
    double ratio = (double) known.get(10) / unknown.get(10);
    System.out.printf("sign-in timing, median of 21: known name %.1f ms, unknown name %.1f ms, ratio %.3f%n",
        known.get(10) / 1e6, unknown.get(10) / 1e6, ratio);
    assertThat(ratio).isBetween(0.9, 1.1);
  }

  @Test
  void channelsUseTokensWithinTheirScopes() throws Exception {
    // the channel's password no longer opens the API (outside the demo)
    HttpResponse<String> password = sys.post("/api/applications", PORTAL, application("欧阳锋", id("11010519700101321"), "MALE"));
    assertThat(password.statusCode()).isEqualTo(401);
    assertThat(sys.json(password).get("error").asText()).contains("access token");
    // a token with the scopes asked for, and a service outside them refused
    String lookupsOnly = sys.token(PORTAL, "lookups");
    HttpResponse<String> outside = bearer("POST", "/api/applications", lookupsOnly, application("欧阳锋", id("11010519700101321"), "MALE"));
    assertThat(outside.statusCode()).isEqualTo(403);
    assertThat(sys.json(outside).get("error").asText()).contains("scopes");
    assertThat(sys.request("POST", "/oauth2/token", Map.of("Authorization", basic(PORTAL),
        "Content-Type", "application/x-www-form-urlencoded"), "grant_type=client_credentials&scope=callbacks").statusCode())
        .as("a scope the client does not have is not given").isEqualTo(400);
    // 12333 answers lookups and takes nothing else
    String line = sys.token("12333:12333-demo", null);
    assertThat(bearer("POST", "/api/loss-reports", line, "{}").statusCode()).isEqualTo(403);
    assertThat(bearer("GET", "/api/reference", line, null).statusCode()).isEqualTo(200);
    // with every scope of its client, the portal applies
    String portal = sys.token(PORTAL, null);
    HttpResponse<String> applied = bearer("POST", "/api/applications", portal, application("欧阳锋", id("11010519700101321"), "MALE"));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(201);
    // staff have no tokens, and a wrong client secret is slowed down like a wrong password
    assertThat(sys.request("POST", "/oauth2/token", Map.of("Authorization", basic(CLERK),
        "Content-Type", "application/x-www-form-urlencoded"), "grant_type=client_credentials").statusCode()).isEqualTo(401);
    int last = 0;
    for (int i = 0; i < 6; i++) {
      last = sys.request("POST", "/oauth2/token", Map.of("Authorization", basic("wechat:guess-" + i),
          "Content-Type", "application/x-www-form-urlencoded"), "grant_type=client_credentials").statusCode();
    }
    assertThat(last).isEqualTo(429);
  }

  @Test
  void forgedExpiredAndUnsignedTokensAreRefused() throws Exception {
    RSAKey ours = RSAKey.parse(sys.value("select jwk from token_signing_key where retired_at is null"));
    RSAKey foreign = new RSAKeyGenerator(2048).keyID(ours.getKeyID()).generate();
    Instant now = Instant.now();
    String forged = sign(foreign, "web-portal", now, now.plusSeconds(300));
    String expired = sign(ours, "web-portal", now.minusSeconds(900), now.minusSeconds(600));
    String valid = sign(ours, "web-portal", now, now.plusSeconds(300));
    String retired = sign(ours, "card-production", now, now.plusSeconds(300));
    String[] parts = valid.split("\\.");
    String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + parts[1] + ".";
    for (Map.Entry<String, String> bad : Map.of("signed by a key not ours", forged, "expired", expired, "unsigned", unsigned,
        "of a retired client", retired).entrySet()) {
      HttpResponse<String> r = bearer("GET", "/api/progress?idNumber=" + id("11010519700101321") + "&caseNumber=SC1", bad.getValue(), null);
      assertThat(r.statusCode()).as(bad.getKey()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).as(bad.getKey()).contains("invalid_token");
    }
    assertThat(bearer("GET", "/api/reference", valid, null).statusCode()).as("the same claims, signed by us").isEqualTo(200);
    // the call log is written off the request thread, within a second
    Scenarios.await("the refused calls in the call log",
        () -> sys.count("select count(*) from api_call where status = 401 and path = '/api/progress'") >= 4);
  }

  private static String sign(RSAKey key, String client, Instant issued, Instant expires) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().subject(client).issueTime(Date.from(issued)).notBeforeTime(Date.from(issued))
            .expirationTime(Date.from(expires)).claim("scope", List.of("applications", "lookups")).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  @Test
  void aPartnerReportsOnlyTheCardsItWasAskedToMake() throws Exception {
    String portal = sys.token(PORTAL, null);
    String cn = sys.json(bearer("POST", "/api/applications", portal, application("黄药师", id("11010519650505111"), "MALE")))
        .get("caseNumber").asText();
    String ccb = sys.token("bank-ccb:bank-ccb-demo", null);
    String icbc = sys.token("bank-icbc:bank-icbc-demo", null);
    String centre = sys.token("card-centre:card-centre-demo", null);
    String produced = "{\"callbackId\":\"cb-1\",\"caseNumber\":\"" + cn + "\",\"cardNumber\":\"A12345678\"}";
    HttpResponse<String> foreign = bearer("POST", "/api/callbacks/card-produced", ccb, produced);
    assertThat(foreign.statusCode()).as("CCB did not make this ICBC card").isEqualTo(404);
    assertThat(sys.count("select count(*) from inbound_message where case_number = ? and name = 'card-produced'"
        + " and message_id like 'card-produced:%'", cn)).isZero();
    // the same callback id from two partners is two callbacks; from one partner twice, a duplicate
    assertThat(sys.json(bearer("POST", "/api/callbacks/card-produced", icbc, produced)).get("duplicate").asBoolean()).isFalse();
    assertThat(sys.json(bearer("POST", "/api/callbacks/card-produced", centre, produced)).get("duplicate").asBoolean()).isFalse();
    assertThat(sys.json(bearer("POST", "/api/callbacks/card-produced", icbc, produced)).get("duplicate").asBoolean()).isTrue();
    // a channel is no partner
    assertThat(bearer("POST", "/api/callbacks/card-produced", portal, produced).statusCode()).isEqualTo(403);
    // the shared account of before is retired
    assertThat(sys.request("POST", "/oauth2/token", Map.of("Authorization", basic("card-production:card-production-demo"),
        "Content-Type", "application/x-www-form-urlencoded"), "grant_type=client_credentials").statusCode()).isEqualTo(401);
  }

  @Test
  void workspaceSessionsEndWhenIdleOrWhenTheAccountChanges() throws Exception {
    // polling keeps nothing alive: a session with only polls ends after the idle time
    String cookie = signIn("supervisor", "supervisor-demo");
    assertThat(page("/", cookie).statusCode()).isEqualTo(200);
    for (int i = 0; i < 4; i++) {
      Thread.sleep(2_000);
      sys.request("POST", "/?v-r=uidl&v-uiId=0", Map.of("Cookie", cookie, "Content-Type", "application/json"),
          "{\"csrfToken\":\"x\",\"rpc\":[{\"type\":\"event\",\"node\":1,\"event\":\"ui-poll\"}],\"syncId\":1,\"clientId\":1}");
    }
    assertThat(page("/tasks", cookie).statusCode()).as("idle for 8 s with a 6 s idle timeout: signed out").isEqualTo(302);

    // a disabled account's open session ends at once
    String clerk = signIn("clerk", "clerk-demo");
    assertThat(page("/tasks", clerk).statusCode()).isEqualTo(200);
    assertThat(sys.put("/api/admin/staff/clerk/enabled", ADMIN, "{\"enabled\":false,\"reason\":\"left the centre\"}").statusCode())
        .isEqualTo(200);
    assertThat(page("/tasks", clerk).statusCode()).isEqualTo(302);
    assertThat(sys.put("/api/admin/staff/clerk/enabled", ADMIN, "{\"enabled\":true,\"reason\":\"back\"}").statusCode()).isEqualTo(200);

    // an administrator's lock ends the session too, and is said only to whoever knows the password
    String clerkAgain = signIn("clerk", "clerk-demo");
    assertThat(sys.post("/api/admin/accounts/clerk/lock", ADMIN, "{\"reason\":\"laptop stolen\"}").statusCode()).isEqualTo(200);
    assertThat(page("/tasks", clerkAgain).statusCode()).isEqualTo(302);
    HttpResponse<String> right = sys.get("/api/tasks", CLERK);
    assertThat(right.statusCode()).isEqualTo(401);
    assertThat(sys.json(right).get("error").asText()).contains("locked by an administrator");
    HttpResponse<String> wrong = sys.get("/api/tasks", "clerk:wrong");
    assertThat(sys.json(wrong).get("error").asText()).doesNotContain("locked");
    assertThat(sys.post("/api/admin/accounts/clerk/unlock", ADMIN, "{\"reason\":\"laptop found\"}").statusCode()).isEqualTo(200);
    assertThat(sys.get("/api/tasks", CLERK).statusCode()).isEqualTo(200);
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() throws Exception {
    HttpResponse<String> login = page("/login", null);
    assertThat(login.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'self'", "object-src 'none'");
    assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("SAMEORIGIN");
    assertThat(login.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
    assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    HttpResponse<String> api = sys.get("/api/reference", "nobody:nothing");
    assertThat(api.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'");
    assertThat(api.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
  }

  private HttpResponse<String> page(String path, String cookie) throws Exception {
    return sys.request("GET", path, cookie == null ? Map.of() : Map.of("Cookie", cookie), null);
  }

  /** Signs in through the workspace's form as a browser would; returns the session cookie. */
  private String signIn(String user, String password) throws Exception {
    HttpResponse<String> form = page("/login", null);
    String cookie = sessionCookie(form, null);
    Matcher csrf = Pattern.compile("name=\"_csrf\" content=\"([^\"]+)\"").matcher(form.body());
    String token = csrf.find() ? "&_csrf=" + csrf.group(1) : "";
    HttpResponse<String> r = sys.request("POST", "/login", Map.of("Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"),
        "username=" + user + "&password=" + password + token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain("error");
    return sessionCookie(r, cookie);
  }

  private static String sessionCookie(HttpResponse<String> r, String before) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID=")).map(c -> c.split(";")[0])
        .findFirst().orElse(before);
  }
}
