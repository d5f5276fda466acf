package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientStatusException;
import io.camunda.client.api.response.ProcessInstanceEvent;
import io.grpc.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.cardcase.audit.AuditTrail;
import org.cardcase.processes.CaseFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

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
  /** What follows an engine answer runs here, never on the client's response threads (it writes to PostgreSQL). */
  static final java.util.concurrent.Executor AFTER_ENGINE = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
  /** Starts in flight at once; beyond that a start is left to the sweeper rather than queued without bound. */
  private final Semaphore inFlight = new Semaphore(256);

  private final org.springframework.transaction.support.TransactionTemplate tx;

  public ProcessStarter(CamundaClient client, ProcessLinks links, MessageInbox inbox, AuditTrail audit, CurrentEngine engine,
      org.springframework.transaction.support.TransactionTemplate tx) {
    this.tx = tx;
    this.audit = audit;
    this.client = client;
    this.links = links;
    this.inbox = inbox;
    this.engine = engine;
  }

  /**
   * Asks the engine to start the case's instance from its start event, without waiting for it.
   * The future says whether this call started it (false: another caller has it, the engine is
   * away, or it refused; the sweeper tries again).
   */
  public CompletableFuture<Boolean> start(String caseNumber) {
    if (!engine.accepting() || !inFlight.tryAcquire()) {
      return CompletableFuture.completedFuture(false);
    }
    String token;
    ProcessLink link;
    try {
      token = links.claimStart(caseNumber);
      link = token == null ? null : links.find(caseNumber).orElseThrow();
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    if (token == null) {
      inFlight.release();
      return CompletableFuture.completedFuture(false);
    }
    long generation = engine.generation();
    Map<String, Object> vars = new HashMap<>(link.variables());
    vars.put(VAR_START_TOKEN, token);
    return client.newCreateInstanceCommand().bpmnProcessId(link.bpmnProcessId()).latestVersion().variables(vars)
        .send().toCompletableFuture()
        .handleAsync((pi, error) -> {
          inFlight.release();
          if (error != null) {
            log.warn("could not start the process of case {}: {}; the sweeper tries again", caseNumber, error.getMessage());
            links.releaseStart(caseNumber, token);
            return false;
          }
          links.recordInstance(caseNumber, pi.getProcessInstanceKey(), generation);
          return true;
        }, AFTER_ENGINE);
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
    Map<String, Object> vars = new HashMap<>(link.variables());
    vars.put(VAR_START_TOKEN, links.newStartToken(link.caseNumber()));
    var cmd = client.newCreateInstanceCommand().bpmnProcessId(link.bpmnProcessId()).latestVersion();
    CompletableFuture<ProcessInstanceEvent> created;
    if (link.waitElement() == null) {
      // never reached a wait state: run it again from the start (the workers are idempotent)
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
        links.recordResumed(link.caseNumber(), pi.getProcessInstanceKey(), generation);
        audit.append(AuditTrail.ofCase(link.caseNumber()), "resume:" + generation + ":" + pi.getProcessInstanceKey(),
            "system", null, "CASE_RESUMED",
            Map.of("step", String.valueOf(link.waitElement()), "engineGeneration", generation));
      });
      inbox.republishUnconsumed(link.caseNumber());
      log.debug("resumed case {} at {} as instance {}", link.caseNumber(),
          link.waitElement() == null ? "the start" : link.waitElement(), pi.getProcessInstanceKey());
      return pi.getProcessInstanceKey();
    }, AFTER_ENGINE);
  }
}
