package org.cardcase.tasks;

import java.time.Instant;

/** A human task in our own task store (the engine sees it as an activated job). */
public record HumanTask(
    long id, String caseNumber, String elementId, int waitSeq, Long jobKey, String formKey,
    String candidateGroup, String assignee, String state, Instant dueAt, Instant createdAt) {

  /** False for an alert for a person: no job waits on it, and the task store carries out its decision. */
  public boolean backedByJob() {
    return jobKey != null && jobKey != 0L;
  }

  public boolean open() {
    return "OPEN".equals(state);
  }
}
