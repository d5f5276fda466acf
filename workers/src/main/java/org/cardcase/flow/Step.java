package org.cardcase.flow;

import io.camunda.client.api.response.ActivatedJob;
import java.util.Map;
import java.util.Optional;

/** A job handler written as a lambda: the job type, and what to do for the job's case. */
public record Step(String jobType, Body body) implements CaseJobHandler {
  public interface Body {
    Map<String, Object> run(ActivatedJob job, String caseNumber) throws Exception;
  }

  @Override
  public Optional<Map<String, Object>> handle(ActivatedJob job) throws Exception {
    return Optional.of(body.run(job, CaseJobHandler.caseNumber(job)));
  }
}
