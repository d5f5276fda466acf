package org.cardcase.reissue;

import static org.cardcase.processes.ReissueProcess.ALERT_PICKUP_LATE;
import static org.cardcase.processes.ReissueProcess.END_COMPLETED;
import static org.cardcase.processes.ReissueProcess.ESCALATE_UNCOLLECTED;
import static org.cardcase.processes.ReissueProcess.FORM_PICKUP_LATE;
import static org.cardcase.processes.ReissueProcess.FORM_REPLACEMENT_UNCOLLECTED;
import static org.cardcase.processes.ReissueProcess.GROUP_SUPERVISORS;
import static org.cardcase.processes.ReissueProcess.VAR_PICKUP_FINAL_DUE_AT;
import static org.cardcase.processes.ReissueProcess.VAR_PICKUP_REMINDER_AT;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.flow.MessageInbox;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.loss.LossReports;
import org.cardcase.loss.MedicalSettlement;
import org.cardcase.notifications.Notifications;
import org.cardcase.processes.LossReportProcess;
import org.cardcase.tasks.TaskStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A reissue after the counter accepted it: the old card stopped, the new card late or made, the
 * holder reminded, a card never collected escalated, the hand-over. Each method is one automated
 * step, safe to run twice.
 */
@Service
public class ReissueProgress {
  /** When the holder is reminded, and the last day to collect the card. */
  public record Deadlines(Instant reminderAt, Instant finalDueAt) {}

  private final CaseRepository cases;
  private final CardLifecycle cards;
  private final Vouchers vouchers;
  private final CaseDeadlines caseDeadlines;
  private final TaskStore tasks;
  private final ProcessLinks links;
  private final MedicalSettlement settlement;
  private final LossReports lossReports;
  private final MessageInbox inbox;
  private final Notifications notifications;
  private final DeadlineRules deadlines;
  private final AuditTrail audit;
  private final Clock clock;
  private final TransactionTemplate tx;

  public ReissueProgress(CaseRepository cases, CardLifecycle cards, Vouchers vouchers, CaseDeadlines caseDeadlines,
      TaskStore tasks, ProcessLinks links, MedicalSettlement settlement, LossReports lossReports, MessageInbox inbox,
      Notifications notifications, DeadlineRules deadlines, AuditTrail audit, Clock clock, TransactionTemplate tx) {
    this.cases = cases;
    this.cards = cards;
    this.vouchers = vouchers;
    this.caseDeadlines = caseDeadlines;
    this.tasks = tasks;
    this.links = links;
    this.settlement = settlement;
    this.lossReports = lossReports;
    this.inbox = inbox;
    this.notifications = notifications;
    this.deadlines = deadlines;
    this.audit = audit;
    this.clock = clock;
    this.tx = tx;
  }

  /** The old card stops settling and is replaced; a provisional report of it is now formal and closes. */
  public void stopOldCard(String caseNumber, String oldCard) {
    settlement.stop(oldCard, "formally lost, reissue " + caseNumber); // a card already stopped by a provisional report stays stopped
    tx.executeWithoutResult(s -> cards.move(oldCard, CardState.REPLACED, "system", null,
        "replacement ordered in reissue " + caseNumber, "replacement-ordered:" + caseNumber));
    lossReports.openReportOf(oldCard).ifPresent(report -> inbox.receive("formalised:" + report, LossReportProcess.MSG_RESOLVED,
        report, "system", Map.of(LossReportProcess.VAR_RESOLUTION, LossReportProcess.FORMALISED, "reissueCase", caseNumber)));
  }

  /**
   * The card is not made by the pickup date: supervisors follow up, the pickup date moves (once,
   * audited when it changes) and the holder is told.
   */
  public void pickupLate(String caseNumber) {
    CaseRecord c = cases.get(caseNumber);
    Vouchers.Voucher v = vouchers.ofCase(caseNumber).orElseThrow();
    int seq = links.find(caseNumber).orElseThrow().waitSeq();
    boolean[] provisional = new boolean[1];
    Instant newDue = tx.execute(s -> {
      tasks.upsert(caseNumber, ALERT_PICKUP_LATE, seq, 0L, "cardcase:" + FORM_PICKUP_LATE, GROUP_SUPERVISORS, clock.instant());
      Instant due = caseDeadlines.once(caseNumber, CollectionDateFollowsDeadline.DELAYED_TO, clock.instant(),
          deadlines.getReissueDelayWorkingDays());
      provisional[0] = caseDeadlines.find(caseNumber, CollectionDateFollowsDeadline.DELAYED_TO)
          .map(CaseDeadlines.Deadline::provisional).orElse(false);
      LocalDate day = LocalDate.ofInstant(due, WorkingDayCalendar.ZONE);
      if (vouchers.moveCollectionDate(v.number(), day, provisional[0]) && !day.equals(v.pickupDate())) {
        audit.append(AuditTrail.ofCase(caseNumber), "pickup-moved:" + day, "system", null, "PICKUP_DATE_MOVED",
            Map.of("from", v.pickupDate().toString(), "to", day.toString(), "provisional", provisional[0]));
      }
      return due;
    });
    LocalDate newDay = LocalDate.ofInstant(newDue, WorkingDayCalendar.ZONE);
    notifications.send(caseNumber, caseNumber + ":pickup-delayed", c.phone(), "pickup-delayed", Map.of("certificate", v.number(),
        "pickupDate", newDay.toString(), "provisional", Notifications.provisionalNote(provisional[0], newDay)));
  }

  /**
   * The bank made the new card: it waits at the counter, and an uncollected card is reminded and
   * escalated like a new one, counted (the first time only) from the pickup date on the
   * certificate, or from today if the card was late. The holder is told once.
   */
  public Deadlines cardReady(String caseNumber, String cardNumber) {
    CaseRecord c = cases.get(caseNumber);
    Deadlines due = tx.execute(s -> {
      cards.markProduced(caseNumber, cardNumber, CardLifecycle.Ready.AT_COUNTER);
      Instant pickupFrom = vouchers.ofCase(caseNumber).orElseThrow().pickupDate().atStartOfDay(WorkingDayCalendar.ZONE).toInstant();
      Instant from = pickupFrom.isAfter(clock.instant()) ? pickupFrom : clock.instant();
      return new Deadlines(
          caseDeadlines.once(caseNumber, VAR_PICKUP_REMINDER_AT, from, deadlines.getCollectionReminderWorkingDays()),
          caseDeadlines.once(caseNumber, VAR_PICKUP_FINAL_DUE_AT, from, deadlines.getCollectionFinalWorkingDays()));
    });
    Vouchers.Voucher v = vouchers.ofCase(caseNumber).orElseThrow();
    notifications.send(caseNumber, caseNumber + ":replacement-ready", c.phone(), "replacement-ready",
        Map.of("certificate", v.number(), "pickupDate", v.pickupDate().toString(),
            "provisional", Notifications.provisionalNote(v.pickupProvisional(), v.pickupDate())));
    return due;
  }

  /** The card still waits at the counter: the holder is reminded of the last day, once. */
  public void remindCollection(String caseNumber, Instant finalDue) {
    CaseRecord c = cases.get(caseNumber);
    notifications.send(caseNumber, caseNumber + ":replacement-reminder", c.phone(), "replacement-reminder",
        Map.of("certificate", vouchers.ofCase(caseNumber).orElseThrow().number(), "dueDate",
            finalDue == null ? "" : WorkingDayCalendar.dayOf(finalDue)));
  }

  /**
   * Never collected: supervisors follow up and the card stays at the counter. The certificate stays a medical voucher
   * until the new card is collected (guide 004: "during the replacement period"; the certificate says "至领取新卡时止").
   */
  public void escalateUncollected(String caseNumber) {
    CaseRecord c = cases.get(caseNumber);
    Vouchers.Voucher v = vouchers.ofCase(caseNumber).orElseThrow();
    int seq = links.find(caseNumber).orElseThrow().waitSeq();
    tx.executeWithoutResult(s -> {
      tasks.upsert(caseNumber, ESCALATE_UNCOLLECTED, seq, 0L, "cardcase:" + FORM_REPLACEMENT_UNCOLLECTED, GROUP_SUPERVISORS,
          clock.instant());
      cases.changeStatus(caseNumber, CaseStatus.UNCOLLECTED, "final-deadline");
    });
    notifications.send(caseNumber, caseNumber + ":replacement-uncollected", c.phone(), "replacement-uncollected",
        Map.of("certificate", v.number(), "caseNumber", caseNumber));
  }

  /**
   * Handed over at the counter to {@code collector} (the holder, or the delegate who made the
   * reissue, guide 004): the new card is active, the voucher used, the old card cancelled and the
   * case complete, each once.
   */
  public void handOver(String caseNumber, String oldCard, String clerk, String collector) {
    CaseRecord c = cases.get(caseNumber);
    Vouchers.Voucher voucher = vouchers.ofCase(caseNumber).orElseThrow();
    Card card = tx.execute(s -> {
      Card k = cards.ofCase(caseNumber);
      cards.move(k.cardId(), CardState.ACTIVE, clerk, "counter", "handed over at the counter to "
          + ("DELEGATE".equals(collector) ? "the delegate who made the reissue" : "the holder") + ", ID card and certificate checked",
          "handed-over");
      audit.append(AuditTrail.ofCase(caseNumber), "collected", clerk, "counter", "REPLACEMENT_COLLECTED",
          Map.of("collectedBy", collector, "card", k.cardId()));
      if (vouchers.use(voucher.number())) {
        audit.append(AuditTrail.ofCase(caseNumber), "voucher-used", clerk, "counter", "VOUCHER_ENDED",
            Map.of("certificate", voucher.number()));
      }
      cards.move(oldCard, CardState.CANCELLED, clerk, "counter", "replacement " + k.cardId() + " collected",
          "replacement-collected:" + caseNumber);
      if (cases.changeStatus(caseNumber, CaseStatus.COMPLETED, "handed-over")) {
        cases.close(caseNumber, END_COMPLETED);
      }
      return cards.find(k.cardId()).orElseThrow();
    });
    notifications.send(caseNumber, caseNumber + ":collected", c.phone(), "replacement-collected",
        Map.of("certificate", voucher.number(), "cardTail", card.lastFour()));
  }
}
