package org.cardcase.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardcase.TestDatabase;
import org.junit.jupiter.api.Test;

/** The idempotency key store on the real PostgreSQL with the real migrations. */
class IdempotencyKeysTest {
  /** A clock a test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-12-08T02:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  final TestClock clock = new TestClock();
  final IdempotencyKeys keys = new IdempotencyKeys(TestDatabase.jdbc(), clock, Duration.ofHours(24), Duration.ofMinutes(10));
  /** Each test its own client, so tests sharing the database keep apart. */
  final String channel = "test-" + UUID.randomUUID();
  static final byte[] BODY = "{\"applicantName\":\"王小明\"}".getBytes(StandardCharsets.UTF_8);
  static final String FP = IdempotencyKeys.fingerprint("POST", "/api/applications", BODY);
  static final IdempotencyKeys.Answer CREATED = new IdempotencyKeys.Answer(201,
      Map.of("Location", List.of("/api/cases/SC20261208000001"), "Content-Type", List.of("application/json")),
      "{\"caseNumber\":\"SC20261208000001\",\"status\":\"RECEIVED\"}".getBytes(StandardCharsets.UTF_8));

  IdempotencyKeys.Claim claim(String key, String fingerprint) {
    return keys.claim(channel, key, fingerprint, "POST", "/api/applications");
  }

  @Test
  void eightRequestsWithOneKeyAtTheSameMomentAreProcessedOnce() throws Exception {
    int threads = 8;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    AtomicInteger processed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<IdempotencyKeys.Claim>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          barrier.await(10, TimeUnit.SECONDS);
          IdempotencyKeys.Claim c = claim("k-same-moment", FP);
          if (c instanceof IdempotencyKeys.Proceed p) {
            processed.incrementAndGet();
            Thread.sleep(300); // the work, while the others ask
            keys.complete(channel, "k-same-moment", p.attempt(), CREATED);
          }
          return c;
        }));
      }
      List<IdempotencyKeys.Claim> claims = new ArrayList<>();
      for (Future<IdempotencyKeys.Claim> f : futures) {
        claims.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(processed.get()).as("processed exactly once").isEqualTo(1);
      assertThat(claims).filteredOn(c -> c instanceof IdempotencyKeys.Proceed).hasSize(1);
      assertThat(claims).filteredOn(c -> c instanceof IdempotencyKeys.InProgress).as("the others: still in progress (409)")
          .hasSize(threads - 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(claim("k-same-moment", FP)).as("afterwards: the stored answer").isInstanceOf(IdempotencyKeys.Replay.class);
    assertThat(keys.held(channel)).isEqualTo(1);
  }

  @Test
  void aReplayIsTheIdenticalStoredAnswer() {
    var p = (IdempotencyKeys.Proceed) claim("k-replay", FP);
    keys.complete(channel, "k-replay", p.attempt(), CREATED);
    for (int i = 0; i < 3; i++) {
      IdempotencyKeys.Claim again = claim("k-replay", FP);
      assertThat(again).isInstanceOfSatisfying(IdempotencyKeys.Replay.class, r -> {
        assertThat(r.answer().status()).isEqualTo(201);
        assertThat(r.answer().headers()).isEqualTo(CREATED.headers());
        assertThat(r.answer().body()).isEqualTo(CREATED.body());
      });
    }
  }

  @Test
  void theSameKeyWithAnotherBodyPathOrMethodIsAMismatch() {
    var p = (IdempotencyKeys.Proceed) claim("k-other", FP);
    byte[] other = "{\"applicantName\":\"李华\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(claim("k-other", IdempotencyKeys.fingerprint("POST", "/api/applications", other)))
        .as("while in progress too").isInstanceOf(IdempotencyKeys.Mismatch.class);
    keys.complete(channel, "k-other", p.attempt(), CREATED);
    assertThat(claim("k-other", IdempotencyKeys.fingerprint("POST", "/api/applications", other)))
        .isInstanceOfSatisfying(IdempotencyKeys.Mismatch.class, m -> assertThat(m.path()).isEqualTo("/api/applications"));
    assertThat(claim("k-other", IdempotencyKeys.fingerprint("POST", "/api/loss-reports", BODY)))
        .isInstanceOf(IdempotencyKeys.Mismatch.class);
    assertThat(IdempotencyKeys.fingerprint("POST", "/api/applications", BODY)).as("the fingerprint is stable").isEqualTo(FP)
        .hasSize(64);
  }

  @Test
  void keysArePerClient() {
    assertThat(claim("k-shared", FP)).isInstanceOf(IdempotencyKeys.Proceed.class);
    assertThat(keys.claim(channel + "-other", "k-shared", FP, "POST", "/api/applications"))
        .as("another client's key of the same name is its own").isInstanceOf(IdempotencyKeys.Proceed.class);
  }

  @Test
  void aFailedAttemptReleasesItsKeyAndOnlyTheAttemptThatHoldsAKeyCompletesIt() {
    var first = (IdempotencyKeys.Proceed) claim("k-failed", FP);
    keys.release(channel, "k-failed", first.attempt()); // a 5xx
    var retry = (IdempotencyKeys.Proceed) claim("k-failed", FP);
    assertThat(retry.attempt()).isNotEqualTo(first.attempt());
    keys.complete(channel, "k-failed", first.attempt(), new IdempotencyKeys.Answer(500, Map.of(), new byte[0]));
    assertThat(claim("k-failed", FP)).as("the old attempt's answer is not kept").isInstanceOf(IdempotencyKeys.InProgress.class);
    keys.complete(channel, "k-failed", retry.attempt(), CREATED);
    assertThat(claim("k-failed", FP)).isInstanceOf(IdempotencyKeys.Replay.class);
  }

  @Test
  void aReleaseThatFailsBecauseTheDatabaseIsAwayIsDoneOnceItIsBack() {
    var first = (IdempotencyKeys.Proceed) claim("k-db-away", FP);
    var db = TestDatabase.jdbc();
    // the table is out of reach, as when PostgreSQL stops while the request fails
    db.sql("alter table idempotency_key rename to idempotency_key_away").update();
    try {
      keys.release(channel, "k-db-away", first.attempt()); // does not throw: the request's answer still goes out
      assertThat(keys.retryReleases()).as("still away").isEqualTo(1);
    } finally {
      db.sql("alter table idempotency_key_away rename to idempotency_key").update();
    }
    assertThat(claim("k-db-away", FP)).as("held until the release is done").isInstanceOf(IdempotencyKeys.InProgress.class);
    assertThat(keys.retryReleases()).isZero();
    assertThat(claim("k-db-away", FP)).as("free for the retry at once, not after the abandon time")
        .isInstanceOf(IdempotencyKeys.Proceed.class);
  }

  @Test
  void anAttemptWhoseServerDiedFreesItsKeyAfterTheAbandonTime() {
    claim("k-abandoned", FP);
    clock.advance(Duration.ofMinutes(9));
    assertThat(claim("k-abandoned", FP)).isInstanceOf(IdempotencyKeys.InProgress.class);
    clock.advance(Duration.ofMinutes(2));
    assertThat(claim("k-abandoned", FP)).isInstanceOf(IdempotencyKeys.Proceed.class);
  }

  @Test
  void keysAreKeptForTheRetentionAndPurgedAfterwards() {
    var p = (IdempotencyKeys.Proceed) claim("k-expiring", FP);
    keys.complete(channel, "k-expiring", p.attempt(), CREATED);
    clock.advance(Duration.ofHours(23).plusMinutes(59));
    keys.purgeExpired();
    assertThat(keys.held(channel)).as("kept 24 h").isEqualTo(1);
    assertThat(claim("k-expiring", FP)).isInstanceOf(IdempotencyKeys.Replay.class);
    clock.advance(Duration.ofMinutes(2));
    assertThat(keys.purgeExpired()).isGreaterThanOrEqualTo(1);
    assertThat(keys.held(channel)).as("removed afterwards").isZero();
    assertThat(claim("k-expiring", FP)).as("the key is free again").isInstanceOf(IdempotencyKeys.Proceed.class);
  }

  @Test
  void aKeyIsOneTo255PrintableAsciiCharacters() {
    assertThat(IdempotencyKeys.wellFormed("8e03978e-40d5-43e8-bc93-6894a57f9324")).isTrue();
    assertThat(IdempotencyKeys.wellFormed("x")).isTrue();
    assertThat(IdempotencyKeys.wellFormed("a".repeat(255))).isTrue();
    assertThat(IdempotencyKeys.wellFormed("a b~!")).isTrue();
    assertThat(IdempotencyKeys.wellFormed("")).isFalse();
    assertThat(IdempotencyKeys.wellFormed(null)).isFalse();
    assertThat(IdempotencyKeys.wellFormed("a".repeat(256))).isFalse();
    assertThat(IdempotencyKeys.wellFormed("键")).isFalse();
    assertThat(IdempotencyKeys.wellFormed("a\tb")).isFalse();
    assertThat(IdempotencyKeys.wellFormed("a\u007fb")).isFalse();
  }

  @Test
  void aRetentionUnderADayIsRefused() {
    assertThatThrownBy(() -> new IdempotencyKeys(TestDatabase.jdbc(), clock, Duration.ofHours(1), Duration.ofMinutes(10)))
        .hasMessageContaining("at least 24h");
  }
}
