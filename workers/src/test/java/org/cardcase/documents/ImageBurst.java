package org.cardcase.documents;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.springframework.util.unit.DataSize;

/**
 * Run in a JVM of its own with a small heap by {@link ImageMemoryTest}: n ID card photos of
 * 6000×6000 pixels (each its own file) checked at once by n threads, as n channels would send them.
 * Mode {@code budget} uses {@link FileCheck} with a {@link DecodeBudget} of an eighth of the heap;
 * mode {@code full} decodes each image in full as the checks did before (the control). Prints one
 * line of figures: {@code key=value} pairs.
 */
public final class ImageBurst {
  private ImageBurst() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    String mode = args[1];
    byte[] base = TestImages.png(6000, 6000, 7);
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      images.add(TestImages.variant(base, "applicant " + i));
    }
    Map<String, Object> limits = Map.of("types", List.of("image/jpeg", "image/png"), "maxBytes", 4_194_304,
        "minWidth", 640, "minHeight", 400, "maxWidth", 6000, "maxHeight", 6000);
    DecodeBudget budget = new DecodeBudget(DataSize.ofBytes(0), 2_000_000,
        Duration.ofSeconds(2), Duration.ofSeconds(2));

    AtomicLong sampledPeak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      Runtime rt = Runtime.getRuntime();
      while (!Thread.currentThread().isInterrupted()) {
        sampledPeak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
    sampler.start();

    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger busy = new AtomicInteger();
    AtomicInteger oom = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    AtomicReference<String> firstOther = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (byte[] image : images) {
      Thread t = new Thread(() -> {
        try {
          start.await();
          if (mode.equals("full")) {
            if (ImageIO.read(new ByteArrayInputStream(image)) != null) {
              accepted.incrementAndGet();
            } else {
              refused.incrementAndGet();
            }
          } else {
            FileCheck.Result r = FileCheck.check(image, limits, budget, budget.requestWait());
            (r.ok() ? accepted : refused).incrementAndGet();
          }
        } catch (DecodeBudget.Busy e) {
          busy.incrementAndGet();
        } catch (Throwable e) {
          // the PNG reader wraps what went wrong, an OutOfMemoryError included, in an IIOException
          Throwable c = e;
          while (c != null && !(c instanceof OutOfMemoryError)) {
            c = c.getCause();
          }
          if (c != null) {
            oom.incrementAndGet();
          } else {
            other.incrementAndGet();
            if (firstOther.compareAndSet(null, e.toString())) {
              e.printStackTrace();
            }
          }
        }
      });
      threads.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = (System.nanoTime() - t0) / 1_000_000;
    sampler.interrupt();
    long poolPeaks = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        poolPeaks += p.getPeakUsage().getUsed();
      }
    }
    DecodeBudget.Figures f = budget.figures();
    System.out.println("RESULT mode=" + mode + " images=" + n + " imageBytes=" + images.get(0).length
        + " accepted=" + accepted + " refused=" + refused + " busy=" + busy + " oom=" + oom + " other=" + other
        + " maxHeap=" + Runtime.getRuntime().maxMemory() + " sampledPeakHeap=" + sampledPeak.get()
        + " poolPeaksSum=" + poolPeaks + " budget=" + f.budgetBytes() + " budgetPeak=" + f.peakBytes()
        + " elapsedMs=" + elapsed);
  }
}
