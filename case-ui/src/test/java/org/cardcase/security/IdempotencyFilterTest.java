package org.cardcase.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardcase.idempotency.IdempotencyKeys;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The Idempotency-Key filter as the API's security chain runs it (after authorisation), with the
 * real key store on a real PostgreSQL with the real migrations; the application behind it is a
 * stand-in that counts how often it ran.
 */
class IdempotencyFilterTest {
  static EmbeddedPostgres pg;
  static IdempotencyKeys keys;

  @BeforeAll
  static void database() throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("idempotency-pg")).start();
    Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
    keys = new IdempotencyKeys(JdbcClient.create(pg.getPostgresDatabase()), Clock.systemUTC(), Duration.ofHours(24),
        Duration.ofMinutes(10));
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  @AfterEach
  void signOut() {
    SecurityContextHolder.clearContext();
  }

  final IdempotencyFilter filter = new IdempotencyFilter(keys);
  final AtomicInteger ran = new AtomicInteger();
  final List<String> bodiesSeen = new CopyOnWriteArrayList<>();
  /** How long the application works on a request. */
  volatile long work = 100;
  /** Each test its own client, so the tests keep apart in the one database. */
  final String client = "portal-" + UUID.randomUUID();
  static final String BODY = "{\"applicantName\":\"王小明\",\"idNumber\":\"11010519491231002X\"}";

  /** The application: reads the body, takes a while, answers 201 with the new case's address. */
  FilterChain application(int status) {
    return (rq, rs) -> {
      int n = ran.incrementAndGet();
      bodiesSeen.add(new String(rq.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      try {
        Thread.sleep(work);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      HttpServletResponse res = (HttpServletResponse) rs;
      res.setStatus(status);
      res.setContentType("application/json");
      if (status == 201) {
        res.setHeader("Location", "/api/cases/SC2026120800000" + n);
      }
      res.getWriter().write("{\"caseNumber\":\"SC2026120800000" + n + "\",\"status\":\"RECEIVED\"}");
    };
  }

  void signIn(String name, String role) {
    SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, null,
        List.of(new SimpleGrantedAuthority(role))));
  }

  MockHttpServletResponse post(String path, String body, String... idempotencyKeys) throws Exception {
    return send("POST", path, body, 201, idempotencyKeys);
  }

  MockHttpServletResponse send(String method, String path, String body, int status, String... idempotencyKeys) throws Exception {
    if (SecurityContextHolder.getContext().getAuthentication() == null) {
      signIn(client, "ROLE_CHANNEL");
    }
    MockHttpServletRequest req = new MockHttpServletRequest(method, path);
    req.setContentType("application/json");
    req.setContent(body.getBytes(StandardCharsets.UTF_8));
    for (String k : idempotencyKeys) {
      req.addHeader(IdempotencyFilter.HEADER, k);
    }
    MockHttpServletResponse res = new MockHttpServletResponse();
    filter.doFilter(req, res, application(status));
    return res;
  }

  @Test
  void theSameKeyAndBodyAgainIsTheFirstAnswerAndNothingIsDoneAgain() throws Exception {
    MockHttpServletResponse first = post("/api/applications", BODY, "k-1");
    assertThat(first.getStatus()).isEqualTo(201);
    assertThat(bodiesSeen).as("the application read the body as sent").containsExactly(BODY);
    for (int i = 0; i < 3; i++) {
      MockHttpServletResponse again = post("/api/applications", BODY, "k-1");
      assertThat(again.getStatus()).isEqualTo(201);
      assertThat(again.getContentAsString()).isEqualTo(first.getContentAsString());
      assertThat(again.getHeader("Location")).isEqualTo(first.getHeader("Location")).isEqualTo("/api/cases/SC20261208000001");
      assertThat(again.getContentType()).startsWith("application/json");
      assertThat(again.getHeader(IdempotencyFilter.REPLAYED)).isEqualTo("true");
    }
    assertThat(first.getHeader(IdempotencyFilter.REPLAYED)).isNull();
    assertThat(ran.get()).as("done once").isEqualTo(1);
    // the draft's structured-field form of the same key is the same key
    assertThat(post("/api/applications", BODY, "\"k-1\"").getStatus()).isEqualTo(201);
    assertThat(ran.get()).isEqualTo(1);
  }

  @Test
  void eightRequestsWithOneKeyAtTheSameMomentRunOnce() throws Exception {
    int threads = 8;
    work = 2000; // longer than the others take to arrive
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<MockHttpServletResponse>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          signIn(client, "ROLE_CHANNEL");
          barrier.await(10, TimeUnit.SECONDS);
          return post("/api/applications", BODY, "k-together");
        }));
      }
      List<MockHttpServletResponse> answers = new ArrayList<>();
      for (Future<MockHttpServletResponse> f : futures) {
        answers.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(ran.get()).as("processed once").isEqualTo(1);
      assertThat(answers).filteredOn(r -> r.getStatus() == 201).hasSize(1);
      assertThat(answers).filteredOn(r -> r.getStatus() == 409).hasSize(threads - 1)
          .allSatisfy(r -> assertThat(r.getContentAsString()).contains("a request with this Idempotency-Key is still being processed"));
    } finally {
      pool.shutdownNow();
    }
    assertThat(post("/api/applications", BODY, "k-together").getStatus()).as("then the answer").isEqualTo(201);
    assertThat(ran.get()).isEqualTo(1);
  }

  @Test
  void theSameKeyForAnotherRequestIs422() throws Exception {
    post("/api/applications", BODY, "k-2");
    MockHttpServletResponse other = post("/api/applications", BODY.replace("王小明", "李华"), "k-2");
    assertThat(other.getStatus()).isEqualTo(422);
    assertThat(other.getContentAsString()).contains("was used for another request").contains("POST /api/applications");
    assertThat(post("/api/loss-reports", BODY, "k-2").getStatus()).as("another path").isEqualTo(422);
    assertThat(ran.get()).isEqualTo(1);
  }

  @Test
  void aKeyMustBeOneTo255PrintableAsciiCharacters() throws Exception {
    for (String bad : List.of("", "a".repeat(256), "键", "a\u0001b")) {
      MockHttpServletResponse r = post("/api/applications", BODY, bad);
      assertThat(r.getStatus()).as("key %s", bad).isEqualTo(400);
      assertThat(r.getContentAsString()).contains("1 to 255 printable ASCII characters");
    }
    assertThat(post("/api/applications", BODY, "k-a", "k-b").getStatus()).as("two keys").isEqualTo(400);
    assertThat(ran.get()).as("nothing done").isZero();
    assertThat(post("/api/applications", BODY, "a".repeat(255)).getStatus()).isEqualTo(201);
  }

  @Test
  void aFailedAttemptReleasesTheKeyAndARefusalIsKeptLikeASuccess() throws Exception {
    assertThat(send("POST", "/api/applications", BODY, 503, "k-3").getStatus()).isEqualTo(503);
    assertThat(post("/api/applications", BODY, "k-3").getStatus()).as("the retry is processed").isEqualTo(201);
    assertThat(ran.get()).isEqualTo(2);

    assertThat(send("POST", "/api/applications", BODY, 409, "k-4").getStatus()).isEqualTo(409);
    MockHttpServletResponse again = post("/api/applications", BODY, "k-4");
    assertThat(again.getStatus()).as("a 4xx is the answer, given again").isEqualTo(409);
    assertThat(again.getHeader(IdempotencyFilter.REPLAYED)).isEqualTo("true");
    assertThat(ran.get()).isEqualTo(3);
  }

  @Test
  void onlyChannelAndPartnerPostsWithAKeyAreConcerned() throws Exception {
    post("/api/applications", BODY);
    post("/api/applications", BODY);
    assertThat(ran.get()).as("no key: every request is processed (the domain's own rules apply)").isEqualTo(2);
    send("GET", "/api/cases/SC1", "", 200, "k-5");
    send("GET", "/api/cases/SC1", "", 200, "k-5");
    assertThat(ran.get()).as("not a POST").isEqualTo(4);
    signIn("clerk-" + UUID.randomUUID(), "ROLE_CLERK");
    post("/api/tasks/1/complete", BODY, "k-6");
    post("/api/tasks/1/complete", BODY, "k-6");
    assertThat(ran.get()).as("staff").isEqualTo(6);
    SecurityContextHolder.clearContext();
    signIn("bank-" + UUID.randomUUID(), "ROLE_PARTNER");
    post("/api/callbacks/card-produced", BODY, "k-7");
    post("/api/callbacks/card-produced", BODY, "k-7");
    assertThat(ran.get()).as("a partner's").isEqualTo(7);
  }

  @Test
  void keysArePerClient() throws Exception {
    post("/api/applications", BODY, "k-8");
    SecurityContextHolder.clearContext();
    signIn("other-" + UUID.randomUUID(), "ROLE_CHANNEL");
    assertThat(post("/api/applications", BODY, "k-8").getHeader(IdempotencyFilter.REPLAYED)).isNull();
    assertThat(ran.get()).isEqualTo(2);
  }
}
