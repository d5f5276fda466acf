package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.cardcase.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the engine working and says truthfully whether it is.
 *
 * <ul>
 *   <li>At start (before the web server opens) it starts the in-process engine as a new generation,
 *       deploys the kept model versions ({@link ModelVersions}) and opens the job workers; then, in the background while the web server
 *       already serves, it gives the engine back every open case from PostgreSQL.
 *   <li>Every few seconds a probe instance must run through the engine, a job worker and back
 *       ({@link #PROBE_PROCESS}). No answer for {@code down-after}, or a failure the engine's host
 *       reports itself, and the engine is DOWN: health, readiness and the workspace header say so,
 *       and requests stop waiting for it (the sweeper sends what was stored once it is back).
 *   <li>When the in-process engine has failed (or stays silent for {@code heal-after}), it is
 *       replaced in-process by a new generation and every open case is resumed: no clerk action,
 *       nothing lost or doubled. Each heal is a row in {@code engine_generation} and an audit entry.
 *   <li>One heal at a time: an engine that cannot be started (its port taken, its disk full) is
 *       tried again with exponential backoff ({@code heal-backoff.initial} doubling up to
 *       {@code heal-backoff.max}); probes and failure reports meanwhile start nothing. Each failed
 *       attempt is one ERROR in the log, and health and the workspace header say how many attempts
 *       failed, the last error and when the next one comes. A failed attempt uses no generation
 *       number: only an engine that started takes one ({@link EngineGenerations#started}).
 * </ul>
 */
@Component
public class EngineSupervisor implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(EngineSupervisor.class);
  public static final String PROBE_PROCESS = "cardcase-engine-probe";
  public static final String PROBE_JOB = "cardcase.engine-probe";
  static final String AUDIT_SUBJECT = "engine";

  public enum State { STARTING, UP, DOWN, HEALING }

  /** What supervisors, admins, health and the workspace header see. */
  public record Status(State state, boolean embedded, long generation, Instant since, String reason,
      Instant lastProbeOk, Long lastProbeMillis, boolean resuming, int toResume, int resumed, int resumeFailures,
      long heals, int failedAttempts, String lastAttemptError, Instant nextAttemptAt) {
    public boolean serving() {
      return state == State.UP;
    }
  }

  private final EngineHost host;
  private final CamundaClient client;
  private final ModelVersions versions;
  private final FormVersions forms;
  private final ProcessLinks links;
  private final ProcessStarter starter;
  private final JobWorkers workers;
  private final MessageInbox inbox;
  private final EngineGenerations generations;
  private final CurrentEngine current;
  private final AuditTrail audit;
  private final TransactionTemplate tx;
  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final Duration downAfter;
  private final Duration healAfter;
  private final Duration sweepInterval;
  private final int resumeConcurrency;
  /** Off only for drills that want to see the engine stay down; then an administrator replaces it. */
  private final boolean selfHeal;
  private final Duration healBackoffInitial;
  private final Duration healBackoffMax;

  private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("engine-supervisor").daemon().factory());
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("engine-sweeper").daemon().factory());

  private volatile State state = State.STARTING;
  private volatile Instant since = Instant.now();
  private volatile String reason;
  private volatile Instant lastProbeOk;
  private volatile Long lastProbeMillis;
  private volatile boolean probeOutstanding;
  private volatile boolean running;
  private volatile boolean resuming;
  private final AtomicInteger toResume = new AtomicInteger();
  private final AtomicInteger resumed = new AtomicInteger();
  private final AtomicInteger resumeFailures = new AtomicInteger();
  private volatile long heals;

  // One heal at a time. All of it runs on the supervisor thread; the fields are volatile for status().
  /** Attempts of the heal (or start) under way that failed; 0 when none is under way. */
  private volatile int failedAttempts;
  /** START or HEAL: what the engine that finally starts is recorded as. */
  private volatile String pendingReason;
  /** Why the heal under way began (the old engine's failure), for the generation's row. */
  private volatile String healCause;
  private volatile Instant firstAttemptAt;
  private volatile String lastAttemptError;
  private volatile Instant nextAttemptAt;
  private ScheduledFuture<?> nextAttempt;
  /** The last generation number an engine started as (and so took). */
  private volatile long takenGeneration;

  public EngineSupervisor(EngineHost host, CamundaClient client, ModelVersions versions, FormVersions forms, ProcessLinks links,
      ProcessStarter starter, JobWorkers workers, MessageInbox inbox, EngineGenerations generations, CurrentEngine current,
      AuditTrail audit, TransactionTemplate tx,
      @Value("${cardcase.engine.probe.interval:2s}") Duration probeInterval,
      @Value("${cardcase.engine.probe.timeout:6s}") Duration probeTimeout,
      @Value("${cardcase.engine.probe.down-after:8s}") Duration downAfter,
      @Value("${cardcase.engine.heal-after:60s}") Duration healAfter,
      @Value("${cardcase.engine.self-heal:true}") boolean selfHeal,
      @Value("${cardcase.recovery.sweep-interval:10s}") Duration sweepInterval,
      @Value("${cardcase.recovery.resume-concurrency:96}") int resumeConcurrency,
      @Value("${cardcase.engine.heal-backoff.initial:2s}") Duration healBackoffInitial,
      @Value("${cardcase.engine.heal-backoff.max:5m}") Duration healBackoffMax) {
    this.host = host;
    this.client = client;
    this.versions = versions;
    this.forms = forms;
    this.links = links;
    this.starter = starter;
    this.workers = workers;
    this.inbox = inbox;
    this.generations = generations;
    this.current = current;
    this.audit = audit;
    this.tx = tx;
    this.probeInterval = probeInterval;
    this.probeTimeout = probeTimeout;
    this.downAfter = downAfter;
    this.healAfter = healAfter;
    this.selfHeal = selfHeal;
    this.sweepInterval = sweepInterval;
    this.resumeConcurrency = resumeConcurrency;
    this.healBackoffInitial = healBackoffInitial;
    this.healBackoffMax = healBackoffMax;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  @Override
  public void start() {
    long t0 = System.nanoTime();
    heals = generations.heals();
    host.onFailure(why -> supervisor.execute(() -> {
      if (selfHeal) {
        heal(why);
      } else {
        markDown(why);
      }
    }));
    // before bringUp: the resume thread it starts stops at once while this is false, and the
    // restart's open cases were then left unresumed (seen in SystemRestartIT as "0 resumed" of 2)
    running = true;
    try {
      // a form or model shipped changed is kept as its next version first (the files do not change while running)
      forms.recordShipped();
      versions.recordShipped();
      if (!host.embedded()) {
        bringUp(0, "START", null);
      }
    } catch (RuntimeException e) {
      running = false;
      throw e;
    }
    if (host.embedded()) {
      // an engine that cannot start does not stop the application: it serves and stores work, says
      // the engine is down, and the engine is tried again with backoff
      pendingReason = "START";
      healCause = null;
      firstAttemptAt = Instant.now();
      try {
        supervisor.submit(this::attempt).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException("starting the engine", e.getCause());
      }
    }
    supervisor.scheduleWithFixedDelay(this::check, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    sweeper.scheduleWithFixedDelay(this::sweep, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
    if (state == State.UP) {
      log.info("engine {} ready in {} ms; open cases are resumed in the background", describe(current.generation()),
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** Starts the engine (embedded), deploys, opens the workers, then resumes in the background. */
  private void bringUp(long generation, String why, String failure) {
    if (host.embedded()) {
      host.start(generation);
    }
    // the models come from PostgreSQL: every kept version is deployed
    versions.deployAll(host.embedded());
    client.newDeployResourceCommand().addProcessModel(probeModel(), PROBE_PROCESS + ".bpmn").send().join();
    workers.openAll();
    if (host.embedded()) {
      // The number is taken only now, by an engine that started and was deployed to, and before the
      // application is given any key of it (instances, jobs): an attempt that failed before this
      // point is discarded by the next one (nothing of it is kept), so its number is used again.
      generations.started(generation, why, failure, failedAttempts + 1, firstAttemptAt);
      takenGeneration = generation;
    }
    current.set(generation, true);
    lastProbeOk = Instant.now();
    setState(State.UP, null);
    int pending = host.embedded() ? links.countToResume(generation) : 0;
    if (host.embedded()) {
      generations.ready(generation, pending);
      tx.executeWithoutResult(s -> audit.append(AUDIT_SUBJECT, "generation:" + generation, "system", null,
          why.equals("HEAL") ? "ENGINE_REPLACED" : "ENGINE_STARTED",
          failure == null ? Map.of("generation", generation, "openCases", pending)
              : Map.of("generation", generation, "openCases", pending, "failure", failure)));
    }
    Thread.ofVirtual().name("engine-resume-" + generation).start(() -> resumeAll(generation));
  }

  @Override
  public void stop() {
    running = false;
    supervisor.shutdownNow();
    sweeper.shutdownNow();
    workers.close();
    current.accepting(false);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return 0; // before the web server (which starts in the last phases)
  }

  // ---- resume ----------------------------------------------------------------------------------

  /**
   * Gives the engine back every open case it does not hold, with many resumes in flight at once.
   * For the in-process engine that is every case of an earlier generation (none of its instances
   * survived); an external engine keeps its state, so there each case is asked about first.
   */
  void resumeAll(long generation) {
    resuming = true;
    resumed.set(0);
    resumeFailures.set(0);
    long t0 = System.nanoTime();
    try {
      startUnstarted();
      if (host.embedded()) {
        toResume.set(links.countToResume(generation));
        // one pass, then a second for those that failed (the engine may have been busy)
        for (int pass = 0; pass < 2 && generation == current.generation(); pass++) {
          resumeFailures.set(0);
          resumePass(generation, after -> links.toResume(generation, after, 500), l -> true);
          if (resumeFailures.get() == 0) {
            break;
          }
        }
      } else {
        resumePass(generation, after -> links.open(after, 500), l -> !knows(l));
      }
      inbox.publishPending();
    } catch (RuntimeException e) {
      log.error("resuming open cases stopped: {}", e.toString());
    } finally {
      resuming = false;
      if (host.embedded() && generation == current.generation()) {
        generations.progress(generation, resumed.get(), resumeFailures.get(), true);
      }
    }
    log.info("engine {}: {} open case(s) resumed, {} failed, in {} ms", describe(generation), resumed.get(),
        resumeFailures.get(), (System.nanoTime() - t0) / 1_000_000);
  }

  private interface Page {
    List<ProcessLink> after(String caseNumber);
  }

  private void resumePass(long generation, Page page, Predicate<ProcessLink> lost) {
    Semaphore slots = new Semaphore(resumeConcurrency);
    String after = "";
    long lastProgress = System.nanoTime();
    while (generation == current.generation() && running) {
      List<ProcessLink> batch = page.after(after);
      if (batch.isEmpty()) {
        break;
      }
      Map<String, List<MessageInbox.Message>> unconsumed = inbox.unconsumed(batch.stream().map(ProcessLink::caseNumber).toList());
      for (ProcessLink link : batch) {
        if (generation != current.generation()) {
          return; // replaced meanwhile: the new generation resumes everything itself
        }
        after = link.caseNumber();
        if (!lost.test(link)) {
          continue;
        }
        slots.acquireUninterruptibly();
        starter.resume(link, generation, unconsumed.getOrDefault(link.caseNumber(), List.of())).whenComplete((key, error) -> {
          slots.release();
          if (error == null) {
            resumed.incrementAndGet();
          } else {
            resumeFailures.incrementAndGet();
            log.warn("could not resume case {} at {}: {}", link.caseNumber(), link.waitElement(), error.getMessage());
          }
        });
      }
      if (host.embedded() && System.nanoTime() - lastProgress > 2_000_000_000L) {
        generations.progress(generation, resumed.get(), resumeFailures.get(), false);
        lastProgress = System.nanoTime();
      }
    }
    slots.acquireUninterruptibly(resumeConcurrency); // wait for the last ones in flight
    slots.release(resumeConcurrency);
  }

  private boolean knows(ProcessLink link) {
    try {
      return starter.engineKnows(link);
    } catch (RuntimeException e) {
      return true; // cannot tell now: leave it, the next start asks again
    }
  }

  // ---- sweeping --------------------------------------------------------------------------------

  /** Cases stored but never started, and messages stored but never published, while the engine was away. */
  private void sweep() {
    if (!current.accepting()) {
      return;
    }
    try {
      startUnstarted();
      inbox.publishPending();
    } catch (RuntimeException e) {
      log.warn("sweep: {}", e.toString());
    }
  }

  /** Queues cases that were stored but not started (the start failed, or the JVM died right after storing). */
  public int startUnstarted() {
    List<String> unstarted = links.unstarted();
    unstarted.forEach(starter::startSoon);
    return unstarted.size();
  }

  // ---- probing and healing -----------------------------------------------------------------------

  static BpmnModelInstance probeModel() {
    return Bpmn.createExecutableProcess(PROBE_PROCESS).name("Engine probe").startEvent()
        .serviceTask("probe", t -> t.zeebeJobType(PROBE_JOB)).endEvent().done();
  }

  private void check() {
    try {
      if (failedAttempts > 0) {
        return; // a heal is under way and its next attempt is scheduled: a probe starts nothing
      }
      Optional<String> failure = host.failure();
      if (failure.isPresent() && state != State.HEALING) {
        if (host.embedded() && selfHeal) {
          heal(failure.get());
        } else {
          markDown(failure.get());
        }
        return;
      }
      if (state == State.HEALING) {
        return;
      }
      Instant ok = lastProbeOk;
      // a probe waits behind everything the engine has queued: when the engine still makes
      // progress it is busy, not down (only an engine whose host can tell us so gets this benefit)
      Instant progress = host.lastProgress().orElse(null);
      Instant alive = progress != null && ok != null && progress.isAfter(ok) ? progress : ok;
      Duration silent = alive == null ? Duration.ZERO : Duration.between(alive, Instant.now());
      if (state == State.UP && silent.compareTo(downAfter) > 0) {
        markDown("the engine has not answered a probe for " + Duration.between(ok, Instant.now()).toSeconds()
            + " s" + (progress == null ? "" : " and has made no progress for " + silent.toSeconds() + " s"));
      }
      if (state == State.DOWN && host.embedded() && selfHeal && silent.compareTo(healAfter) > 0) {
        heal("the engine has not answered a probe for " + silent.toSeconds() + " s");
        return;
      }
      probe();
    } catch (RuntimeException e) {
      log.warn("engine check: {}", e.toString());
    }
  }

  private void probe() {
    if (probeOutstanding) {
      return;
    }
    probeOutstanding = true;
    long t0 = System.nanoTime();
    long generation = current.generation();
    try {
      client.newCreateInstanceCommand().bpmnProcessId(PROBE_PROCESS).latestVersion().withResult()
          .requestTimeout(probeTimeout).send().toCompletableFuture()
          .whenComplete((r, e) -> {
            probeOutstanding = false;
            if (e == null && generation == current.generation() && failedAttempts == 0) {
              lastProbeOk = Instant.now();
              lastProbeMillis = (System.nanoTime() - t0) / 1_000_000;
              if (state == State.DOWN) {
                log.warn("engine {} answers again (probe {} ms)", describe(generation), lastProbeMillis);
                current.accepting(true);
                setState(State.UP, null);
              }
            }
          });
    } catch (RuntimeException e) {
      probeOutstanding = false;
    }
  }

  private void markDown(String why) {
    if (state != State.DOWN) {
      log.error("ENGINE DOWN: {}. Applications, task completions and callbacks are stored and wait for it.", why);
      current.accepting(false);
      setState(State.DOWN, why);
    }
  }

  /** Replaces a failed in-process engine and resumes every open case; runs on the supervisor thread. */
  void heal(String why) {
    heal(why, false);
  }

  /**
   * {@code requested}: an administrator asked for it; nothing failed, so it is not logged as an
   * error, and during a heal's backoff it tries at once instead of waiting for the next attempt.
   * Returns whether an engine serves afterwards.
   */
  private boolean heal(String why, boolean requested) {
    if (!host.embedded() || !running || state == State.HEALING) {
      return false;
    }
    if (failedAttempts > 0) {
      if (!requested) {
        return false; // single flight: the heal under way tries again when its backoff ends
      }
      if (nextAttempt != null) {
        nextAttempt.cancel(false);
        nextAttempt = null;
      }
      log.warn("engine replacement requested during backoff ({}): trying now instead of at {}", why, nextAttemptAt);
      return attempt();
    }
    if (requested) {
      log.warn("ENGINE REPLACED: {}. Replacing it in-process and resuming every open case.", why);
    } else {
      log.error("ENGINE FAILED: {}. Replacing it in-process and resuming every open case.", why);
    }
    pendingReason = "HEAL";
    healCause = why;
    firstAttemptAt = Instant.now();
    return attempt();
  }

  /**
   * One attempt to start an engine (at start-up or to replace a failed one); on the supervisor
   * thread only, so there is never a second one in flight. A failure schedules the next attempt.
   */
  private boolean attempt() {
    nextAttempt = null;
    if (!running) {
      return false;
    }
    long t0 = System.nanoTime();
    current.accepting(false);
    setState("START".equals(pendingReason) ? State.STARTING : State.HEALING,
        failedAttempts == 0 ? healCause : state == State.DOWN ? reason : lastAttemptError, failedAttempts > 0);
    if (!workers.closeAndDrain(Duration.ofSeconds(30))) {
      log.warn("{} job handler(s) of the failed engine still running after 30 s", workers.inFlight());
    }
    long generation = 0;
    try {
      generation = generations.nextNumber();
      bringUp(generation, pendingReason, healCause);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError) {
        throw e;
      }
      // e.g. RocksDB's native library refusing: retried like the rest, never a silent dead supervisor
      failed(generation, generation == takenGeneration, e);
      return false;
    }
    int attempts = failedAttempts + 1;
    failedAttempts = 0;
    lastAttemptError = null;
    nextAttemptAt = null;
    if ("HEAL".equals(pendingReason)) {
      heals++;
      log.warn("engine healed: {} serving after {} ms{}; open cases are being resumed", describe(generation),
          (System.nanoTime() - t0) / 1_000_000, attempts > 1 ? " (attempt " + attempts + ", the first began at "
              + firstAttemptAt + ")" : "");
    } else if (attempts > 1) {
      log.warn("engine started: {} serving at attempt {} (the first began at {})", describe(generation), attempts,
          firstAttemptAt);
    }
    String budget = generationWarning(generation);
    if (budget != null) {
      log.warn(budget);
    }
    return true;
  }

  /** Says so once (one ERROR per attempt), and schedules the next attempt after the backoff. */
  private void failed(long generation, boolean taken, Throwable e) {
    failedAttempts++;
    lastAttemptError = rootMessage(e);
    Duration delay = backoff(failedAttempts);
    nextAttemptAt = Instant.now().plus(delay);
    log.error("ENGINE START FAILED (attempt {}, as generation {}{}): {}. Next attempt in {} s at {}; "
            + "applications, task completions and callbacks are stored and wait for it.", failedAttempts, generation,
        taken ? ", which had served and is used up" : ", which stays unused", lastAttemptError, delay.toMillis() / 1000.0,
        nextAttemptAt);
    setState(State.DOWN, "the engine could not be started (" + failedAttempts + " attempt" + (failedAttempts == 1 ? "" : "s")
        + "): " + lastAttemptError, true);
    try {
      nextAttempt = supervisor.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      // the application is stopping
    }
  }

  /** The wait after the n-th failed attempt in a row: initial × 2^(n−1), at most the ceiling. */
  Duration backoff(int failed) {
    int doublings = Math.min(Math.max(failed - 1, 0), 30);
    Duration d = healBackoffInitial.multipliedBy(1L << doublings);
    return d.compareTo(healBackoffMax) > 0 ? healBackoffMax : d;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root == e || String.valueOf(e.getMessage()).contains(String.valueOf(root.getMessage()))) {
      return String.valueOf(e.getMessage());
    }
    return e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  /**
   * Replaces the in-process engine now, as a heal does, at an administrator's request (for an
   * engine that is stuck, or when self-healing is switched off). Waits until the new one serves.
   * During a heal's backoff it makes the next attempt now. Fails when no engine serves afterwards.
   */
  public void replace(String reason) {
    boolean serving;
    try {
      serving = supervisor.submit(() -> heal(reason, true)).get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("replacing the engine failed: " + e.getMessage(), e);
    }
    if (!serving && state != State.UP) {
      throw new IllegalStateException("replacing the engine failed: " + (lastAttemptError == null ? reason : lastAttemptError)
          + (nextAttemptAt == null ? "" : "; next attempt at " + nextAttemptAt));
    }
  }

  /** Breaks the in-process engine as a crash would (fault drills; needs cardcase.engine.fault-injection=true). */
  public void injectFault() {
    host.injectFault();
  }

  private void setState(State s, String why) {
    setState(s, why, false);
  }

  /** {@code keepSince}: the same outage goes on (a heal's attempts), so "since" stays when it began. */
  private void setState(State s, String why, boolean keepSince) {
    boolean wasServing = state == State.UP;
    state = s;
    reason = why;
    if (!keepSince || wasServing) {
      since = Instant.now();
    }
  }

  private String describe(long generation) {
    return host.embedded() ? "generation " + generation : "(external)";
  }

  /**
   * The highest generation the embedded engine's keys can carry (51-bit keys, 2^40 a generation:
   * infra's {@code EmbeddedEngine.LAST_GENERATION}, which a test holds equal).
   */
  public static final long LAST_GENERATION = 2047;

  /** Below this many generation numbers left, every start says so (log, health, engine API). */
  public static final long GENERATIONS_WARN_BELOW = 100;

  /** How many more starts and heals the key layout allows after this generation. */
  public static long generationsLeft(long generation) {
    return LAST_GENERATION - generation;
  }

  /** The early warning of the generation budget, or null while it is far off. */
  public static String generationWarning(long generation) {
    long left = generationsLeft(generation);
    if (generation < 1 || left >= GENERATIONS_WARN_BELOW) {
      return null;
    }
    return "ENGINE GENERATIONS RUNNING LOW: generation " + generation + " of " + LAST_GENERATION
        + ", " + left + " starts or heals left; plan the move to a Camunda 8 cluster (external engine) before they run out";
  }

  public Status status() {
    return new Status(state, host.embedded(), current.generation(), since, reason, lastProbeOk, lastProbeMillis,
        resuming, toResume.get(), resumed.get(), resumeFailures.get(), heals, failedAttempts, lastAttemptError, nextAttemptAt);
  }

  /** Every start and heal of the in-process engine, newest first. */
  public List<EngineGenerations.Generation> history(int limit) {
    return generations.recent(limit);
  }
}
