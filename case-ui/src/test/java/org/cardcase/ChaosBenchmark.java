package org.cardcase;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chaos drill. Card applications, clerk decisions and the bank's callbacks
 * flow at a steady rate while, in turn: PostgreSQL is stopped for 30 s, Elasticsearch for 60 s,
 * the engine is broken, the request path is filled with maximum-size images, every channel call is
 * sent twice at once, and the application is killed with SIGKILL and started again. After each
 * fault the drill measures the time until the system has recovered: health UP and a new
 * application accepted and found by search. At the end it checks, from PostgreSQL, that nothing
 * was lost and nothing happened twice, prints the figures, and exits 1 if anything was.
 *
 * <p>Run with {@code ./cardcase bench chaos [minutes] [applications-per-second]}: the minutes of
 * steady load are spread over the seven quiet spells before, between and after the faults (at
 * least 15 s each); the faults and their recoveries come on top.
 *
 * <p>Like a real channel, the drill's clients retry every request that got no answer, a {@code 5xx},
 * a {@code 429} or "still being processed", always with the same {@code Idempotency-Key} (or, for a
 * clerk, the same decision on the same task), and count the retries.
 */
public final class ChaosBenchmark {
  static final Duration POSTGRES_DOWN = Duration.ofSeconds(30);
  static final Duration SEARCH_DOWN = Duration.ofSeconds(60);
  static final Duration DOUBLED_FOR = Duration.ofSeconds(30);
  /** A channel gives up on one request after this long (none should). */
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);
  static final int IMAGE_APPLICATIONS = 20;
  static final int MAXIMUM_BODIES = 5;
  /** Load applicants are numbered from 0, the image burst's from here, probes' from PROBES (distinct people). */
  static final int IMAGES_FROM = 200_000;
  static final int PROBES_FROM = 250_000;
  static final String APPROVE = "{\"photoDecision\":\"APPROVE\"}";
  static final String REJECT = "{\"photoDecision\":\"REJECT\",\"decisionReason\":\"照片不清晰\"}";

  /** What the drill was answered for one application (one Idempotency-Key). */
  static final class Application {
    final String key = UUID.randomUUID().toString();
    final String kind; // clear (verified without a clerk), clerk (a clerk decides), image, maxbody, probe
    final String idNumber;
    final Set<String> created = ConcurrentHashMap.newKeySet(); // case numbers of every 201 (one expected)
    final AtomicInteger attempts = new AtomicInteger();
    volatile int finalStatus; // 201, a 4xx refusal, or 0 while unanswered / given up
    volatile String finalBody;
    volatile boolean gaveUp;

    Application(String kind, String idNumber) {
      this.kind = kind;
      this.idNumber = idNumber;
    }
  }

  /** A clerk's decision on one task, and what the API said to each attempt. */
  static final class Decision {
    final long taskId;
    final String caseNumber;
    final String form;
    final List<Integer> answers = new CopyOnWriteArrayList<>(); // 0: no answer
    volatile boolean stored; // 200, or "already completed" after an attempt whose answer was lost
    volatile int okAnswers;

    Decision(long taskId, String caseNumber, String form) {
      this.taskId = taskId;
      this.caseNumber = caseNumber;
      this.form = form;
    }

    String decision() {
      return form.contains("REJECT") ? "REJECT" : "APPROVE";
    }
  }

  record Fault(String name, double lastedSeconds, double recoveredSeconds, String note) {}

  final RunningSystem sys;
  final HttpClient es = HttpClient.newHttpClient();
  final List<Application> applications = new CopyOnWriteArrayList<>();
  final Map<Long, Decision> decisions = new ConcurrentHashMap<>();
  final List<Fault> faults = new ArrayList<>();
  final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
  final AtomicBoolean doubled = new AtomicBoolean(); // every channel and clerk call sent twice at once
  final AtomicBoolean loadRunning = new AtomicBoolean(true);
  final AtomicLong retries = new AtomicLong();
  final AtomicLong clerkRetries = new AtomicLong();
  final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>(); // every answer's status, "IO" for none
  final AtomicInteger nextPerson = new AtomicInteger();
  final AtomicInteger nextProbe = new AtomicInteger();
  final long t0 = System.nanoTime();

  ChaosBenchmark(RunningSystem sys) {
    this.sys = sys;
  }

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    double rate = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    Duration quiet = Duration.ofMillis(Math.max(15_000, (long) (minutes * 60_000 / 7)));
    int exit;
    try (RunningSystem sys = new RunningSystem("bench-chaos").jvm(List.of())
        .with("--cardcase.engine.fault-injection=true")
        // a request the SIGKILL interrupted holds its key until then (default 10 min); shortened so the
        // retry after the restart is answered within the drill (still longer than any request takes)
        .with("--cardcase.idempotency.abandoned-after=1m")) {
      sys.start();
      ChaosBenchmark drill = new ChaosBenchmark(sys);
      exit = drill.run(rate, quiet);
    }
    System.exit(exit);
  }

  int run(double rate, Duration quiet) throws Exception {
    say("chaos drill: %.1f applications/s, quiet spells of %d s, data in %s", rate, quiet.toSeconds(), sys.dataDir);
    Thread load = Thread.ofPlatform().name("chaos-load").start(() -> applyAtRate(rate));
    Thread clerk = Thread.ofPlatform().name("chaos-clerk").start(this::clerkDecides);

    Thread.sleep(quiet.toMillis());
    faults.add(stopPostgres());
    Thread.sleep(quiet.toMillis());
    faults.add(stopElasticsearch());
    Thread.sleep(quiet.toMillis());
    faults.add(breakEngine());
    Thread.sleep(quiet.toMillis());
    faults.add(maximumSizeImages());
    Thread.sleep(quiet.toMillis());
    faults.add(everythingTwice());
    Thread.sleep(quiet.toMillis());
    faults.add(killAndRestart());
    Thread.sleep(quiet.toMillis());

    say("load stopped; waiting for every request to be answered");
    loadRunning.set(false);
    load.join();
    clerk.join();
    clients.shutdown();
    if (!clients.awaitTermination(5, TimeUnit.MINUTES)) {
      say("some requests were still being retried after 5 minutes");
    }
    settle();
    return check();
  }

  // ---------------------------------------------------------------- load

  /** A steady stream of applications: half verified without a clerk (sequence 999), half for a clerk. */
  void applyAtRate(double rate) {
    long periodNanos = (long) (1e9 / rate);
    long next = System.nanoTime();
    while (loadRunning.get()) {
      int i = nextPerson.getAndIncrement();
      boolean clear = i % 2 == 0;
      String id = clear ? Persons.clearMatch(i) : Persons.withSequence(i, "101");
      Application a = new Application(clear ? "clear" : "clerk", id);
      applications.add(a);
      clients.submit(() -> apply(a, body(Persons.name(i), id, Scenarios.photo(400, 500, i), Scenarios.photo(700, 450, -i - 1))));
      next += periodNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        sleepNanos(sleep);
      }
    }
  }

  static String body(String name, String idNumber, String portrait, String idCardPhoto) {
    return """
        {"applicantName":"%s","idNumber":"%s","sex":"MALE","phone":"13812345678","issuingBank":"ICBC","channel":"web-portal",
         "portraitPhoto":"%s","idCardPhoto":"%s"}""".formatted(name, idNumber, portrait, idCardPhoto);
  }

  /**
   * Sends one application until it has a final answer, as a channel that must not lose it would:
   * no answer, 5xx, 429 and "still being processed" are retried after a second with the same key;
   * 201 and any other 4xx are final. While {@link #doubled} is on, each attempt is two identical
   * requests at the same moment.
   */
  void apply(Application a, String json) {
    long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", a.key,
        "Authorization", basic(Scenarios.PORTAL));
    while (true) {
      List<HttpResponse<String>> got = new ArrayList<>();
      int copies = doubled.get() ? 2 : 1;
      List<Future<HttpResponse<String>>> sent = new ArrayList<>();
      for (int c = 0; c < copies; c++) {
        a.attempts.incrementAndGet();
        sent.add(clients.submit(() -> sys.request("POST", "/api/applications", headers, json)));
      }
      for (Future<HttpResponse<String>> f : sent) {
        try {
          HttpResponse<String> r = f.get();
          count(Integer.toString(r.statusCode()));
          got.add(r);
        } catch (Exception e) {
          count("IO"); // no answer: the server was down, restarting, or the request timed out
        }
      }
      boolean retry = got.size() < copies;
      for (HttpResponse<String> r : got) {
        int s = r.statusCode();
        if (s == 201) {
          try {
            a.created.add(sys.json(r).get("caseNumber").asText());
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        } else if (s >= 500 || s == 429 || (s == 409 && r.body().contains("still being processed"))) {
          retry = true;
        } else if (a.created.isEmpty()) {
          a.finalStatus = s; // a refusal (400 for a too large photo is expected; others are reported)
          a.finalBody = r.body();
        }
      }
      if (!a.created.isEmpty()) {
        a.finalStatus = 201;
        return;
      }
      if (a.finalStatus != 0 && !retry) {
        return;
      }
      if (System.nanoTime() > giveUp) {
        a.gaveUp = true;
        return;
      }
      a.finalStatus = 0;
      retries.incrementAndGet();
      sleepNanos(1_000_000_000L);
    }
  }

  /**
   * The clerk: every second, the first page of the group's queue; each photo comparison is decided
   * (every fifth case rejected, the others approved) and the decision sent until it is stored.
   */
  void clerkDecides() {
    while (loadRunning.get()) {
      try {
        JsonNode tasks = sys.json(sys.get("/api/tasks?limit=50", Scenarios.CLERK));
        for (JsonNode t : tasks) {
          if (!t.path("step").asText().equals("compare-photos")) {
            continue;
          }
          long id = t.get("id").asLong();
          String cn = t.get("caseNumber").asText();
          Decision d = decisions.computeIfAbsent(id,
              k -> new Decision(id, cn, Math.floorMod(cn.hashCode(), 5) == 0 ? REJECT : APPROVE));
          if (!d.stored) {
            decide(d);
          }
        }
      } catch (Exception e) {
        // the queue could not be read (a fault): try again in a second
      }
      sleepNanos(1_000_000_000L);
    }
    // decisions whose every attempt went unanswered are sent until they have an answer
    for (Decision d : decisions.values()) {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!d.stored && d.answers.stream().noneMatch(s -> s >= 400 && s < 500) && System.nanoTime() < deadline) {
        decide(d);
        if (!d.stored) {
          sleepNanos(1_000_000_000L);
        }
      }
    }
  }

  void decide(Decision d) {
    boolean unknownBefore = d.answers.stream().anyMatch(s -> s == 0 || s >= 500);
    if (!d.answers.isEmpty()) {
      clerkRetries.incrementAndGet();
    }
    int copies = doubled.get() ? 2 : 1;
    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
    for (int c = 0; c < copies; c++) {
      sent.add(clients.submit(() -> sys.post("/api/tasks/" + d.taskId + "/complete", Scenarios.CLERK, d.form)));
    }
    for (Future<HttpResponse<String>> f : sent) {
      int s;
      try {
        s = f.get().statusCode();
      } catch (Exception e) {
        s = 0;
      }
      d.answers.add(s);
      if (s == 200) {
        d.okAnswers++;
        d.stored = true;
      } else if (s == 409 && (unknownBefore || d.okAnswers > 0 || copies == 2)) {
        // "already completed": by this decision's own attempt whose answer was lost, or by its twin;
        // PostgreSQL says below whether it really is this decision
        d.stored = true;
      }
    }
  }

  // ---------------------------------------------------------------- faults

  /** PostgreSQL's fast shutdown (SIGINT: sessions ended, a checkpoint), 30 s down, then the same server started again. */
  Fault stopPostgres() throws Exception {
    Path pidFile = sys.dataDir.resolve("postgres/postmaster.pid");
    long pid = firstLine(pidFile);
    Launch launch = Launch.of(pid);
    say("fault 1: PostgreSQL (pid %d) stopped for %d s", pid, POSTGRES_DOWN.toSeconds());
    long down = System.nanoTime();
    signal(pid, "INT");
    awaitGone(pid);
    sleepNanos(down + POSTGRES_DOWN.toNanos() - System.nanoTime());
    launch.start(sys.dataDir.resolve("chaos-postgres.log"));
    Scenarios.await("PostgreSQL accepting connections", () -> {
      try (var c = sys.db()) {
        return c.isValid(2);
      }
    }, Duration.ofSeconds(60));
    double lasted = seconds(down);
    return new Fault("PostgreSQL stopped 30 s", lasted, recover(), "started again with its own command line");
  }

  /** Elasticsearch stopped (SIGTERM to the node), 60 s down, then started again as the application starts it. */
  Fault stopElasticsearch() throws Exception {
    Path home = sys.dataDir.resolve("elasticsearch").toAbsolutePath();
    Path pidFile = home.resolve("node.pid");
    long pid = firstLine(pidFile);
    Map<String, String> env = Launch.environment(pid);
    say("fault 2: Elasticsearch (pid %d) stopped for %d s", pid, SEARCH_DOWN.toSeconds());
    long down = System.nanoTime();
    signal(pid, "TERM");
    awaitGone(pid);
    sleepNanos(down + SEARCH_DOWN.toNanos() - System.nanoTime());
    // as EmbeddedElasticsearch starts it: its launcher with the node's environment, as root in a user namespace
    List<String> cmd = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("unshare", "-U", "--map-user=1000", "--map-group=1000"));
    }
    cmd.addAll(List.of(Path.of(System.getProperty("cardcase.it.es-distribution"), "bin/elasticsearch").toString(),
        "-p", pidFile.toString()));
    Files.deleteIfExists(pidFile);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
    for (String name : List.of("ES_PATH_CONF", "ES_JAVA_HOME", "ES_TMPDIR", "ES_JAVA_OPTS")) {
      if (env.containsKey(name)) {
        pb.environment().put(name, env.get(name));
      }
    }
    pb.start();
    double lasted = seconds(down);
    return new Fault("Elasticsearch stopped 60 s", lasted, recover(), "started again as the application starts it");
  }

  /** The engine's stream processor broken as the old test engine broke (the admin fault endpoint). */
  Fault breakEngine() throws Exception {
    say("fault 3: the engine broken");
    long at = System.nanoTime();
    HttpResponse<String> r = sys.post("/api/admin/engine/fault", Scenarios.ADMIN, "{}");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the engine fault was refused: " + r.statusCode() + " " + r.body());
    }
    String seen = "not seen";
    try {
      Scenarios.await("health shows the engine down", () -> !EngineFaultIT.engineState(sys).equals("UP"), Duration.ofSeconds(20));
      seen = String.format("health showed it after %.1f s", seconds(at));
    } catch (AssertionError healedFirst) {
      seen = "healed before health showed it";
    }
    double recovered = recover();
    long heals = sys.json(sys.get("/api/engine", Scenarios.SUPERVISOR)).at("/status/heals").asLong();
    return new Fault("engine broken", 0, recovered, seen + "; heals " + heals);
  }

  /**
   * The request path filled: 20 applications with a 6000×6000 ID card photo (a file of its own each)
   * and 5 bodies of exactly the 12 MB limit (a photo over the 4 MB a photo may have: refused 400), at once.
   */
  Fault maximumSizeImages() throws Exception {
    say("fault 4: %d applications with 6000×6000 photos and %d maximum-size bodies at once", IMAGE_APPLICATIONS, MAXIMUM_BODIES);
    byte[] big = BoundedMemoryIT.png(6000, 6000);
    List<Future<?>> burst = new ArrayList<>();
    long at = System.nanoTime();
    for (int i = 0; i < IMAGE_APPLICATIONS; i++) {
      int n = IMAGES_FROM + i;
      Application a = new Application("image", Persons.clearMatch(n));
      applications.add(a);
      String json = body(Persons.name(n), a.idNumber, Scenarios.photo(400, 500, n),
          Base64.getEncoder().encodeToString(BoundedMemoryIT.variant(big, "chaos " + n)));
      burst.add(clients.submit(() -> apply(a, json)));
    }
    for (int i = 0; i < MAXIMUM_BODIES; i++) {
      String json = BoundedMemoryIT.maximumBody(BoundedMemoryIT.PHOTOS + i, big);
      Application a = new Application("maxbody", "");
      applications.add(a);
      burst.add(clients.submit(() -> apply(a, json)));
    }
    for (Future<?> f : burst) {
      f.get();
    }
    double lasted = seconds(at);
    long accepted = applications.stream().filter(a -> a.kind.equals("image") && a.finalStatus == 201).count();
    long refused = applications.stream().filter(a -> a.kind.equals("maxbody") && a.finalStatus == 400).count();
    return new Fault("maximum-size images", lasted, recover(),
        accepted + "/" + IMAGE_APPLICATIONS + " large photos accepted, " + refused + "/" + MAXIMUM_BODIES + " 12 MB bodies refused 400");
  }

  /** Every channel call and clerk decision sent twice at the same moment, for 30 s. */
  Fault everythingTwice() throws Exception {
    say("fault 5: every call sent twice at once for %d s", DOUBLED_FOR.toSeconds());
    long at = System.nanoTime();
    doubled.set(true);
    Thread.sleep(DOUBLED_FOR.toMillis());
    doubled.set(false);
    return new Fault("every call twice at once 30 s", seconds(at), recover(), "");
  }

  /** SIGKILL to the application (its servers left running, as after a crash), then the same command again. */
  Fault killAndRestart() throws Exception {
    say("fault 6: kill -9 and start again");
    long at = System.nanoTime();
    sys.kill();
    sys.start();
    double ready = seconds(at);
    double recovered = recover() + ready;
    return new Fault("kill -9, start again", ready, recovered, String.format("ready after %.1f s", ready));
  }

  /**
   * Seconds until the system serves again: health UP, then a new application answered 201 and found
   * by the search (it is part of the ledger like any other).
   */
  double recover() throws Exception {
    long at = System.nanoTime();
    Scenarios.await("health UP", () -> {
      HttpResponse<String> h = sys.get("/actuator/health", null);
      return h.statusCode() == 200 && sys.json(h).path("status").asText().equals("UP");
    }, Duration.ofMinutes(10));
    int n = PROBES_FROM + nextProbe.getAndIncrement();
    Application probe = new Application("probe", Persons.clearMatch(n));
    applications.add(probe);
    apply(probe, body(Persons.name(n), probe.idNumber, Scenarios.photo(400, 500, n), Scenarios.photo(700, 450, -n - 1)));
    if (probe.created.isEmpty()) {
      throw new IllegalStateException("the probe application was not accepted: " + probe.finalStatus + " " + probe.finalBody);
    }
    String cn = probe.created.iterator().next();
    Scenarios.await("the probe " + cn + " found by search", () -> sys.get("/api/cases?q=" + cn, Scenarios.CLERK).body()
        .contains(cn), Duration.ofMinutes(10));
    double s = seconds(at);
    say("  recovered after %.1f s (health UP, %s accepted and found)", s, cn);
    return s;
  }

  // ---------------------------------------------------------------- the end

  /** Waits until every case has reached where it should and the search index has caught up (at most 5 minutes). */
  void settle() throws Exception {
    long at = System.nanoTime();
    long deadline = at + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      long moving = sys.count("""
          select count(*) from card_case c where not (
            c.current_step in ('compare-photos', 'wait-card-activated', 'wait-resubmission') or c.closed_at is not null)""");
      long owed = sys.count("select count(*) from sim_bank_order where callbacks_owed > 0 and not late");
      long waiting = sys.json(sys.get("/api/admin/search", Scenarios.ADMIN)).path("waiting").asLong(-1);
      if (moving == 0 && owed == 0 && waiting == 0) {
        break;
      }
      Thread.sleep(1000);
    }
    say("settled after %.1f s", seconds(at));
  }

  /** The checks, from PostgreSQL (and Elasticsearch for the index); the figures; 0 when nothing was lost or doubled. */
  int check() throws Exception {
    record Case(String number, String idNumber, String status, String step, boolean closed, int cards, int produced,
        int openTasks) {}
    Map<String, Case> cases = new HashMap<>();
    try (var c = sys.db(); var st = c.createStatement(); var rs = st.executeQuery("""
        select cc.case_number, encode(cc.id_bidx, 'hex'), cc.status, cc.current_step, cc.closed_at is not null,
          (select count(*) from card k where k.case_number = cc.case_number),
          (select count(*) from card_transition t join card k on k.card_id = t.card_id
             where k.case_number = cc.case_number and t.to_state = 'PRODUCED'),
          (select count(*) from human_task h where h.case_number = cc.case_number and h.state = 'OPEN')
        from card_case cc""")) {
      while (rs.next()) {
        cases.put(rs.getString(1), new Case(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getBoolean(5), rs.getInt(6), rs.getInt(7), rs.getInt(8)));
      }
    }
    Map<String, Integer> casesPerPerson = new HashMap<>();
    cases.values().forEach(k -> casesPerPerson.merge(k.idNumber(), 1, Integer::sum));

    // applications: every 201 is exactly one case, of its person, with at most one card, at a sensible step
    int answered201 = 0, lost = 0, doubledCases = 0, twoCards = 0, badStep = 0, refusedUnexpected = 0, unanswered = 0;
    Map<String, Decision> decisionByCase = new HashMap<>();
    decisions.values().stream().filter(d -> d.stored).forEach(d -> decisionByCase.put(d.caseNumber, d));
    Set<String> answeredCases = ConcurrentHashMap.newKeySet();
    Map<String, Integer> where = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Application a : applications) {
      if (a.created.size() > 1) {
        doubledCases += a.created.size() - 1;
        problems.add("key " + a.key + " answered 201 with " + a.created);
      }
      if (a.finalStatus != 201) {
        if (a.kind.equals("maxbody") && a.finalStatus == 400) {
          continue;
        }
        if (a.finalStatus == 0) {
          unanswered++;
          problems.add(a.kind + " application of " + a.idNumber + " never answered (gave up " + a.gaveUp + ")");
        } else {
          refusedUnexpected++;
          problems.add(a.kind + " application of " + a.idNumber + " refused " + a.finalStatus + ": " + a.finalBody);
        }
        continue;
      }
      answered201++;
      String cn = a.created.iterator().next();
      answeredCases.add(cn);
      Case k = cases.get(cn);
      if (k == null) {
        lost++;
        problems.add("201 " + cn + " is not in PostgreSQL");
        continue;
      }
      // the person by the blind index of the ID number (PostgreSQL holds no plain ID number)
      String person = HexFormat.of().formatHex(sys.blindIndex(a.idNumber));
      if (casesPerPerson.get(person) > 1) {
        doubledCases++;
        problems.add(a.idNumber + " has " + casesPerPerson.get(person) + " cases");
      }
      if (k.cards() > 1 || k.produced() > 1) {
        twoCards++;
        problems.add(cn + ": " + k.cards() + " cards, produced " + k.produced() + " times");
      }
      Decision d = decisionByCase.get(cn);
      String expected;
      boolean sensible;
      if (a.kind.equals("clerk") && d == null) {
        // the card row is made when the application is registered (APPLIED); it is produced only once approved
        expected = "at the clerk";
        sensible = k.step().equals("compare-photos") && k.openTasks() == 1 && k.cards() <= 1 && k.produced() == 0;
      } else if (d != null && d.decision().equals("REJECT")) {
        expected = "rejected (waits for new photos)";
        sensible = k.cards() <= 1 && k.produced() == 0 && (k.step().equals("wait-resubmission") || k.closed())
            && k.openTasks() == 0;
      } else {
        expected = "card made";
        sensible = k.cards() == 1 && k.produced() == 1
            && (k.step().equals("wait-card-activated") || k.step().equals("wait-card-produced"));
      }
      where.merge(expected + ": " + k.status() + " at " + k.step(), 1, Integer::sum);
      if (!sensible) {
        badStep++;
        problems.add(cn + " (" + a.kind + ", " + expected + ") is " + k.status() + " at " + k.step() + " with " + k.cards()
            + " cards, " + k.openTasks() + " open tasks");
      }
    }
    long orphans = cases.keySet().stream().filter(cn -> !answeredCases.contains(cn)).count();
    if (orphans > 0) {
      problems.add(orphans + " cases in PostgreSQL that no channel was answered 201 for");
    }

    // clerk decisions: every stored one is the task's result, completed once, and nobody else's decision is there
    int decisionsStored = 0, decisionsLost = 0, decisionsTwice = 0, decisionsUnsent = 0, twoOk = 0;
    Map<Long, String> completed = new HashMap<>();
    try (var c = sys.db(); var st = c.createStatement(); var rs = st.executeQuery("""
        select h.id, h.result->>'photoDecision', h.completed_by,
          (select count(*) from audit_entry e where e.subject = 'case:' || h.case_number and e.event_key = 'task:' || h.id
             and e.action = 'TASK_COMPLETED')
        from human_task h where h.state = 'COMPLETED'""")) {
      while (rs.next()) {
        completed.put(rs.getLong(1), rs.getString(2) + "/" + rs.getString(3) + "/" + rs.getInt(4));
      }
    }
    for (Decision d : decisions.values()) {
      if (d.okAnswers > 1) {
        twoOk++; // both twins answered 200: reported; what counts is what PostgreSQL holds
      }
      if (!d.stored) {
        if (!completed.containsKey(d.taskId)) {
          decisionsUnsent++;
          continue;
        }
        // an unanswered attempt was stored after all: it is the clerk's decision, took effect once
      }
      decisionsStored++;
      String row = completed.get(d.taskId);
      if (row == null || !row.startsWith(d.decision() + "/clerk/")) {
        decisionsLost++;
        problems.add("decision " + d.decision() + " on task " + d.taskId + " (" + d.caseNumber + ") is " + row);
      } else if (!row.endsWith("/1")) {
        decisionsTwice++;
        problems.add("task " + d.taskId + " completed in the audit trail " + row);
      }
    }
    for (Long id : completed.keySet()) {
      if (!decisions.containsKey(id)) {
        decisionsTwice++;
        problems.add("task " + id + " completed without a decision of the drill: " + completed.get(id));
      }
    }

    // bank callbacks: the simulator's card-produced callbacks (each sent twice), stored once, applied once
    long callbacksSent = sys.count("select coalesce(sum(2 - callbacks_owed), 0) from sim_bank_order where not late");
    long callbacksStored = sys.count("select count(*) from inbound_message where name = 'card-produced'");
    long callbacksUnconsumed = sys.count("select count(*) from inbound_message where name = 'card-produced' and not consumed");
    long callbacksTwice = sys.count("""
        select count(*) from (select case_number from inbound_message where name = 'card-produced'
          group by case_number having count(*) > 1) x""");
    long callbacksLost = sys.count("""
        select count(*) from sim_bank_order o where o.callbacks_owed < 2 and not o.late and not exists
          (select 1 from inbound_message m where m.name = 'card-produced' and m.case_number = o.case_number)""");
    long producedTwice = sys.count("""
        select count(*) from (select t.card_id from card_transition t where t.to_state = 'PRODUCED'
          group by t.card_id having count(*) > 1) x""");
    long producedWithoutCallback = sys.count("""
        select count(*) from card k join card_transition t on t.card_id = k.card_id and t.to_state = 'PRODUCED'
        where not exists (select 1 from inbound_message m where m.name = 'card-produced' and m.case_number = k.case_number)""");
    if (callbacksTwice + callbacksLost + producedTwice + producedWithoutCallback > 0) {
      problems.add("callbacks: stored twice " + callbacksTwice + ", lost " + callbacksLost + ", produced twice " + producedTwice
          + ", produced without a callback " + producedWithoutCallback);
    }

    // the search index agrees with PostgreSQL: every case there once, with its status and step
    Map<String, String> pgView = new HashMap<>();
    cases.values().forEach(k -> pgView.put(k.number(), k.status() + "@" + k.step()));
    Map<String, String> esView = new HashMap<>();
    es.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sys.esPort + "/cardcase-cases-*/_refresh"))
        .header("Authorization", sys.esAuthorization()).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    JsonNode hits = RunningSystem.JSON.readTree(es.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sys.esPort
        + "/cardcase-cases-*/_search?size=10000&_source=caseNumber,status,currentStep"))
        .header("Authorization", sys.esAuthorization()).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body()).at("/hits/hits");
    for (JsonNode h : hits) {
      esView.put(h.get("_id").asText(), h.at("/_source/status").asText() + "@" + h.at("/_source/currentStep").asText());
    }
    long missingInIndex = pgView.keySet().stream().filter(cn -> !esView.containsKey(cn)).count();
    long notInPostgres = esView.keySet().stream().filter(cn -> !pgView.containsKey(cn)).count();
    long stale = pgView.entrySet().stream().filter(e -> esView.containsKey(e.getKey())
        && !esView.get(e.getKey()).equals(e.getValue())).count();
    if (missingInIndex + notInPostgres + stale > 0) {
      problems.add("index: " + missingInIndex + " cases missing, " + notInPostgres + " not in PostgreSQL, " + stale + " stale");
    }

    // ERROR lines of every run of the application, each message once with how often (the faults cause some)
    long errors = 0;
    Map<String, Integer> errorMessages = new TreeMap<>();
    try (var logs = Files.list(sys.dataDir)) {
      for (Path p : logs.filter(p -> p.getFileName().toString().startsWith("app-")).toList()) {
        for (String l : Files.readAllLines(p)) {
          if (l.contains(" ERROR ")) {
            errors++;
            String message = l.replaceFirst("^.*? ERROR .*? : ", "").replaceAll("\\d+", "#");
            errorMessages.merge(message.substring(0, Math.min(160, message.length())), 1, Integer::sum);
          }
        }
      }
    }

    // the figures
    System.out.printf("%nchaos drill, %.0f s in all%n", seconds(t0));
    System.out.printf("%-34s %10s %12s  %s%n", "fault", "lasted (s)", "recover (s)", "");
    for (Fault f : faults) {
      System.out.printf("%-34s %10.1f %12.1f  %s%n", f.name(), f.lastedSeconds(), f.recoveredSeconds(), f.note());
    }
    System.out.println("(recover: from the fault's end, the server back or the burst answered, until health UP and a new"
        + " application accepted and found by search; for kill -9 from the kill)");
    long sentApplications = applications.stream().filter(a -> !a.kind.equals("maxbody")).count();
    System.out.printf("%napplications sent %d (%d of them probes, %d with 6000×6000 photos), answered 201 %d, "
        + "requests %d, retries %d%n", sentApplications, nextProbe.get(), IMAGE_APPLICATIONS, answered201,
        applications.stream().mapToInt(a -> a.attempts.get()).sum(), retries.get());
    System.out.println("answers by status: " + new TreeMap<>(answers));
    System.out.printf("12 MB bodies refused 400: %d of %d%n",
        applications.stream().filter(a -> a.kind.equals("maxbody") && a.finalStatus == 400).count(), MAXIMUM_BODIES);
    System.out.printf("clerk decisions stored %d (%d approve, %d reject), attempts %d, retries %d, both twins 200: %d, "
        + "unsent at the end %d%n", decisionsStored,
        decisions.values().stream().filter(d -> d.stored && d.decision().equals("APPROVE")).count(),
        decisions.values().stream().filter(d -> d.stored && d.decision().equals("REJECT")).count(),
        decisions.values().stream().mapToInt(d -> d.answers.size()).sum(), clerkRetries.get(), twoOk, decisionsUnsent);
    System.out.printf("bank callbacks sent %d (each card's twice), stored %d, cards produced %d%n", callbacksSent,
        callbacksStored, sys.count("select count(*) from card_transition where to_state = 'PRODUCED'"));
    System.out.printf("search index: %d cases in PostgreSQL, %d in the index, %d missing, %d stale%n", pgView.size(),
        esView.size(), missingInIndex, stale);
    System.out.println("where the answered cases are:");
    where.forEach((k, v) -> System.out.printf("  %5d  %s%n", v, k));
    System.out.printf("card-produced callbacks never marked consumed in inbound_message: %d of %d (republished on every"
        + " resume; not counted as lost: each was applied once)%n", callbacksUnconsumed, callbacksStored);
    System.out.printf("system log: %d ERROR lines (in %s)%n", errors, sys.dataDir);
    errorMessages.forEach((m, n) -> System.out.printf("  %3d× %s%n", n, m));

    long lostAll = lost + decisionsLost + callbacksLost + producedWithoutCallback + missingInIndex + unanswered;
    long doubledAll = doubledCases + twoCards + decisionsTwice + callbacksTwice + producedTwice + orphans + notInPostgres;
    System.out.printf("%n%-44s %6s%n", "check", "count");
    System.out.printf("%-44s %6d%n", "201s not in PostgreSQL (lost)", lost);
    System.out.printf("%-44s %6d%n", "applications never answered", unanswered);
    System.out.printf("%-44s %6d%n", "applications refused unexpectedly", refusedUnexpected);
    System.out.printf("%-44s %6d%n", "doubled cases (per key or person)", doubledCases);
    System.out.printf("%-44s %6d%n", "cases without a 201 (orphans)", orphans);
    System.out.printf("%-44s %6d%n", "cases with two cards or productions", twoCards);
    System.out.printf("%-44s %6d%n", "cases at a step that makes no sense", badStep);
    System.out.printf("%-44s %6d%n", "stored decisions not taken (lost)", decisionsLost);
    System.out.printf("%-44s %6d%n", "decisions taken twice or by no one", decisionsTwice);
    System.out.printf("%-44s %6d%n", "callbacks lost", callbacksLost + producedWithoutCallback);
    System.out.printf("%-44s %6d%n", "callbacks counted twice", callbacksTwice + producedTwice);
    System.out.printf("%-44s %6d%n", "index: missing, not in PostgreSQL, stale", missingInIndex + notInPostgres + stale);
    System.out.printf("%nLOST %d, DOUBLED %d%n", lostAll, doubledAll);
    problems.stream().limit(40).forEach(p -> System.out.println("  problem: " + p));
    boolean ok = lostAll == 0 && doubledAll == 0 && badStep == 0 && refusedUnexpected == 0 && stale == 0
        && producedWithoutCallback == 0;
    System.out.println(ok ? "PASS: 0 lost, 0 doubled" : "FAIL");
    return ok ? 0 : 1;
  }

  // ---------------------------------------------------------------- helpers

  /** How a server process was started, read from /proc, so that the same server can be started again. */
  record Launch(List<String> argv, Map<String, String> env, Path cwd) {
    static Launch of(long pid) throws IOException {
      String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
      return new Launch(List.of(cmdline.split("\0")), environment(pid), Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")));
    }

    static Map<String, String> environment(long pid) throws IOException {
      Map<String, String> env = new LinkedHashMap<>();
      for (String kv : Files.readString(Path.of("/proc/" + pid + "/environ"), StandardCharsets.UTF_8).split("\0")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      return env;
    }

    /**
     * The same command line, environment and directory. PostgreSQL refuses to run as root; as root
     * the embedded one runs in a user namespace of its own where it is "nobody" (zonky's way), and so
     * does this one.
     */
    void start(Path log) throws IOException {
      List<String> cmd = new ArrayList<>();
      if ("root".equals(System.getProperty("user.name"))) {
        cmd.addAll(List.of("unshare", "-U"));
      }
      cmd.addAll(argv);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.start();
    }
  }

  static long firstLine(Path pidFile) throws IOException {
    return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
  }

  static void signal(long pid, String signal) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
  }

  static void awaitGone(long pid) throws Exception {
    Scenarios.await("process " + pid + " gone",
        () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(90));
  }

  void count(String status) {
    answers.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
  }

  double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  void say(String format, Object... args) {
    System.out.printf("[%6.1f s] %s%n", seconds(t0), String.format(format, args));
  }

  static String basic(String credentials) {
    return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  static void sleepNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
