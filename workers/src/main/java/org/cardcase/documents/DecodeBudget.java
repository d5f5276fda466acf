package org.cardcase.documents;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * The memory that image decodes in flight may take together, so that a burst of large photos waits
 * its turn instead of taking the heap (and the engine inside the same JVM) down.
 *
 * <p>Each decode first acquires its estimated cost (the decoded raster, see {@link FileCheck}) in
 * KiB from one fair semaphore of {@code cardcase.images.decode-memory} (default: an eighth of the
 * heap, {@code Runtime.maxMemory() / 8}); one that cannot get it within its wait is refused with
 * {@link Busy}, which the API answers 503 with {@code Retry-After}. A cost larger than the whole
 * budget takes the whole budget (it runs alone). Images are decoded subsampled to at most
 * {@code cardcase.images.max-decode-pixels} (default 2 000 000), so a decode costs at most about
 * 16 MB whatever the image's size.
 */
@Component
public class DecodeBudget {
  /** The budget is busy: try again later. */
  public static class Busy extends RuntimeException {
    private final transient Duration retryAfter;

    public Busy(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** A decode's share of the budget, given back on close. */
  public interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  private final Semaphore permits;
  private final int totalKiB;
  private final long maxDecodePixels;
  private final Duration requestWait;
  private final Duration jobWait;
  private final AtomicLong inFlightKiB = new AtomicLong();
  private final AtomicLong peakKiB = new AtomicLong();
  private final AtomicLong decodes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  public DecodeBudget(@Value("${cardcase.images.decode-memory:0}") DataSize memory,
      @Value("${cardcase.images.max-decode-pixels:2000000}") long maxDecodePixels,
      @Value("${cardcase.images.decode-wait:2s}") Duration requestWait,
      @Value("${cardcase.images.job-decode-wait:30s}") Duration jobWait) {
    long bytes = memory == null || memory.toBytes() <= 0 ? Runtime.getRuntime().maxMemory() / 8 : memory.toBytes();
    this.totalKiB = (int) Math.max(1024, Math.min(Integer.MAX_VALUE, bytes / 1024));
    this.permits = new Semaphore(totalKiB, true);
    this.maxDecodePixels = Math.max(10_000, maxDecodePixels);
    this.requestWait = requestWait;
    this.jobWait = jobWait;
  }

  /** A budget of this many bytes with the defaults otherwise (tests, tools). */
  public static DecodeBudget of(long bytes, Duration wait) {
    return new DecodeBudget(DataSize.ofBytes(bytes), 2_000_000, wait, wait);
  }

  /**
   * Takes {@code bytes} of the budget, waiting at most {@code wait}; throws {@link Busy} if they
   * did not become free in time.
   */
  public Lease acquire(long bytes, Duration wait) {
    int kib = (int) Math.min(totalKiB, Math.max(1, bytes / 1024 + (bytes % 1024 == 0 ? 0 : 1)));
    boolean got;
    try {
      got = permits.tryAcquire(kib, wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      got = false;
    }
    if (!got) {
      refused.incrementAndGet();
      long seconds = Math.max(1, wait.toSeconds());
      throw new Busy("too many large images are being checked right now; send the request again in " + seconds + " s",
          Duration.ofSeconds(seconds));
    }
    decodes.incrementAndGet();
    long now = inFlightKiB.addAndGet(kib);
    peakKiB.accumulateAndGet(now, Math::max);
    return new Lease() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          inFlightKiB.addAndGet(-kib);
          permits.release(kib);
        }
      }
    };
  }

  /** Most pixels a decode produces: larger images are read subsampled down to this. */
  public long maxDecodePixels() {
    return maxDecodePixels;
  }

  /** How long a request (an upload, an API call) waits for the budget. */
  public Duration requestWait() {
    return requestWait;
  }

  /** How long an automated step waits for the budget (it has no caller waiting on the line). */
  public Duration jobWait() {
    return jobWait;
  }

  public record Figures(long budgetBytes, long inFlightBytes, long peakBytes, long decodes, long refused) {}

  public Figures figures() {
    return new Figures(totalKiB * 1024L, inFlightKiB.get() * 1024, peakKiB.get() * 1024, decodes.get(), refused.get());
  }
}
