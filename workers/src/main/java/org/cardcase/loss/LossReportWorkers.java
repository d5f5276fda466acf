package org.cardcase.loss;

import org.cardcase.cases.CaseStatus;
import static org.cardcase.processes.LossReportProcess.*;

import java.time.Clock;
import java.time.Instant;
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
import org.cardcase.flow.Step;
import org.cardcase.notifications.Notifications;
import org.cardcase.loss.MedicalSettlement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** The steps of a provisional loss report. Each is safe to run twice. */
@Configuration
public class LossReportWorkers {

  static String cardId(Map<String, Object> vars) {
    Object id = vars.get(VAR_CARD_ID);
    if (id == null) {
      throw new IllegalStateException("the loss report has no cardId variable");
    }
    return id.toString();
  }

  @Bean
  CaseJobHandler stopSettlement(CaseRepository cases, CardLifecycle cards, MedicalSettlement settlement,
      CaseDeadlines caseDeadlines, Notifications notifications, DeadlineRules deadlines, Clock clock, TransactionTemplate tx,
      AuditTrail audit) {
    return new Step(JOB_STOP_SETTLEMENT, (job, cn) -> {
      String cardId = cardId(job.getVariablesAsMap());
      String ref = settlement.stop(cardId, "provisional loss report " + cn); // idempotent by card
      CaseRecord c = cases.get(cn);
      Card card = cards.find(cardId).orElseThrow();
      Instant remindAt = tx.execute(s -> {
        if (cases.changeStatus(cn, CaseStatus.SETTLEMENT_STOPPED, "stopped")) {
          audit.append(AuditTrail.ofCase(cn), "settlement-stopped", "system", "settlement", "SETTLEMENT_STOPPED",
              Map.of("card", cardId, "reference", ref));
        }
        return caseDeadlines.once(cn, VAR_FORMAL_REMINDER_AT, clock.instant(), deadlines.getFormalReportReminderWorkingDays());
      });
      notifications.send(cn, cn + ":loss-reported", c.phone(), "loss-reported", Map.of("caseNumber", cn, "cardTail", card.lastFour(),
          "dueDate", WorkingDayCalendar.dayOf(remindAt)));
      return Map.of(VAR_FORMAL_REMINDER_AT, remindAt.toString());
    });
  }

  @Bean
  CaseJobHandler remindFormalReport(CaseRepository cases, Notifications notifications) {
    return new Step(JOB_REMIND_FORMAL_REPORT, (job, cn) -> {
      notifications.send(cn, cn + ":formal-reminder", cases.get(cn).phone(), "formal-report-reminder", Map.of("caseNumber", cn));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler resumeSettlement(CaseRepository cases, CardLifecycle cards, MedicalSettlement settlement,
      Notifications notifications, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_RESUME_SETTLEMENT, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      String cardId = cardId(v);
      String why = String.valueOf(v.getOrDefault("withdrawReason", "card found"));
      CaseRecord c = cases.get(cn);
      // the outside effect first (idempotent): once the case says "withdrawn", the card settles
      settlement.resume(cardId, "loss report " + cn + " withdrawn");
      tx.executeWithoutResult(s -> {
        cards.move(cardId, CardState.ACTIVE, "citizen", c.channel(),
            "provisional loss report " + cn + " withdrawn: " + why, "withdrawn:" + cn);
        if (cases.changeStatus(cn, CaseStatus.WITHDRAWN, "withdrawn")) {
          cases.close(cn, END_WITHDRAWN);
        }
      });
      notifications.send(cn, cn + ":withdrawn", c.phone(), "loss-withdrawn", Map.of("caseNumber", cn));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler closeFormalised(CaseRepository cases, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_CLOSE_FORMALISED, (job, cn) -> {
      tx.executeWithoutResult(s -> {
        if (cases.changeStatus(cn, CaseStatus.FORMALISED, "formalised")) {
          cases.close(cn, END_FORMALISED);
        }
      });
      return Map.of();
    });
  }
}
