package org.cardcase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Memory over a long run: N card applications through the whole system, each activated at the
 * branch so that it finishes, and the application's heap after a full GC measured after the first
 * 5 000 and at the end. Memory must not grow with the number of cases ever handled.
 *
 * <p>Run with {@code ./cardcase bench soak [applications] [clients]} (50 000 by default: about an hour here).
 */
public final class SoakBenchmark {
  static final int FIRST = 5_000;
  /** Photos are drawn from this many distinct pairs, more than the file check remembers, so each is decoded. */
  static final int PHOTO_PAIRS = 600;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    String[] photos = new String[PHOTO_PAIRS * 2];
    IntStream.range(0, PHOTO_PAIRS).parallel().forEach(i -> {
      photos[2 * i] = Scenarios.photo(400, 500, i);
      photos[2 * i + 1] = Scenarios.photo(700, 450, -i - 1);
    });
    try (RunningSystem sys = new RunningSystem("bench-soak").jvm(List.of())) {
      sys.start();
      long t0 = System.nanoTime();
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean sending = new AtomicBoolean(true);
      Thread sender = Thread.ofPlatform().start(() -> {
        try {
          for (int from = 0; from < n; from += 1_000) {
            int to = Math.min(n, from + 1_000);
            List<String> bodies = new ArrayList<>();
            for (int i = from; i < to; i++) {
              int p = i % PHOTO_PAIRS;
              bodies.add(Scenarios.application(Persons.name(i), Persons.clearMatch(i), "MALE")
                  .replace(Scenarios.PORTRAIT, photos[2 * p]).replace(Scenarios.ID_CARD, photos[2 * p + 1]));
            }
            ThroughputBenchmark.send(sys, bodies, clients, new ConcurrentLinkedQueue<>());
            sent.set(to);
            // keep the backlog bounded: this measures memory, not a queue growing without end
            while (sent.get() - finished(sys) > 2_000) {
              Thread.sleep(200);
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          sending.set(false);
        }
      });
      // the branch confirms activation of every card that waits there, so every case finishes
      long firstHeap = -1;
      long reported = 0;
      var branches = Executors.newFixedThreadPool(8);
      long deadline = System.nanoTime() + Duration.ofHours(4).toNanos();
      while (System.nanoTime() < deadline) {
        List<String> waiting = new ArrayList<>();
        try (var c = sys.db(); var st = c.createStatement(); var rs = st.executeQuery(
            "select case_number from process_link where wait_element = 'wait-card-activated' and ended_at is null limit 500")) {
          while (rs.next()) {
            waiting.add(rs.getString(1));
          }
        }
        // the branches report activations concurrently, as many branches would
        List<Future<?>> posts = new ArrayList<>();
        for (String cn : waiting) {
          posts.add(branches.submit(() -> sys.post("/api/callbacks/card-activated", Scenarios.PARTNER,
              "{\"callbackId\":\"soak-" + cn + "\",\"caseNumber\":\"" + cn + "\",\"branch\":\"ICBC Xicheng\"}")));
        }
        for (var f : posts) {
          f.get();
        }
        long done = finished(sys);
        if (done / 5_000 > reported / 5_000) {
          reported = done;
          double s = (System.nanoTime() - t0) / 1e9;
          // the trend between the two figures the issue asks for, so a run stopped early still says something
          System.out.printf("%d finished after %.0f s (%.1f/s overall), %d sent; heap after full GC %.1f MB%n", done, s,
              done / s, sent.get(), heapAfterFullGc(sys) / 1048576.0);
        }
        if (firstHeap < 0 && done >= FIRST) {
          firstHeap = heapAfterFullGc(sys);
          System.out.printf("after %d finished cases (%.0f s): heap after full GC %.1f MB%n", done,
              (System.nanoTime() - t0) / 1e9, firstHeap / 1048576.0);
        }
        if (!sending.get() && done >= n) {
          break;
        }
        if (waiting.isEmpty()) {
          Thread.sleep(500);
        }
      }
      sender.join();
      branches.shutdown();
      long done = finished(sys);
      long lastHeap = heapAfterFullGc(sys);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("after %d finished cases (%.0f s, %.1f/s): heap after full GC %.1f MB%n", done, seconds,
          done / seconds, lastHeap / 1048576.0);
      System.out.printf("heap growth from %d to %d cases: %+.1f%%%n", FIRST, done,
          100.0 * (lastHeap - firstHeap) / firstHeap);
      System.out.printf("engine at the end: %s; application RSS %s MB%n",
          sys.json(sys.get("/actuator/health", null)).at("/components/engine/details/state").asText(),
          rssMb(sys.pid()));
      long errors = sys.logText().lines().filter(l -> l.contains(" ERROR ")).count();
      System.out.printf("system log: %d ERROR lines%n", errors);
    }
  }

  static long finished(RunningSystem sys) throws Exception {
    return sys.count("select count(*) from process_link where ended_at is not null");
  }

  /** Heap in use after a full collection, as jcmd reports it. */
  static long heapAfterFullGc(RunningSystem sys) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    for (int i = 0; i < 2; i++) {
      new ProcessBuilder(jcmd, Long.toString(sys.pid()), "GC.run").redirectErrorStream(true).start().waitFor();
    }
    Process p = new ProcessBuilder(jcmd, Long.toString(sys.pid()), "GC.heap_info").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    Matcher m = Pattern.compile("used (\\d+)K").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no heap figure in: " + out);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  static String rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.toString(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return "?";
  }
}
