package org.cardcase.application;

import static org.cardcase.processes.CardApplicationProcess.END_REJECTED;
import static org.cardcase.processes.CardApplicationProcess.REGISTER;
import static org.cardcase.processes.CardApplicationProcess.VAR_RESUBMISSION_DUE_AT;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.flow.CurrentEngine;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.notifications.Notifications;
import org.cardcase.verification.Verification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A card application as its automated steps move it before a card is made: registered, sent back
 * for a resubmission, rejected. Each method is one step, safe to run twice.
 */
@Service
public class ApplicationProgress {
  private final CaseRepository cases;
  private final ProcessLinks links;
  private final CurrentEngine engine;
  private final Verification verification;
  private final CaseDeadlines caseDeadlines;
  private final CardLifecycle cards;
  private final Notifications notifications;
  private final DeadlineRules deadlines;
  private final Clock clock;
  private final TransactionTemplate tx;

  public ApplicationProgress(CaseRepository cases, ProcessLinks links, CurrentEngine engine, Verification verification,
      CaseDeadlines caseDeadlines, CardLifecycle cards, Notifications notifications, DeadlineRules deadlines, Clock clock,
      TransactionTemplate tx) {
    this.cases = cases;
    this.links = links;
    this.engine = engine;
    this.verification = verification;
    this.caseDeadlines = caseDeadlines;
    this.cards = cards;
    this.notifications = notifications;
    this.deadlines = deadlines;
    this.clock = clock;
    this.tx = tx;
  }

  /** The case runs as this instance (kept the first time) and is in progress. */
  public void register(String caseNumber, long processInstanceKey) {
    tx.executeWithoutResult(s -> {
      links.recordInstance(caseNumber, processInstanceKey, engine.generation()); // only where none is kept yet
      if (cases.changeStatus(caseNumber, CaseStatus.IN_PROGRESS, "registered")) {
        cases.moveTo(caseNumber, REGISTER);
      }
    });
  }

  /**
   * Not verified in this round: the case waits for a resubmission until the returned deadline
   * (counted again for each round) and the applicant is told why, once per round.
   */
  public Instant askForResubmission(String caseNumber, String reason, boolean newPhoto) {
    CaseRecord c = cases.get(caseNumber);
    int round = verification.currentRound(caseNumber);
    Instant due = tx.execute(s -> {
      cases.changeStatus(caseNumber, CaseStatus.AWAITING_RESUBMISSION, "round-" + round);
      return caseDeadlines.again(caseNumber, VAR_RESUBMISSION_DUE_AT, clock.instant(), deadlines.getResubmissionWorkingDays());
    });
    notifications.send(caseNumber, caseNumber + ":not-verified:" + round, c.phone(),
        newPhoto ? "new-photo-requested" : "verification-rejected",
        Map.of("caseNumber", caseNumber, "reason", reason, "dueDate", WorkingDayCalendar.dayOf(due)));
    return due;
  }

  /** Not verified and not resubmitted in time: the card is cancelled, the case closes rejected. */
  public void reject(String caseNumber, Object why) {
    CaseRecord c = cases.get(caseNumber);
    tx.executeWithoutResult(s -> {
      cards.move(cards.ofCase(caseNumber).cardId(), CardState.CANCELLED, "system", null,
          "application closed: not verified and not resubmitted in time (" + (why == null ? "no reason given" : why) + ")",
          "rejected");
      if (cases.changeStatus(caseNumber, CaseStatus.REJECTED, "closed")) {
        cases.close(caseNumber, END_REJECTED);
      }
    });
    notifications.send(caseNumber, caseNumber + ":rejected", c.phone(), "application-rejected", Map.of("caseNumber", caseNumber));
  }
}
