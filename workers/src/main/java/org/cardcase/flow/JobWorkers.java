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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Opens one Zeebe job worker per {@link CaseJobHandler} bean, with uniform failure handling. */
@Component
public class JobWorkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobWorkers.class);
  private final CamundaClient client;
  private final List<CaseJobHandler> handlers;
  private final List<JobWorker> open = new ArrayList<>();

  private final Duration backoff;

  public JobWorkers(CamundaClient client, List<CaseJobHandler> handlers,
      @org.springframework.beans.factory.annotation.Value("${cardcase.jobs.retry-backoff:5s}") Duration backoff) {
    this.backoff = backoff;
    this.client = client;
    this.handlers = handlers;
  }

  public synchronized void openAll() {
    if (!open.isEmpty()) {
      return;
    }
    for (CaseJobHandler h : handlers) {
      open.add(client.newWorker().jobType(h.jobType()).handler((jc, job) -> run(h, jc, job))
          .name("cardcase-" + h.jobType()).timeout(h.timeout()).maxJobsActive(4)
          .pollInterval(Duration.ofMillis(200)).open());
    }
    log.info("opened {} job workers: {}", open.size(), handlers.stream().map(CaseJobHandler::jobType).toList());
  }

  private void run(CaseJobHandler h, JobClient jc, ActivatedJob job) {
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
      return;
    }
    result.ifPresent(vars -> jc.newCompleteCommand(job).variables(vars).send().join());
  }

  @Override
  public synchronized void close() {
    open.forEach(JobWorker::close);
    open.clear();
  }
}
