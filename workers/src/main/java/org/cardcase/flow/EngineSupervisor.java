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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
      long heals) {
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

  public EngineSupervisor(EngineHost host, CamundaClient client, ModelVersions versions, FormVersions forms, ProcessLinks links,
      ProcessStarter starter, JobWorkers workers, MessageInbox inbox, EngineGenerations generations, CurrentEngine current,
      AuditTrail audit, TransactionTemplate tx,
      @Value("${cardcase.engine.probe.interval:2s}") Duration probeInterval,
      @Value("${cardcase.engine.probe.timeout:6s}") Duration probeTimeout,
      @Value("${cardcase.engine.probe.down-after:8s}") Duration downAfter,
      @Value("${cardcase.engine.heal-after:60s}") Duration healAfter,
      @Value("${cardcase.engine.self-heal:true}") boolean selfHeal,
      @Value("${cardcase.recovery.sweep-interval:10s}") Duration sweepInterval,
      @Value("${cardcase.recovery.resume-concurrency:96}") int resumeConcurrency) {
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
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  @Override
  public void start() {
    long t0 = System.nanoTime();
    long generation = host.embedded() ? generations.next("START", null) : 0;
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
      bringUp(generation, "START", null);
    } catch (RuntimeException e) {
      running = false;
      throw e;
    }
    supervisor.scheduleWithFixedDelay(this::check, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    sweeper.scheduleWithFixedDelay(this::sweep, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
    log.info("engine {} ready in {} ms; open cases are resumed in the background", describe(generation),
        (System.nanoTime() - t0) / 1_000_000);
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

  private void resumePass(long generation, Page page, java.util.function.Predicate<ProcessLink> lost) {
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
            if (e == null && generation == current.generation()) {
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

  /** {@code requested}: an administrator asked for it; nothing failed, so it is not logged as an error. */
  private void heal(String why, boolean requested) {
    if (!host.embedded() || state == State.HEALING || !running) {
      return;
    }
    long t0 = System.nanoTime();
    if (requested) {
      log.warn("ENGINE REPLACED: {}. Replacing it in-process and resuming every open case.", why);
    } else {
      log.error("ENGINE FAILED: {}. Replacing it in-process and resuming every open case.", why);
    }
    current.accepting(false);
    setState(State.HEALING, why);
    if (!workers.closeAndDrain(Duration.ofSeconds(30))) {
      log.warn("{} job handler(s) of the failed engine still running after 30 s", workers.inFlight());
    }
    long generation = generations.next("HEAL", why);
    try {
      bringUp(generation, "HEAL", why);
      heals++;
      log.warn("engine healed: {} serving after {} ms; open cases are being resumed", describe(generation),
          (System.nanoTime() - t0) / 1_000_000);
    } catch (RuntimeException e) {
      log.error("replacing the engine failed ({}); trying again in 10 s", e.toString());
      setState(State.DOWN, "replacing the engine failed: " + e.getMessage());
      supervisor.schedule(() -> heal(why, requested), 10, TimeUnit.SECONDS);
    }
  }

  /**
   * Replaces the in-process engine now, as a heal does, at an administrator's request (for an
   * engine that is stuck, or when self-healing is switched off). Waits until the new one serves.
   */
  public void replace(String reason) {
    try {
      supervisor.submit(() -> heal(reason, true)).get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("replacing the engine failed: " + e.getMessage(), e);
    }
  }

  /** Breaks the in-process engine as a crash would (fault drills; needs cardcase.engine.fault-injection=true). */
  public void injectFault() {
    host.injectFault();
  }

  private void setState(State s, String why) {
    state = s;
    reason = why;
    since = Instant.now();
  }

  private String describe(long generation) {
    return host.embedded() ? "generation " + generation : "(external)";
  }

  public Status status() {
    return new Status(state, host.embedded(), current.generation(), since, reason, lastProbeOk, lastProbeMillis,
        resuming, toResume.get(), resumed.get(), resumeFailures.get(), heals);
  }

  /** Every start and heal of the in-process engine, newest first. */
  public List<EngineGenerations.Generation> history(int limit) {
    return generations.recent(limit);
  }
}
