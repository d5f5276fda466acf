package org.cardcase.access;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cardcase.shared.Retention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Every API call, with the channel that made it (null when authentication failed), written off the
 * request thread.
 *
 * <p>A call is put on a bounded queue ({@code cardcase.api-calls.queue-capacity}, 10 000) and the
 * request goes on; one thread writes the queue to {@code api_call} with one multi-row insert per
 * {@code cardcase.api-calls.batch-size} (500) calls or per {@code cardcase.api-calls.flush-interval}
 * (1 s), whichever comes first. When the queue is full (a flood faster than the database takes it,
 * or the database away) a call is not recorded and not waited for: it is counted, said in the log
 * (at most once every 10 s) and in the health report. A batch the database refused is tried again
 * (1 s, doubling to 30 s). On a normal stop the queue is written out before the database goes.
 * Rows are kept {@code cardcase.retention.api-calls} (180 days) and trimmed by {@link Retention}.
 */
@Component
public class ApiCallLog implements DisposableBean, Retention.Table {
  private static final Logger log = LoggerFactory.getLogger(ApiCallLog.class);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(10);
  private static final Duration SLICE = Duration.ofMillis(100);

  record Call(String channel, String method, String path, int status, String caseNumber, Instant at) {}

  /** What the writer has done, for the health report and tests. */
  public record Figures(int queued, int capacity, long recorded, long written, long inserts, long dropped, long lost,
      long writeFailures, Instant lastWriteAt, String lastFailure) {}

  private final JdbcClient jdbc;
  private final Clock clock;
  private final BlockingQueue<Call> queue;
  private final int capacity;
  private final int batchSize;
  private final Duration flushInterval;
  private final Duration retention;
  private final Thread writer;
  private volatile boolean stopping;
  /** Set when a stop gave up waiting for the writer and counted what it held as lost. */
  private volatile boolean abandoned;
  private final Duration stopTimeout;
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong inserts = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong writeFailures = new AtomicLong();
  private volatile Instant lastWriteAt;
  private volatile String lastFailure;
  private long droppedReported;
  private long lastReportNanos = System.nanoTime();

  public ApiCallLog(JdbcClient jdbc, Clock clock,
      @Value("${cardcase.api-calls.queue-capacity:10000}") int capacity,
      @Value("${cardcase.api-calls.batch-size:500}") int batchSize,
      @Value("${cardcase.api-calls.flush-interval:1s}") Duration flushInterval,
      @Value("${cardcase.retention.api-calls:180d}") Duration retention,
      @Value("${cardcase.api-calls.stop-timeout:30s}") Duration stopTimeout) {
    this.stopTimeout = stopTimeout;
    this.jdbc = jdbc;
    this.clock = clock;
    this.capacity = Math.max(1, capacity);
    this.queue = new ArrayBlockingQueue<>(this.capacity);
    this.batchSize = Math.max(1, Math.min(batchSize, 5000)); // 6 parameters a row, under PostgreSQL's 65 535
    this.flushInterval = flushInterval;
    this.retention = retention;
    this.writer = new Thread(this::run, "api-call-writer");
    writer.setDaemon(true); // a normal stop writes the queue out in destroy(); a hard kill loses at most the queue
    writer.start();
  }

  /** Queues one call; never blocks, never fails the request (a call that does not fit is counted). */
  public void record(String channel, String method, String path, int status, String caseNumber) {
    if (stopping) {
      writeNow(List.of(new Call(channel, method, path, status, caseNumber, clock.instant())));
      return;
    }
    if (queue.offer(new Call(channel, method, path, status, caseNumber, clock.instant()))) {
      recorded.incrementAndGet();
    } else {
      dropped.incrementAndGet();
    }
  }

  public long count(String channel, String pathPrefix) {
    return jdbc.sql("select count(*) from api_call where channel = ? and path like ?")
        .params(channel, pathPrefix + "%").query(Long.class).single();
  }

  public Figures figures() {
    return new Figures(queue.size(), capacity, recorded.get(), written.get(), inserts.get(), dropped.get(), lost.get(),
        writeFailures.get(), lastWriteAt, lastFailure);
  }

  /** Waits until every call queued so far is written (or given up); for tests and tools. */
  public boolean awaitWritten(Duration timeout) throws InterruptedException {
    long target = recorded.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (written.get() + lost.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  private void run() {
    List<Call> batch = new ArrayList<>(batchSize);
    Duration backoff = Duration.ofSeconds(1);
    int failedWhileStopping = 0;
    while (true) {
      try {
        if (batch.isEmpty()) {
          // short waits, so that a stop is seen within a tenth of a second whatever the flush interval
          Call first = queue.poll(SLICE.toNanos(), TimeUnit.NANOSECONDS);
          if (first == null) {
            reportDrops();
            if (stopping && queue.isEmpty()) {
              return;
            }
            continue;
          }
          batch.add(first);
          long deadline = System.nanoTime() + flushInterval.toNanos();
          while (batch.size() < batchSize) {
            queue.drainTo(batch, batchSize - batch.size());
            long left = deadline - System.nanoTime();
            if (batch.size() >= batchSize || left <= 0 || stopping) {
              break;
            }
            Call next = queue.poll(Math.min(left, SLICE.toNanos()), TimeUnit.NANOSECONDS);
            if (next != null) {
              batch.add(next);
            }
          }
        }
        try {
          insert(batch);
          written.addAndGet(batch.size());
          lastWriteAt = clock.instant();
          batch.clear();
          backoff = Duration.ofSeconds(1);
        } catch (RuntimeException e) {
          if (abandoned) {
            return; // the stop has counted this batch as lost already
          }
          writeFailures.incrementAndGet();
          lastFailure = e.toString();
          if (stopping && ++failedWhileStopping >= 3) {
            lost.addAndGet(batch.size());
            log.error("api call log: {} calls could not be written before the stop and are lost: {}", batch.size(), e.toString());
            batch.clear();
          } else {
            log.warn("api call log: writing {} calls failed, trying again in {} s: {}", batch.size(), backoff.toSeconds(),
                e.toString());
            pause(stopping ? Duration.ofMillis(200) : backoff);
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
          }
        }
        reportDrops();
      } catch (InterruptedException e) {
        if (!batch.isEmpty() && !abandoned) {
          lost.addAndGet(batch.size());
        }
        return;
      } catch (RuntimeException | Error e) {
        // never let the writer die silently: the calls in hand are counted and the loop goes on
        lost.addAndGet(batch.size());
        batch.clear();
        log.error("api call log writer: {}", e.toString());
      }
    }
  }

  /** Sleeps for the backoff, but wakes within a slice when a stop begins (its retries are short). */
  private void pause(Duration d) throws InterruptedException {
    long until = System.nanoTime() + d.toNanos();
    boolean stoppingAtStart = stopping;
    while (System.nanoTime() < until && stopping == stoppingAtStart) {
      Thread.sleep(Math.min(SLICE.toMillis(), Math.max(1, (until - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Calls taken in and neither written nor yet counted as lost: the queue and the batch in hand. */
  private long unwritten() {
    return Math.max(0, recorded.get() - written.get() - lost.get());
  }

  private void reportDrops() {
    long now = System.nanoTime();
    if (now - lastReportNanos < REPORT_EVERY.toNanos()) {
      return;
    }
    lastReportNanos = now;
    long d = dropped.get();
    if (d > droppedReported) {
      log.warn("api call log: {} calls not recorded in the last {} s because the queue of {} was full ({} since the start)",
          d - droppedReported, REPORT_EVERY.toSeconds(), capacity, d);
      droppedReported = d;
    }
  }

  /** One multi-row insert for the whole batch. */
  private void insert(List<Call> batch) {
    StringBuilder sql = new StringBuilder("insert into api_call (channel, method, path, status, case_number, at) values ");
    List<Object> params = new ArrayList<>(batch.size() * 6);
    for (int i = 0; i < batch.size(); i++) {
      sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)");
      Call c = batch.get(i);
      params.add(c.channel());
      params.add(c.method());
      params.add(c.path());
      params.add(c.status());
      params.add(c.caseNumber());
      params.add(Timestamp.from(c.at()));
    }
    jdbc.sql(sql.toString()).params(params).update();
    inserts.incrementAndGet();
  }

  private void writeNow(List<Call> calls) {
    try {
      insert(calls);
      written.addAndGet(calls.size());
      recorded.addAndGet(calls.size());
    } catch (RuntimeException e) {
      lost.addAndGet(calls.size());
      recorded.addAndGet(calls.size());
    }
  }

  /** A normal stop: the writer empties the queue, then ends (at most {@code cardcase.api-calls.stop-timeout}, 30 s). */
  @Override
  public void destroy() throws InterruptedException {
    stopping = true;
    writer.join(stopTimeout);
    if (writer.isAlive()) {
      abandoned = true;
      // the batch in hand counts too: it is what the writer was still trying to write
      long unwritten = unwritten();
      lost.addAndGet(unwritten);
      log.error("api call log: the writer did not finish within {} s; {} calls (queued or being written) are lost; "
          + "{} written since the start", stopTimeout.toSeconds(), unwritten, written.get());
      writer.interrupt();
      return;
    }
    List<Call> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) {
      writeNow(rest);
      recorded.addAndGet(-rest.size()); // counted when queued
    }
    long d = dropped.get();
    log.info("api call log stopped: {} calls written, {} not recorded (queue full), {} lost", written.get(), d, lost.get());
  }

  @Override
  public String table() {
    return "api_call";
  }

  @Override
  public Duration retention() {
    return retention;
  }

  /** The oldest rows first, through the index on {@code at}. */
  @Override
  public int trim(Instant cutoff, int limit) {
    return jdbc.sql("delete from api_call where id in (select id from api_call where at < ? order by at limit ?)")
        .params(Timestamp.from(cutoff), limit).update();
  }
}
