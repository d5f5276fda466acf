package org.cardcase.flow;

import io.camunda.client.api.response.ActivatedJob;

/**
 * What became of an automated step, published (synchronously, on the job's thread) for packages
 * above the engine glue that keep records of it: the incidents a supervisor acts on.
 */
public sealed interface StepOutcome {
  String caseNumber();

  String elementId();

  /**
   * The step failed and has no retries left: the engine raised an incident and the case waits
   * there until a person acts (or until a resume after a restart runs the step again).
   */
  record OutOfRetries(String caseNumber, String processId, String elementId, String jobType, String error,
      long generation, long processInstanceKey, long elementInstanceKey, long jobKey) implements StepOutcome {}

  /**
   * The step did its work and its job was completed. Published for every job, so the case number
   * (which means reading the job's variables) is only worked out when a listener asks for it.
   */
  record Succeeded(ActivatedJob job) implements StepOutcome {
    @Override
    public String caseNumber() {
      return CaseJobHandler.caseNumberIfAny(job).orElse(null);
    }

    @Override
    public String elementId() {
      return job.getElementId();
    }
  }
}
