package org.cardcase.infra.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.zeebe.logstreams.storage.LogStorage;
import io.camunda.zeebe.logstreams.storage.LogStorageReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * The log under the access pattern that killed the test engine's stream processor: appends
 * (serialised, as the log stream's sequencer does) while a reader follows the log as the stream
 * processor does, and truncation behind it. Every block is read once, in order.
 */
class LogStorageRaceTest {
  static final Duration RUN = Duration.ofSeconds(8);

  @Test
  void ourLogNeverHandsTheReaderAMissingBlock() throws Exception {
    ConcurrentLogStorage storage = new ConcurrentLogStorage();
    Outcome o = race(storage, storage::truncateBelow);
    assertThat(o.failure()).as("reader failure").isNull();
    assertThat(o.read()).as("blocks read in order").isEqualTo(o.appended());
    assertThat(storage.retainedBlocks()).as("blocks kept after truncation").isLessThan(100_000);
  }

  record Outcome(long appended, long read, Throwable failure) {}

  interface Truncate {
    int below(long position);
  }

  static Outcome race(LogStorage storage, Truncate truncate) throws Exception {
    AtomicLong appended = new AtomicLong();
    AtomicLong read = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long until = System.nanoTime() + RUN.toNanos();
    ReentrantLock sequencer = new ReentrantLock();
    Thread[] appenders = new Thread[4];
    AtomicLong appending = new AtomicLong(appenders.length);
    for (int t = 0; t < appenders.length; t++) {
      appenders[t] = new Thread(() -> {
        while (System.nanoTime() < until && failure.get() == null) {
          sequencer.lock();
          try {
            long pos = appended.incrementAndGet();
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putLong(0, pos);
            storage.append(pos, pos, b, new LogStorage.AppendListener() {});
          } finally {
            sequencer.unlock();
          }
        }
        appending.decrementAndGet();
      });
      appenders[t].start();
    }
    Thread reader = new Thread(() -> {
      LogStorageReader r = storage.newReader();
      r.seek(-1);
      long expected = 1;
      try {
        while (appending.get() > 0 || r.hasNext()) {
          if (!r.hasNext()) {
            Thread.onSpinWait();
            continue;
          }
          DirectBuffer block = r.next();
          long pos = block.getLong(0, ByteOrder.BIG_ENDIAN);
          if (pos != expected) {
            throw new IllegalStateException("read block " + pos + ", expected " + expected);
          }
          expected++;
          read.incrementAndGet();
          if (expected % 1_000 == 0) {
            truncate.below(expected - 500);
          }
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    reader.start();
    for (Thread t : appenders) {
      t.join();
    }
    reader.join(RUN.toMillis() * 2);
    return new Outcome(appended.get(), read.get(), failure.get());
  }
}
