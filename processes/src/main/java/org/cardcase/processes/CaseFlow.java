package org.cardcase.processes;

/** Job types and variables every case process shares. */
public final class CaseFlow {
  private CaseFlow() {}

  /** Start execution listener on every wait state: records in PostgreSQL where the case waits. */
  public static final String CHECKPOINT_LISTENER = "case.checkpoint";
  /** End listener of every case process: the case's process is over, nothing to resume. */
  public static final String PROCESS_ENDED_LISTENER = "case.process-ended";
  /** Job type of job-worker user tasks (a bpmn:userTask without zeebe:userTask). */
  public static final String USER_TASK_JOB = "io.camunda.zeebe:userTask";

  /** Correlation key of every case message and the business key of every instance. */
  public static final String VAR_CASE_NUMBER = "caseNumber";
  /** Set only on an instance resumed from a checkpoint: the checkpoint's sequence number. */
  public static final String VAR_RESUME_SEQ = "resumeSeq";
  /** Set by a message's payload: the id of the inbound message that moved the case on. */
  public static final String VAR_CONSUMED_MESSAGE_ID = "consumedMessageId";
}
