package org.cardcase.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.cardcase.TestDatabase;
import org.cardcase.shared.Retention;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The API call log on a real PostgreSQL: written in batches off the caller's thread, nothing lost on a stop, trimmed by age. */
class ApiCallLogTest {

  static ApiCallLog log(JdbcClient jdbc, int capacity, int batch, Duration flush) {
    return new ApiCallLog(jdbc, Clock.systemUTC(), capacity, batch, flush, Duration.ofDays(180), Duration.ofSeconds(30));
  }

  /** The writer threads of every API call log alive now. */
  static Set<Thread> writers() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("api-call-writer")).collect(Collectors.toSet());
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting until: " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  static long rows(String marker) {
    return TestDatabase.jdbc().sql("select count(*) from api_call where path like ?").param(marker + "%").query(Long.class).single();
  }

  @Test
  void everyCallFromManyThreadsIsWrittenInBatches() throws Exception {
    ApiCallLog log = log(TestDatabase.jdbc(), 10_000, 100, Duration.ofMillis(200));
    String marker = "/api/test-batch-" + UUID.randomUUID();
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 250; i++) {
          log.record(i % 3 == 0 ? null : "web-portal", "POST", marker + "/" + thread + "/" + i, i % 3 == 0 ? 401 : 201,
              i % 2 == 0 ? "SC" + i : null);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(log.awaitWritten(Duration.ofSeconds(10))).isTrue();
    assertThat(rows(marker)).isEqualTo(2000);
    assertThat(TestDatabase.jdbc().sql("select count(*) from api_call where path like ? and status = 401 and channel is null")
        .param(marker + "%").query(Long.class).single()).isEqualTo(8 * 84);
    // each row keeps the time of its call, not of its write
    assertThat(TestDatabase.jdbc().sql("select min(at) from api_call where path like ?").param(marker + "%")
        .query(Timestamp.class).single().toInstant()).isAfterOrEqualTo(before);
    ApiCallLog.Figures f = log.figures();
    assertThat(f.written()).isEqualTo(2000);
    assertThat(f.dropped()).isZero();
    // at most 100 rows a statement: 2 000 calls took at least 20 inserts, and far fewer than 2 000
    assertThat(f.inserts()).isBetween(20L, 200L);
    assertThat(f.writeFailures()).isZero();
    log.destroy();
  }

  @Test
  void aNormalStopWritesEverythingQueued() throws Exception {
    // a flush interval of an hour and batches larger than the calls: only the stop writes them
    ApiCallLog log = log(TestDatabase.jdbc(), 10_000, 5_000, Duration.ofHours(1));
    String marker = "/api/test-stop-" + UUID.randomUUID();
    for (int i = 0; i < 250; i++) {
      log.record("counter", "GET", marker + "/" + i, 200, null);
    }
    // the writer has taken every call into its batch and holds it for the flush interval: nothing written yet
    await("the writer holds the calls", () -> log.figures().queued() == 0);
    assertThat(rows(marker)).isZero();
    assertThat(log.figures().inserts()).isZero();
    log.destroy();
    assertThat(rows(marker)).isEqualTo(250);
    assertThat(log.figures().lost()).isZero();
  }

  @Test
  void aFullQueueDropsAndCountsWithoutHoldingUpTheCaller() throws Exception {
    CountDownLatch databaseBack = new CountDownLatch(1);
    DataSource stalled = new DelegatingDataSource(TestDatabase.dataSource()) {
      @Override
      public Connection getConnection() throws SQLException {
        try {
          databaseBack.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.getConnection();
      }
    };
    ApiCallLog log = log(JdbcClient.create(stalled), 100, 10, Duration.ofMillis(50));
    String marker = "/api/test-full-" + UUID.randomUUID();
    Thread.sleep(100);
    long slowest = 0;
    for (int i = 0; i < 1_000; i++) {
      long t0 = System.nanoTime();
      log.record(null, "GET", marker + "/" + i, 401, null);
      slowest = Math.max(slowest, System.nanoTime() - t0);
    }
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(50));
    ApiCallLog.Figures f = log.figures();
    // the writer holds one batch (10) waiting for the database, the queue holds 100, the rest are counted
    assertThat(f.recorded()).isBetween(100L, 110L);
    assertThat(f.dropped()).isEqualTo(1_000 - f.recorded());
    databaseBack.countDown();
    assertThat(log.awaitWritten(Duration.ofSeconds(10))).isTrue();
    assertThat(rows(marker)).isEqualTo(f.recorded());
    log.destroy();
  }

  @Test
  void aStopWhileTheDatabaseIsStuckSaysHowManyCallsAreLostTheBatchInHandIncluded() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    DataSource stuck = new DelegatingDataSource(TestDatabase.dataSource()) {
      @Override
      public Connection getConnection() throws SQLException {
        try {
          never.await(20, TimeUnit.SECONDS); // a database that stopped answering (the pool's own wait)
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new SQLException("Failed to obtain JDBC Connection");
      }
    };
    Set<Thread> others = writers();
    ApiCallLog log = new ApiCallLog(JdbcClient.create(stuck), Clock.systemUTC(), 100, 10, Duration.ofMillis(50),
        Duration.ofDays(180), Duration.ofSeconds(1));
    Thread writer = writers().stream().filter(t -> !others.contains(t)).findFirst().orElseThrow();
    for (int i = 0; i < 25; i++) {
      log.record("counter", "GET", "/api/test-stuck/" + i, 200, null);
    }
    await("the writer holds a batch of 10 and waits for a connection", () -> log.figures().queued() == 15);
    log.destroy();
    ApiCallLog.Figures f = log.figures();
    assertThat(f.written()).isZero();
    // all 25: the 15 queued and the 10 in the writer's hand (the first version said only the queued ones)
    assertThat(f.lost()).isEqualTo(25);
    // the interrupted writer has ended without counting its batch a second time
    writer.join(Duration.ofSeconds(10));
    assertThat(writer.isAlive()).as("the writer ended").isFalse();
    assertThat(log.figures().lost()).isEqualTo(25);
    never.countDown();
  }

  @Test
  void trimmingRemovesOnlyRowsOlderThanThePeriod() {
    DataSource ds = TestDatabase.dataSource();
    JdbcClient jdbc = JdbcClient.create(ds);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    tx.executeWithoutResult(status -> {
      Instant now = Instant.now();
      String marker = "/api/test-trim-" + UUID.randomUUID();
      Map<String, Integer> ages = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) {
        ages.put(marker + "/old-" + i, 181 + i * 30); // 181 to 301 days
      }
      ages.put(marker + "/edge", 179);
      ages.put(marker + "/recent", 1);
      ages.forEach((path, days) -> jdbc.sql("insert into api_call (channel, method, path, status, at) values ('alipay', 'GET', ?, 200, ?)")
          .params(path, Timestamp.from(now.minus(Duration.ofDays(days)))).update());
      ApiCallLog log = new ApiCallLog(jdbc, Clock.fixed(now, ZoneOffset.UTC), 10, 10, Duration.ofSeconds(1), Duration.ofDays(180), Duration.ofSeconds(30));
      try {
        // batches of 2: three deletes for five old rows
        Map<String, Long> deleted = new Retention(List.of(log), Clock.fixed(now, ZoneOffset.UTC), 2).trimAll();
        assertThat(deleted.get("api_call")).isGreaterThanOrEqualTo(5);
        assertThat(jdbc.sql("select path from api_call where path like ? order by path").param(marker + "%").query(String.class).list())
            .containsExactly(marker + "/edge", marker + "/recent");
        assertThat(jdbc.sql("select count(*) from api_call where at < ?").param(Timestamp.from(now.minus(Duration.ofDays(180))))
            .query(Long.class).single()).isZero();
      } finally {
        try {
          log.destroy();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        status.setRollbackOnly();
      }
    });
  }
}
