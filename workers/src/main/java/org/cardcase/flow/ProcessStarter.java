package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientStatusException;
import io.camunda.client.api.command.CreateProcessInstanceCommandStep1;
import io.camunda.client.api.response.ProcessInstanceEvent;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.cardcase.audit.AuditTrail;
import org.cardcase.processes.CaseFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts a stored case's process instance, or gives an engine that lost it the case back. Nothing
 * here waits for the engine on a caller's thread: the case is already committed in PostgreSQL, the
 * engine's answer is recorded when it comes, and a start that fails is left to the sweeper.
 */
@Component
public class ProcessStarter {
  private static final Logger log = LoggerFactory.getLogger(ProcessStarter.class);
  /** Variable an instance carries so that its first step can tell a duplicate start. */
  public static final String VAR_START_TOKEN = "_startToken";
  private final CamundaClient client;
  private final ProcessLinks links;
  private final MessageInbox inbox;
  private final AuditTrail audit;
  private final CurrentEngine engine;
  private final ModelVersions versions;
  /**
   * Nobody waits for a start or a resume, so it may wait behind a busy engine's backlog for long;
   * a short timeout would only start the case a second time (which then stops itself) and add load.
   */
  static final Duration ENGINE_BACKLOG_WAIT = Duration.ofMinutes(2);
  /** What follows an engine answer runs here, never on the client's response threads (it writes to PostgreSQL). */
  static final Executor AFTER_ENGINE = Executors.newVirtualThreadPerTaskExecutor();
  /**
   * Starts in flight at once. This is the engine's back-pressure: a case is committed and answered
   * at once, but it enters the engine only as fast as the engine takes starts, so a burst of
   * applications queues here instead of growing the engine's backlog until its answers time out.
   */
  private final Semaphore inFlight;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  private final TransactionTemplate tx;

  public ProcessStarter(CamundaClient client, ProcessLinks links, MessageInbox inbox, AuditTrail audit, CurrentEngine engine,
      ModelVersions versions, TransactionTemplate tx,
      @Value("${cardcase.engine.starts-in-flight:16}") int startsInFlight) {
    this.tx = tx;
    this.versions = versions;
    this.inFlight = new Semaphore(startsInFlight);
    Thread.ofVirtual().name("process-starter").start(this::dispatch);
    this.audit = audit;
    this.client = client;
    this.links = links;
    this.inbox = inbox;
    this.engine = engine;
  }

  /**
   * A start waiting in the queue: a new case's, claimed when its link was written ({@code claimed}),
   * or the sweeper's (null: claimed when it is sent).
   */
  private record Pending(String caseNumber, ProcessLink claimed) {}

  /**
   * Gives a case being stored its process: writes its link once, whole and claimed for its first
   * start, in the caller's transaction, and sends the start when that transaction commits (at once
   * outside one). A rollback leaves neither a link nor a start.
   */
  public void open(String caseNumber, String processId, Map<String, Object> variables) {
    Pending start = new Pending(caseNumber, links.create(caseNumber, processId, versions.current(processId), variables));
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          enqueue(start);
        }
      });
    } else {
      enqueue(start);
    }
  }

  /**
   * Starts the case's instance soon, without waiting: it is queued and sent as the engine takes
   * starts. Safe to call twice (queued once) and after a crash (the sweeper finds unstarted cases).
   */
  public void startSoon(String caseNumber) {
    enqueue(new Pending(caseNumber, null));
  }

  private void enqueue(Pending start) {
    if (queued.add(start.caseNumber())) {
      queue.add(start);
    }
  }

  /** Cases waiting in this application for their start. */
  public int waitingToStart() {
    return queue.size();
  }

  private void dispatch() {
    while (true) {
      Pending next;
      try {
        next = queue.take();
        inFlight.acquire();
      } catch (InterruptedException e) {
        return;
      }
      queued.remove(next.caseNumber());
      try {
        start(next).whenComplete((ok, error) -> inFlight.release());
      } catch (RuntimeException e) {
        inFlight.release();
        log.warn("could not start the process of case {}: {}; the sweeper tries again", next.caseNumber(), e.toString());
      }
    }
  }

  /**
   * Asks the engine to start the case's instance from its start event, without waiting for it.
   * The future says whether this call started it (false: another caller has it, the engine is
   * away, or it refused; the sweeper tries again). Only the queue calls it ({@link #open},
   * {@link #startSoon}), which keeps the number of starts in flight bounded.
   */
  private CompletableFuture<Boolean> start(Pending pending) {
    String caseNumber = pending.caseNumber();
    if (!engine.accepting()) {
      if (pending.claimed() != null) {
        // not sent: the sweeper may start it as soon as the engine takes starts again
        links.releaseStart(caseNumber, pending.claimed().startToken());
      }
      return CompletableFuture.completedFuture(false);
    }
    ProcessLink link = pending.claimed() != null ? pending.claimed() : links.claimStart(caseNumber).orElse(null);
    if (link == null) {
      return CompletableFuture.completedFuture(false);
    }
    String token = link.startToken();
    long generation = engine.generation();
    Map<String, Object> vars = new HashMap<>(link.variables());
    vars.put(VAR_START_TOKEN, token);
    // on the version that is current now, by the engine's key for it (never "the engine's latest",
    // which on an engine that keeps its state may be a version this system did not keep); the link
    // was written with the version current then, and is told only if another one was kept since
    Integer version = versions.current(link.bpmnProcessId());
    Long key = versions.definitionKey(link.bpmnProcessId(), version);
    if (version != null && !version.equals(link.modelVersion())) {
      links.recordModelVersion(caseNumber, version);
    }
    return createOn(link.bpmnProcessId(), key).variables(vars)
        .requestTimeout(ENGINE_BACKLOG_WAIT).send().toCompletableFuture()
        .handleAsync((pi, error) -> {
          if (error != null) {
            log.warn("could not start the process of case {}: {}; the sweeper tries again", caseNumber, error.getMessage());
            if (!(rootCause(error) instanceof ClientStatusException e && e.getStatusCode() == Status.Code.DEADLINE_EXCEEDED)) {
              // refused or not sent: may be tried again at once. After a timeout the engine may
              // still start it, so the claim stands for its 30 s (a duplicate would stop itself).
              links.releaseStart(caseNumber, token);
            }
            return false;
          }
          links.recordInstance(caseNumber, pi.getProcessInstanceKey(), generation);
          return true;
        }, AFTER_ENGINE);
  }

  /** A new instance of the process version with this engine key; the engine's latest when it has no key for it. */
  private CreateProcessInstanceCommandStep1.CreateProcessInstanceCommandStep3 createOn(
      String processId, Long key) {
    var create = client.newCreateInstanceCommand();
    return key != null ? create.processDefinitionKey(key) : create.bpmnProcessId(processId).latestVersion();
  }

  private static Throwable rootCause(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Does the engine still know this instance? Asked by setting a harmless variable on it (external engines). */
  public boolean engineKnows(ProcessLink link) {
    try {
      client.newSetVariablesCommand(link.processInstanceKey())
          .variables(Map.of("lastRecoveryCheck", Instant.now().toString())).local(true).send().join();
      return true;
    } catch (ClientStatusException e) {
      if (e.getStatusCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Creates a new instance of the case's process that starts right at the wait state recorded in
   * PostgreSQL, with the variables it had there (deadlines included, so timers fire as before).
   * Completes when the engine has it and PostgreSQL knows.
   */
  public CompletableFuture<Long> resume(ProcessLink link, long generation) {
    return resume(link, generation, null);
  }

  /**
   * As {@link #resume(ProcessLink, long)}, with the case's unconsumed messages already read (a
   * resume of many cases reads them for a page of cases at once); null reads them here.
   */
  public CompletableFuture<Long> resume(ProcessLink link, long generation, List<MessageInbox.Message> unconsumed) {
    Map<String, Object> vars = new HashMap<>(link.variables());
    // on the version the case ran on (or was migrated to); the current one if the engine lacks it
    Long key = versions.definitionKey(link.bpmnProcessId(), link.modelVersion());
    Integer version = key != null ? link.modelVersion() : versions.current(link.bpmnProcessId());
    if (key == null) {
      key = versions.definitionKey(link.bpmnProcessId(), version);
      if (link.modelVersion() != null) {
        log.warn("case {} ran on {} version {}, which the engine does not have; resuming it on version {}",
            link.caseNumber(), link.bpmnProcessId(), link.modelVersion(), version);
      }
    }
    var cmd = createOn(link.bpmnProcessId(), key);
    cmd.requestTimeout(ENGINE_BACKLOG_WAIT);
    CompletableFuture<ProcessInstanceEvent> created;
    if (link.waitElement() == null) {
      // never reached a wait state: run it again from the start (the workers are idempotent); its
      // first step tells it from an instance the old engine started by this token
      vars.put(VAR_START_TOKEN, links.newStartToken(link.caseNumber()));
      created = cmd.variables(vars).send().toCompletableFuture();
    } else {
      vars.put(CaseFlow.VAR_RESUME_SEQ, link.waitSeq());
      // a wait inside a called process resumes before its call activity: the called process runs
      // its automated steps again (idempotent) and its checkpoint finds the same visit
      created = cmd.variables(vars).startBeforeElement(ProcessCatalog.resumeElement(link.waitElement())).send()
          .toCompletableFuture();
    }
    return created.thenApplyAsync(pi -> {
      tx.executeWithoutResult(s -> {
        links.recordResumed(link.caseNumber(), pi.getProcessInstanceKey(), generation, version);
        audit.append(AuditTrail.ofCase(link.caseNumber()), "resume:" + generation + ":" + pi.getProcessInstanceKey(),
            "system", null, "CASE_RESUMED",
            Map.of("step", String.valueOf(link.waitElement()), "engineGeneration", generation,
                "modelVersion", String.valueOf(version)));
      });
      if (unconsumed == null) {
        inbox.republishUnconsumed(link.caseNumber());
      } else {
        inbox.republish(unconsumed);
      }
      log.debug("resumed case {} at {} as instance {}", link.caseNumber(),
          link.waitElement() == null ? "the start" : link.waitElement(), pi.getProcessInstanceKey());
      return pi.getProcessInstanceKey();
    }, AFTER_ENGINE);
  }
}
