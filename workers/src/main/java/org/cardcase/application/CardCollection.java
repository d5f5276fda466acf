package org.cardcase.application;

import static org.cardcase.processes.CardApplicationProcess.END_COMPLETED;
import static org.cardcase.processes.CardApplicationProcess.END_UNCOLLECTED;
import static org.cardcase.processes.CardApplicationProcess.ESCALATE_UNCOLLECTED;
import static org.cardcase.processes.CardApplicationProcess.FORM_CARD_UNCOLLECTED;
import static org.cardcase.processes.CardApplicationProcess.GROUP_SUPERVISORS;
import static org.cardcase.processes.CardApplicationProcess.VAR_COLLECTION_FINAL_DUE_AT;
import static org.cardcase.processes.CardApplicationProcess.VAR_COLLECTION_REMINDER_AT;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.loss.MedicalSettlement;
import org.cardcase.notifications.Notifications;
import org.cardcase.shared.ReferenceData;
import org.cardcase.tasks.TaskStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A new card from the bank's report that it is made to its collection at a branch: the applicant
 * told and reminded, a card never collected escalated, then cancelled or given more time. Each
 * method is one automated step, safe to run twice.
 */
@Service
public class CardCollection {
  /** The channel a branch confirmation comes through. */
  static final String BRANCH_CHANNEL = "bank-branch";

  /** When the applicant is reminded, and the last day to collect the card. */
  public record Deadlines(Instant reminderAt, Instant finalDueAt) {}

  private final CaseRepository cases;
  private final CardLifecycle cards;
  private final CaseDeadlines caseDeadlines;
  private final TaskStore tasks;
  private final ProcessLinks links;
  private final MedicalSettlement settlement;
  private final Notifications notifications;
  private final ReferenceData reference;
  private final DeadlineRules deadlines;
  private final Clock clock;
  private final TransactionTemplate tx;

  public CardCollection(CaseRepository cases, CardLifecycle cards, CaseDeadlines caseDeadlines, TaskStore tasks,
      ProcessLinks links, MedicalSettlement settlement, Notifications notifications, ReferenceData reference,
      DeadlineRules deadlines, Clock clock, TransactionTemplate tx) {
    this.cases = cases;
    this.cards = cards;
    this.caseDeadlines = caseDeadlines;
    this.tasks = tasks;
    this.links = links;
    this.settlement = settlement;
    this.notifications = notifications;
    this.reference = reference;
    this.deadlines = deadlines;
    this.clock = clock;
    this.tx = tx;
  }

  static String bankName(ReferenceData reference, String code) {
    return reference.find(ReferenceData.Kind.BANK, code).map(ReferenceData.Item::nameZh).orElse(code);
  }

  /**
   * The bank made the card: it waits at the branch, the collection deadlines are counted from now
   * (the first time only) and the applicant is told once.
   */
  public Deadlines cardReady(String caseNumber, String cardNumber) {
    CaseRecord c = cases.get(caseNumber);
    Deadlines due = tx.execute(s -> {
      cards.markProduced(caseNumber, cardNumber, CardLifecycle.Ready.AT_BANK_BRANCH);
      Instant now = clock.instant();
      return new Deadlines(
          caseDeadlines.once(caseNumber, VAR_COLLECTION_REMINDER_AT, now, deadlines.getCollectionReminderWorkingDays()),
          caseDeadlines.once(caseNumber, VAR_COLLECTION_FINAL_DUE_AT, now, deadlines.getCollectionFinalWorkingDays()));
    });
    notifications.send(caseNumber, caseNumber + ":card-ready", c.phone(), "card-ready",
        Map.of("caseNumber", caseNumber, "bank", bankName(reference, c.issuingBank())));
    return due;
  }

  /** The card still waits at the branch: the applicant is reminded of the last day, once. */
  public void remind(String caseNumber, Instant finalDue) {
    CaseRecord c = cases.get(caseNumber);
    notifications.send(caseNumber, caseNumber + ":collection-reminder", c.phone(), "collection-reminder",
        Map.of("bank", bankName(reference, c.issuingBank()), "dueDate", finalDue == null ? "" : WorkingDayCalendar.dayOf(finalDue)));
  }

  /**
   * Not collected by the last day: a supervisor decides whether the citizen will collect (the wait
   * is extended) or the card is cancelled; the case waits for that and still takes an activation.
   */
  public void escalateUncollected(String caseNumber, Object finalDue) {
    int seq = links.find(caseNumber).orElseThrow().waitSeq();
    tx.executeWithoutResult(s -> {
      tasks.upsert(caseNumber, ESCALATE_UNCOLLECTED, seq, 0L, "cardcase:" + FORM_CARD_UNCOLLECTED, GROUP_SUPERVISORS,
          clock.instant());
      cases.changeStatus(caseNumber, CaseStatus.UNCOLLECTED, "final-deadline:" + finalDue);
    });
  }

  /** A supervisor cancelled the uncollected card: it stops settling first, then is cancelled and the case closes. */
  public void cancelUncollected(String caseNumber) {
    CaseRecord c = cases.get(caseNumber);
    Card card = cards.ofCase(caseNumber);
    // the settlement system first: a card still at the branch must never pay, even if handed over by mistake
    settlement.stop(card.cardId(), "not collected; cancelled by the service centre");
    tx.executeWithoutResult(s -> {
      cards.move(card.cardId(), CardState.CANCELLED, "system", null,
          "not collected by the final deadline; cancelled on a supervisor's decision", "cancelled-uncollected");
      cases.close(caseNumber, END_UNCOLLECTED);
    });
    notifications.send(caseNumber, caseNumber + ":uncollected-cancelled", c.phone(), "uncollected-card-cancelled",
        Map.of("caseNumber", caseNumber));
  }

  /**
   * A supervisor gave the citizen more time: the collection deadlines are counted again from the
   * decision (so a redelivered step computes the same ones) and the applicant is told once per decision.
   */
  public Deadlines extend(String caseNumber, Instant decided) {
    CaseRecord c = cases.get(caseNumber);
    Deadlines due = tx.execute(s -> {
      cases.changeStatus(caseNumber, CaseStatus.CARD_READY, "collection-extended:" + decided);
      return new Deadlines(
          caseDeadlines.again(caseNumber, VAR_COLLECTION_REMINDER_AT, decided, deadlines.getCollectionReminderWorkingDays()),
          caseDeadlines.again(caseNumber, VAR_COLLECTION_FINAL_DUE_AT, decided, deadlines.getCollectionFinalWorkingDays()));
    });
    notifications.send(caseNumber, caseNumber + ":collection-extended:" + decided, c.phone(), "collection-extended",
        Map.of("caseNumber", caseNumber, "bank", bankName(reference, c.issuingBank()),
            "dueDate", WorkingDayCalendar.dayOf(due.finalDueAt())));
    return due;
  }

  /** Collected and activated at a branch: an open escalation is withdrawn and the case completes. */
  public void activate(String caseNumber, String branch) {
    CaseRecord c = cases.get(caseNumber);
    Card card = tx.execute(s -> {
      Card k = cards.ofCase(caseNumber);
      cards.move(k.cardId(), CardState.ACTIVE, branch, BRANCH_CHANNEL, "collected and activated at " + branch, "activated");
      // collected while a supervisor was deciding about the uncollected card: nothing left to decide
      tasks.withdraw(caseNumber, ESCALATE_UNCOLLECTED, "card collected and activated at " + branch);
      if (cases.changeStatus(caseNumber, CaseStatus.ACTIVE, "activated")) {
        cases.close(caseNumber, END_COMPLETED);
      }
      return cards.find(k.cardId()).orElseThrow();
    });
    String number = card.cardNumber() == null ? "" : card.cardNumber();
    notifications.send(caseNumber, caseNumber + ":activated", c.phone(), "card-activated",
        Map.of("cardTail", number.length() >= 4 ? number.substring(number.length() - 4) : number));
  }
}
