package org.cardcase;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.DeployResourceCommandStep1;
import io.camunda.client.api.worker.JobWorker;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeExecutionListener;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskDefinition;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.cardcase.infra.engine.EmbeddedEngine;

/**
 * Throughput of card applications to the branch, in one run: first the bare engine (the same
 * engine assembly the system uses, the same three models, job workers that do nothing but steer
 * the happy path), then the whole system (packaged application, PostgreSQL, Elasticsearch, the
 * simulators with their delays) fed through the channel API. Prints both rates and their ratio.
 *
 * <p>Run with {@code ./cardcase bench throughput [applications] [clients]}.
 */
public final class ThroughputBenchmark {
  static final String[] MODELS = {"card-application.bpmn", "real-name-verification.bpmn", "card-production.bpmn"};
  static final String AT_BRANCH = "wait-card-activated";
  static final int WARM_UP = 100;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    System.out.printf("%d applications, %d concurrent clients, %d cores%n", n, clients,
        Runtime.getRuntime().availableProcessors());
    Rate bare = bareEngine(n, clients);
    System.out.printf("bare engine:   %s%n", bare);
    Rate system = wholeSystem(n, clients);
    System.out.printf("whole system:  %s%n", system);
    System.out.printf("ratio (system / bare engine), steady rate to the branch: %.2f%n", system.steady() / bare.steady());
    System.out.printf("ratio (system / bare engine), first start to last at branch: %.2f%n", system.overall() / bare.overall());
    // the cost per case means the same on any machine; the system's own work is all but the engine's
    double beside = system.cpuPerCase() - bare.cpuPerCase();
    System.out.printf("CPU a case: bare engine %.3f s, whole system %.3f s; the system's own work beside the engine %.3f s = %.2f of the engine's%n",
        bare.cpuPerCase(), system.cpuPerCase(), beside, beside / bare.cpuPerCase());
  }

  /** Arrival times at the branch, relative to the first start, and acceptance latencies. */
  record Rate(int n, double overall, double steady, double seconds, List<Long> latenciesMs, Map<String, Double> cpuUsed) {
    /** Without the CPU used (the scale benchmark counts rates only). */
    static Rate of(long t0, List<Long> arrivals, List<Long> latencies) {
      return of(t0, arrivals, latencies, Map.of());
    }

    static Rate of(long t0, List<Long> arrivals, List<Long> latencies, Map<String, Double> cpuUsed) {
      List<Long> a = new ArrayList<>(arrivals);
      Collections.sort(a);
      int n = a.size();
      double total = (a.get(n - 1) - t0) / 1e9;
      int p10 = n / 10;
      int p90 = n * 9 / 10;
      double steady = (p90 - p10) / ((a.get(p90) - a.get(p10)) / 1e9);
      return new Rate(n, n / total, steady, total, latencies, cpuUsed);
    }

    /** CPU seconds a case, all components together (NaN when not measured). */
    double cpuPerCase() {
      return cpuUsed.getOrDefault("total", Double.NaN) / n;
    }

    @Override
    public String toString() {
      String lat = "";
      if (!latenciesMs.isEmpty()) {
        List<Long> l = new ArrayList<>(latenciesMs);
        Collections.sort(l);
        lat = String.format("; acceptance latency p50 %d ms, p95 %d ms, p99 %d ms, max %d ms", l.get(l.size() / 2),
            l.get(l.size() * 95 / 100), l.get(Math.min(l.size() - 1, l.size() * 99 / 100)), l.get(l.size() - 1));
      }
      return String.format("%d at the branch in %.1f s: %.1f/s overall, %.1f/s steady (10th to 90th arrival)%s%s",
          n, seconds, overall, steady, lat, cpuUsed.isEmpty() ? "" : "; " + ProcessCpu.perCase(cpuUsed, n));
    }
  }

  // ---- the bare engine -------------------------------------------------------------------------

  static Rate bareEngine(int n, int clients) throws Exception {
    Path dir = Files.createTempDirectory("bench-engine");
    int port = RunningSystem.freePort();
    try (EmbeddedEngine engine = new EmbeddedEngine(new EmbeddedEngine.Settings("127.0.0.1", port, dir, 64L << 20,
        Duration.ofSeconds(1), false))) {
      engine.start(1);
      // the client as the application configures it (infra's EngineConfiguration): in-process, virtual threads
      CamundaClient client = engine.inProcessClient(CamundaClient.newClientBuilder().applyEnvironmentVariableOverrides(false)
          .defaultRequestTimeout(Duration.ofSeconds(30))
          .jobWorkerExecutor(new ScheduledThreadPoolExecutor(64, Thread.ofVirtual().factory()), true)
          .defaultJobWorkerStreamEnabled(true));
      try (client) {
        var deploy = client.newDeployResourceCommand();
        DeployResourceCommandStep1.DeployResourceCommandStep2 step = null;
        Set<String> jobTypes = new TreeSet<>();
        for (String m : MODELS) {
          byte[] xml;
          try (InputStream in = ThroughputBenchmark.class.getResourceAsStream("/bpmn/" + m)) {
            xml = in.readAllBytes();
          }
          BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(xml));
          model.getModelElementsByType(ZeebeTaskDefinition.class).forEach(t -> jobTypes.add(t.getType()));
          model.getModelElementsByType(ZeebeExecutionListener.class).forEach(l -> jobTypes.add(l.getType()));
          step = step == null ? deploy.addResourceBytes(xml, m) : step.addResourceBytes(xml, m);
        }
        step.send().join();
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        String far = Instant.now().plus(Duration.ofDays(365)).toString();
        List<JobWorker> workers = new ArrayList<>();
        for (String type : jobTypes) {
          workers.add(client.newWorker().jobType(type).handler((jc, job) -> {
            Map<String, Object> out = new HashMap<>();
            switch (type) {
              case "application.register" -> {
                out.put("productionDueAt", far);
                out.put("collectionReminderAt", far);
                out.put("collectionFinalDueAt", far);
                out.put("resubmissionDueAt", far);
              }
              case "verification.check-documents" -> out.put("documentsOk", true);
              case "verification.query-registry", "verification.record-outcome" -> {
                out.put("verificationOutcome", "VERIFIED");
                out.put("verificationReason", "");
              }
              case "card.request-production" -> {
                String cn = (String) job.getVariablesAsMap().get("caseNumber");
                // the bank calls back at once: no delay in the bare run
                client.newPublishMessageCommand().messageName("card-produced").correlationKey(cn).messageId("bank-" + cn)
                    .variables(Map.of("cardNumber", "A" + cn.substring(1))).timeToLive(Duration.ofMinutes(10)).send();
              }
              case "case.checkpoint" -> {
                if (job.getElementId().equals(AT_BRANCH)) {
                  arrivals.add(System.nanoTime());
                }
              }
              default -> { }
            }
            jc.newCompleteCommand(job).variables(out).send().join();
          }).maxJobsActive(32).pollInterval(Duration.ofSeconds(5)).open());
        }
        // warm-up, then the measured run (as for the system)
        startAndAwait(client, arrivals, 0, WARM_UP, clients, far);
        arrivals.clear();
        long t0 = System.nanoTime();
        Map<String, Double> cpu0 = ProcessCpu.sampleSelf();
        startAndAwait(client, arrivals, WARM_UP, n, clients, far);
        // this JVM: the engine, its do-nothing workers and the clients that start the instances
        Map<String, Double> used = ProcessCpu.used(cpu0, ProcessCpu.sampleSelf());
        workers.forEach(JobWorker::close);
        return Rate.of(t0, List.copyOf(arrivals), List.of(), used);
      }
    }
  }

  static void startAndAwait(CamundaClient client, ConcurrentLinkedQueue<Long> arrivals, int from, int n, int clients,
      String far) throws Exception {
    AtomicInteger next = new AtomicInteger(from);
    ExecutorService starters = Executors.newFixedThreadPool(clients);
    List<Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      fs.add(starters.submit(() -> {
        for (int i = next.getAndIncrement(); i < from + n; i = next.getAndIncrement()) {
          client.newCreateInstanceCommand().bpmnProcessId("card-application").latestVersion()
              .variables(Map.of("caseNumber", "B" + (100000 + i), "reviewDueAt", far)).send().join();
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    starters.shutdown();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (arrivals.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (arrivals.size() < n) {
      throw new IllegalStateException("bare engine: only " + arrivals.size() + " of " + n + " reached the branch");
    }
  }

  // ---- the whole system --------------------------------------------------------------------------

  static Rate wholeSystem(int n, int clients) throws Exception {
    try (RunningSystem sys = new RunningSystem("bench-throughput").jvm(List.of())) {
      sys.start();
      // a warm-up first, so that the measured ones do not pay for the JIT compiling the application
      send(sys, applications(0, WARM_UP), clients, new ConcurrentLinkedQueue<>());
      awaitAtBranch(sys, WARM_UP, Duration.ofMinutes(5));
      Thread.sleep(2_000);
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      List<String> bodies = applications(WARM_UP, WARM_UP + n);
      // only this run's cases are counted (case numbers grow), so counting stays cheap
      String last = sys.value("select max(case_number) from card_case");
      String arrived = "select count(*) from process_link where wait_element = '" + AT_BRANCH + "' and case_number > '" + last + "'";
      long t0 = System.nanoTime();
      Map<String, Double> cpu0 = ProcessCpu.sample(sys);
      List<Long> arrivals = new ArrayList<>();
      Thread sender = Thread.ofPlatform().start(() -> {
        try {
          send(sys, bodies, clients, latencies);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      // arrivals at the branch, as PostgreSQL records them (the checkpoint of the wait state)
      int seen = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
      while (seen < n && System.nanoTime() < deadline) {
        long now = System.nanoTime();
        int atBranch = (int) sys.count(arrived);
        for (int i = seen; i < atBranch; i++) {
          arrivals.add(now);
        }
        seen = Math.max(seen, atBranch);
        Thread.sleep(100);
      }
      sender.join();
      if (arrivals.size() < n) {
        throw new IllegalStateException("system: only " + arrivals.size() + " of " + n + " reached the branch: " + sys.tail());
      }
      // the cost of a case includes its indexing: count until the search outbox is drained
      long drained = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (sys.indexBacklog() > 0 && System.nanoTime() < drained) {
        Thread.sleep(100);
      }
      Map<String, Double> used = ProcessCpu.used(cpu0, ProcessCpu.sample(sys));
      long errors = sys.logText().lines().filter(l -> l.contains(" ERROR ")).count();
      System.out.printf("system log: %d ERROR lines%n", errors);
      return Rate.of(t0, arrivals, List.copyOf(latencies), used);
    }
  }

  /** Applications of persons from..to-1, each with photos of their own (made before any clock runs). */
  static List<String> applications(int from, int to) {
    String[] bodies = new String[to - from];
    IntStream.range(from, to).parallel()
        .forEach(i -> bodies[i - from] = Scenarios.application(Persons.name(i), Persons.clearMatch(i), "MALE", i));
    return List.of(bodies);
  }

  /** Sends the applications from {@code clients} clients at once, each as fast as it is answered. */
  static void send(RunningSystem sys, List<String> bodies, int clients, ConcurrentLinkedQueue<Long> latencies)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      fs.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
          long t = System.nanoTime();
          HttpResponse<String> r = sys.post("/api/applications", Scenarios.PORTAL, bodies.get(i));
          latencies.add((System.nanoTime() - t) / 1_000_000);
          if (r.statusCode() != 201) {
            throw new IllegalStateException("application " + i + ": " + r.statusCode() + " " + r.body());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
  }

  static void awaitAtBranch(RunningSystem sys, int count, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (sys.count("select count(*) from process_link where wait_element = ?", AT_BRANCH) < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not at the branch in time: " + sys.tail());
      }
      Thread.sleep(200);
    }
  }
}
