package org.cardcase.reissue;

import org.cardcase.cases.CaseStatus;
import static org.cardcase.processes.ReissueProcess.*;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.MessageInbox;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.Step;
import org.cardcase.loss.LossReports;
import org.cardcase.notifications.Notifications;
import org.cardcase.processes.CardProductionProcess;
import org.cardcase.processes.LossReportProcess;
import org.cardcase.loss.MedicalSettlement;
import org.cardcase.tasks.TaskStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** The steps of a reissue. Each is safe to run twice. */
@Configuration
public class ReissueWorkers {

  static String oldCardId(Map<String, Object> vars) {
    Object id = vars.get(VAR_OLD_CARD_ID);
    if (id == null) {
      throw new IllegalStateException("the reissue has no oldCardId variable");
    }
    return id.toString();
  }

  @Bean
  CaseJobHandler stopOldCard(CardLifecycle cards, MedicalSettlement settlement, LossReports lossReports, MessageInbox inbox,
      TransactionTemplate tx) {
    return new Step(JOB_STOP_OLD_CARD, (job, cn) -> {
      String oldCard = oldCardId(job.getVariablesAsMap());
      settlement.stop(oldCard, "formally lost, reissue " + cn); // a card already stopped by a provisional report stays stopped
      tx.executeWithoutResult(s -> cards.move(oldCard, CardState.REPLACED, "system", null,
          "replacement ordered in reissue " + cn, "replacement-ordered:" + cn));
      // a provisional report of this card is now formal: it closes
      lossReports.openReportOf(oldCard).ifPresent(report -> inbox.receive("formalised:" + report, LossReportProcess.MSG_RESOLVED,
          report, "system", Map.of(LossReportProcess.VAR_RESOLUTION, LossReportProcess.FORMALISED, "reissueCase", cn)));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler pickupLate(CaseRepository cases, TaskStore tasks, ProcessLinks links, Vouchers vouchers, CaseDeadlines caseDeadlines,
      Notifications notifications, DeadlineRules deadlines, Clock clock, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_PICKUP_LATE, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      Vouchers.Voucher v = vouchers.ofCase(cn).orElseThrow();
      int seq = links.find(cn).orElseThrow().waitSeq();
      boolean[] provisional = new boolean[1];
      Instant newDue = tx.execute(s -> {
        tasks.upsert(cn, ALERT_PICKUP_LATE, seq, 0L, "cardcase:" + FORM_PICKUP_LATE, GROUP_SUPERVISORS, clock.instant());
        Instant due = caseDeadlines.once(cn, PickupDateFollowsDeadline.DELAYED_TO, clock.instant(),
            deadlines.getReissueDelayWorkingDays());
        provisional[0] = caseDeadlines.find(cn, PickupDateFollowsDeadline.DELAYED_TO).map(CaseDeadlines.Deadline::provisional)
            .orElse(false);
        LocalDate day = LocalDate.ofInstant(due, WorkingDayCalendar.ZONE);
        if (vouchers.movePickupDate(v.number(), day, provisional[0]) && !day.equals(v.pickupDate())) {
          audit.append(AuditTrail.ofCase(cn), "pickup-moved:" + day, "system", null, "PICKUP_DATE_MOVED",
              Map.of("from", v.pickupDate().toString(), "to", day.toString(), "provisional", provisional[0]));
        }
        return due;
      });
      LocalDate newDay = LocalDate.ofInstant(newDue, WorkingDayCalendar.ZONE);
      notifications.send(cn, cn + ":pickup-delayed", c.phone(), "pickup-delayed", Map.of("certificate", v.number(),
          "pickupDate", newDay.toString(), "provisional", org.cardcase.notifications.Notifications.provisionalNote(provisional[0], newDay)));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler notifyReplacementReady(CaseRepository cases, CardLifecycle cards, Vouchers vouchers, Notifications notifications,
      CaseDeadlines caseDeadlines, DeadlineRules deadlines, Clock clock, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_NOTIFY_READY, (job, cn) -> {
      Object cardNumber = job.getVariablesAsMap().get(CardProductionProcess.VAR_CARD_NUMBER);
      CaseRecord c = cases.get(cn);
      Map<String, Object> out = tx.execute(s -> {
        Card card = cards.ofCase(cn);
        cards.move(card.cardId(), CardState.PRODUCED, "system", "card-production", "the bank reported the replacement made", "produced");
        cards.recordNumbers(card.cardId(), cardNumber == null ? null : cardNumber.toString(), null);
        cards.move(card.cardId(), CardState.AWAITING_ACTIVATION, "system", null, "ready for pickup at the counter", "ready-notified");
        cases.changeStatus(cn, CaseStatus.CARD_READY, "produced");
        // an uncollected replacement is reminded and escalated like a new card, counted from the
        // pickup date on the certificate (or from today if the card was late)
        Instant pickupFrom = vouchers.ofCase(cn).orElseThrow().pickupDate().atStartOfDay(WorkingDayCalendar.ZONE).toInstant();
        Instant from = pickupFrom.isAfter(clock.instant()) ? pickupFrom : clock.instant();
        return Map.<String, Object>of(
            VAR_PICKUP_REMINDER_AT,
            caseDeadlines.once(cn, VAR_PICKUP_REMINDER_AT, from, deadlines.getCollectionReminderWorkingDays()).toString(),
            VAR_PICKUP_FINAL_DUE_AT,
            caseDeadlines.once(cn, VAR_PICKUP_FINAL_DUE_AT, from, deadlines.getCollectionFinalWorkingDays()).toString());
      });
      Vouchers.Voucher v = vouchers.ofCase(cn).orElseThrow();
      notifications.send(cn, cn + ":replacement-ready", c.phone(), "replacement-ready",
          Map.of("certificate", v.number(), "pickupDate", v.pickupDate().toString(),
              "provisional", org.cardcase.notifications.Notifications.provisionalNote(v.pickupProvisional(), v.pickupDate())));
      return out;
    });
  }

  @Bean
  CaseJobHandler remindReplacementPickup(CaseRepository cases, Vouchers vouchers, Notifications notifications) {
    return new Step(JOB_REMIND_PICKUP, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      Object finalDue = job.getVariablesAsMap().get(VAR_PICKUP_FINAL_DUE_AT);
      notifications.send(cn, cn + ":replacement-reminder", c.phone(), "replacement-reminder",
          Map.of("certificate", vouchers.ofCase(cn).orElseThrow().number(), "dueDate",
              finalDue == null ? "" : WorkingDayCalendar.dayOf(Instant.parse(finalDue.toString()))));
      return Map.of();
    });
  }

  /**
   * Never collected: supervisors follow up and the card stays at the counter. The certificate stays a medical voucher
   * until the new card is collected (guide 004: "during the replacement period"; the certificate says "至领取新卡时止").
   */
  @Bean
  CaseJobHandler escalateUncollectedReplacement(CaseRepository cases, TaskStore tasks, ProcessLinks links, Vouchers vouchers,
      Notifications notifications, Clock clock, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_ESCALATE_UNCOLLECTED, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      Vouchers.Voucher v = vouchers.ofCase(cn).orElseThrow();
      int seq = links.find(cn).orElseThrow().waitSeq();
      tx.executeWithoutResult(s -> {
        tasks.upsert(cn, ESCALATE_UNCOLLECTED, seq, 0L, "cardcase:" + FORM_REPLACEMENT_UNCOLLECTED, GROUP_SUPERVISORS,
            clock.instant());
        cases.changeStatus(cn, CaseStatus.UNCOLLECTED, "final-deadline");
      });
      notifications.send(cn, cn + ":replacement-uncollected", c.phone(), "replacement-uncollected",
          Map.of("certificate", v.number(), "caseNumber", cn));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler handOver(CaseRepository cases, CardLifecycle cards, Vouchers vouchers, Notifications notifications,
      TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_HAND_OVER, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      String clerk = String.valueOf(v.getOrDefault("handedOverBy", "clerk"));
      // guide 004: the person who made the reissue collects (the holder, or the delegate with their own ID card)
      String collector = String.valueOf(v.getOrDefault("collectedBy", "HOLDER"));
      String oldCard = oldCardId(v);
      CaseRecord c = cases.get(cn);
      Vouchers.Voucher voucher = vouchers.ofCase(cn).orElseThrow();
      Card card = tx.execute(s -> {
        Card k = cards.ofCase(cn);
        cards.move(k.cardId(), CardState.ACTIVE, clerk, "counter", "handed over at the counter to "
            + ("DELEGATE".equals(collector) ? "the delegate who made the reissue" : "the holder") + ", ID card and certificate checked",
            "handed-over");
        audit.append(AuditTrail.ofCase(cn), "collected", clerk, "counter", "REPLACEMENT_COLLECTED",
            Map.of("collectedBy", collector, "card", k.cardId()));
        if (vouchers.use(voucher.number())) {
          audit.append(AuditTrail.ofCase(cn), "voucher-used", clerk, "counter", "VOUCHER_ENDED", Map.of("certificate", voucher.number()));
        }
        cards.move(oldCard, CardState.CANCELLED, clerk, "counter", "replacement " + k.cardId() + " collected", "replacement-collected:" + cn);
        if (cases.changeStatus(cn, CaseStatus.COMPLETED, "handed-over")) {
          cases.close(cn, END_COMPLETED);
        }
        return cards.find(k.cardId()).orElseThrow();
      });
      notifications.send(cn, cn + ":collected", c.phone(), "replacement-collected",
          Map.of("certificate", voucher.number(), "cardTail", card.lastFour()));
      return Map.of();
    });
  }
}
