package org.cardcase.search;

import java.time.Duration;
import java.time.Instant;
import org.cardcase.cases.CaseRecord;
import org.cardcase.tasks.TaskStore;

/**
 * A human task as the read model holds it, with what the dashboard counts by: the case's type,
 * channel and bank, whether it is still open, and how long it took. No personal data.
 *
 * @param hoursAtStep from the task's creation to its completion (how long the case waited there)
 * @param workHours from claim (or creation, if never claimed) to completion (how long a person had it)
 * @param onTime completed by its deadline; null when it had none
 */
public record TaskDocument(
    long taskId, String caseNumber, String caseType, String processId, String step, String group, String assignee,
    boolean open, String channel, String issuingBank, Instant createdAt, Instant dueAt, Instant claimedAt,
    Instant completedAt, String completedBy, Double hoursAtStep, Double workHours, Boolean onTime) {

  static TaskDocument of(TaskStore.TaskHistory t, CaseRecord c) {
    boolean completed = t.completedAt() != null;
    Instant workStart = t.claimedAt() != null && completed && t.claimedAt().isBefore(t.completedAt()) ? t.claimedAt() : t.createdAt();
    return new TaskDocument(t.id(), t.caseNumber(), c.caseType(), t.processId(), t.elementId(), t.candidateGroup(),
        t.assignee(), "OPEN".equals(t.state()) && c.closedAt() == null, c.channel(), c.issuingBank(), t.createdAt(),
        t.dueAt(), t.claimedAt(), t.completedAt(), t.completedBy(),
        completed ? hours(t.createdAt(), t.completedAt()) : null, completed ? hours(workStart, t.completedAt()) : null,
        completed && t.dueAt() != null ? !t.completedAt().isAfter(t.dueAt()) : null);
  }

  /** Hours from one instant to another, to a tenth (the read model's unit for time spent). */
  static double hours(Instant from, Instant to) {
    return Math.round(Duration.between(from, to).toMinutes() / 6.0) / 10.0;
  }
}
