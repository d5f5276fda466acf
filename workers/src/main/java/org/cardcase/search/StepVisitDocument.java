package org.cardcase.search;

import java.time.Instant;
import java.time.LocalDate;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;

/**
 * A stay of a case at a step, as the read model holds it: what the heatmap on the diagram counts
 * (time spent at each element, and who is there now) and what the breach forecast learns from.
 * No personal data.
 *
 * @param hours how long the stay lasted; null while the case is still there
 * @param waiting the case is there now (the stay has not ended and the case is open)
 * @param workingDays working days the stay lasted (the unit of the deadlines); null while it goes on
 * @param dueAt the deadline of the step (its task's, or its timer's), if it has one
 * @param allowedWorkingDays working days from entering the step to that deadline
 * @param late the stay ended after its deadline; null while it goes on or without a deadline (what the forecast is checked against)
 */
public record StepVisitDocument(String id, String caseNumber, String caseType, String step, String channel,
    String issuingBank, Instant enteredAt, Instant leftAt, Double hours, boolean waiting, Integer workingDays,
    Instant dueAt, Integer allowedWorkingDays, Boolean late) {

  static StepVisitDocument of(CaseRepository.StepVisit v, int seq, CaseRecord c, WorkingDayCalendar calendar, Instant dueAt) {
    boolean waiting = v.leftAt() == null && c.closedAt() == null;
    // a stay that never ended in a case that did (an old row) has no deadline to be judged by
    Instant due = waiting || v.leftAt() != null ? dueAt : null;
    return new StepVisitDocument(c.caseNumber() + "/" + seq, c.caseNumber(), c.caseType(), v.step(), c.channel(),
        c.issuingBank(), v.enteredAt(), v.leftAt(),
        v.leftAt() == null ? null : TaskDocument.hours(v.enteredAt(), v.leftAt()), waiting,
        v.leftAt() == null ? null : calendar.workingDaysBetween(day(v.enteredAt()), day(v.leftAt())),
        due, due == null ? null : calendar.workingDaysBetween(day(v.enteredAt()), day(due)),
        due == null || v.leftAt() == null ? null : v.leftAt().isAfter(due));
  }

  /** The day in China of an instant (working days are counted between such days). */
  public static LocalDate day(Instant t) {
    return t.atZone(WorkingDayCalendar.ZONE).toLocalDate();
  }
}
