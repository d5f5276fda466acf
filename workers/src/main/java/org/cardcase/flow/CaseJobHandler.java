package org.cardcase.flow;

import io.camunda.client.api.response.ActivatedJob;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.cardcase.processes.CaseFlow;

/**
 * One automated step. Implementations are thin: read the job, call a domain service, return the
 * variables to complete with. Zeebe delivers at least once, so every handler must be idempotent.
 */
public interface CaseJobHandler {

  String jobType();

  /**
   * Does the step. Returns the variables to complete the job with, or empty to leave the job
   * activated (a human task that a person completes later). An exception fails the job; the
   * engine retries it with backoff and raises an incident when retries run out.
   */
  Optional<Map<String, Object>> handle(ActivatedJob job) throws Exception;

  default Duration timeout() {
    return Duration.ofMinutes(2);
  }

  static String caseNumber(ActivatedJob job) {
    return caseNumberIfAny(job).orElseThrow(() ->
        new IllegalStateException("job " + job.getKey() + " (" + job.getType() + ") has no caseNumber variable"));
  }

  /** The job's case, if it has one (the engine's probe has none). Reads the job's variables. */
  static Optional<String> caseNumberIfAny(ActivatedJob job) {
    return job.getVariablesAsMap().get(CaseFlow.VAR_CASE_NUMBER) instanceof String s && !s.isBlank()
        ? Optional.of(s) : Optional.empty();
  }
}
