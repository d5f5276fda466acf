package org.cardcase.flow;

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

  /** The step did its work and its job was completed. */
  record Succeeded(String caseNumber, String elementId) implements StepOutcome {}
}
