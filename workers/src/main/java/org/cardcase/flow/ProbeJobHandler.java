package org.cardcase.flow;

import io.camunda.client.api.response.ActivatedJob;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The probe's one step: done at once, so a probe that finishes proves the engine and the job workers work. */
@Component
public class ProbeJobHandler implements CaseJobHandler {
  @Override
  public String jobType() {
    return EngineSupervisor.PROBE_JOB;
  }

  @Override
  public Optional<Map<String, Object>> handle(ActivatedJob job) {
    return Optional.of(Map.of());
  }

  @Override
  public Duration timeout() {
    return Duration.ofSeconds(10);
  }
}
