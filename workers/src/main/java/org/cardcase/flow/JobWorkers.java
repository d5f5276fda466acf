package org.cardcase.flow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.api.worker.JobClient;
import io.camunda.client.api.worker.JobWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.cardcase.processes.CaseFlow;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Opens one Zeebe job worker per {@link CaseJobHandler} bean, with uniform failure handling. Jobs
 * are pushed by the engine as they are created (job streaming); polling is only the fallback for
 * jobs that time out. Handlers run on virtual threads (see the client's configuration), so a step
 * that waits for an outside system does not hold up the others.
 */
@Component
public class JobWorkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobWorkers.class);
  private final CamundaClient client;
  private final List<CaseJobHandler> handlers;
  private final List<JobWorker> open = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Duration backoff;
  private final int maxJobsActive;
  private final Duration pollInterval;
  private final ApplicationEventPublisher events;
  private final CurrentEngine engine;

  private final StepResults stepResults;

  public JobWorkers(CamundaClient client, List<CaseJobHandler> handlers, ApplicationEventPublisher events,
      CurrentEngine engine, StepResults stepResults,
      @Value("${cardcase.jobs.retry-backoff:5s}") Duration backoff,
      @Value("${cardcase.jobs.max-active-per-type:32}") int maxJobsActive,
      @Value("${cardcase.jobs.poll-interval:5s}") Duration pollInterval) {
    this.backoff = backoff;
    this.stepResults = stepResults;
    this.events = events;
    this.engine = engine;
    this.client = client;
    this.handlers = handlers;
    this.maxJobsActive = maxJobsActive;
    this.pollInterval = pollInterval;
  }

  public synchronized void openAll() {
    if (!open.isEmpty()) {
      return;
    }
    for (CaseJobHandler h : handlers) {
      open.add(client.newWorker().jobType(h.jobType()).handler((jc, job) -> run(h, jc, job))
          .name("cardcase-" + h.jobType()).timeout(h.timeout()).maxJobsActive(maxJobsActive)
          .streamEnabled(true).pollInterval(pollInterval).open());
    }
    log.info("opened {} job workers: {}", open.size(), handlers.stream().map(CaseJobHandler::jobType).toList());
  }

  private void run(CaseJobHandler h, JobClient jc, ActivatedJob job) {
    inFlight.incrementAndGet();
    try {
      Optional<Map<String, Object>> result;
      try {
        result = h.handle(job);
      } catch (Exception e) {
        int retries = Math.max(job.getRetries() - 1, 0);
        log.warn("job {} ({}) at {} failed, {} retries left: {}", job.getKey(), job.getType(), job.getElementId(), retries, e.toString());
        // doubling backoff per failed attempt, at most a minute
        long factor = 1L << Math.min(6, Math.max(0, 5 - retries));
        Duration wait = backoff.multipliedBy(factor).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : backoff.multipliedBy(factor);
        jc.newFailCommand(job).retries(retries).retryBackoff(wait)
            .errorMessage(String.valueOf(e.getMessage())).send();
        if (retries == 0) {
          outOfRetries(job, e);
        }
        return;
      }
      if (result.isPresent()) {
        keep(job, result.get());
        try {
          jc.newCompleteCommand(job).variables(result.get()).send().join();
          publish(new StepOutcome.Succeeded(job), job);
        } catch (RuntimeException e) {
          // the step's effect is stored; the engine delivers the job again (or a resume does) and
          // the idempotent handler finds it done
          log.info("job {} ({}) done but its completion was not taken: {}", job.getKey(), job.getType(), e.getMessage());
        }
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** What an automated step decided, for trying drafts on the case later; not needed for running it. */
  private void keep(ActivatedJob job, Map<String, Object> result) {
    if (result.isEmpty() || job.getType().equals(CaseFlow.CHECKPOINT_LISTENER)) {
      return;
    }
    try {
      CaseJobHandler.caseNumberIfAny(job).ifPresent(cn -> stepResults.record(cn, job.getElementId(), job.getKey(), result));
    } catch (RuntimeException e) {
      log.warn("job {} ({}): its result could not be kept for trials: {}", job.getKey(), job.getType(), e.toString());
    }
  }

  private void outOfRetries(ActivatedJob job, Exception e) {
    String cn = CaseJobHandler.caseNumberIfAny(job).orElse(null);
    log.error("case {}: step {} ({}) failed for good, an incident waits for a supervisor: {}", cn, job.getElementId(),
        job.getType(), e.toString());
    publish(new StepOutcome.OutOfRetries(cn, job.getBpmnProcessId(), job.getElementId(), job.getType(),
        String.valueOf(e.getMessage()), engine.generation(), job.getProcessInstanceKey(), job.getElementInstanceKey(),
        job.getKey()), job);
  }

  private void publish(StepOutcome outcome, ActivatedJob job) {
    if (outcome instanceof StepOutcome.OutOfRetries f && f.caseNumber() == null) {
      return; // the engine's own probe, or a job without a case: nothing to keep
    }
    try {
      events.publishEvent(outcome);
    } catch (RuntimeException e) {
      // the step itself is done or failed as the engine was told; only the record of it is missing
      log.warn("job {} ({}): could not record {}: {}", job.getKey(), job.getType(), outcome.getClass().getSimpleName(),
          e.toString());
    }
  }

  /**
   * Stops taking jobs and waits for the handlers still running, so that nothing from an engine
   * about to be replaced writes to PostgreSQL after the replacement has begun.
   */
  public synchronized boolean closeAndDrain(Duration timeout) {
    close();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return inFlight.get() == 0;
  }

  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public synchronized void close() {
    open.forEach(JobWorker::close);
    open.clear();
  }
}
