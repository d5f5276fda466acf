package org.cardcase.application;

import org.cardcase.cases.CaseStatus;
import io.camunda.client.CamundaClient;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
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
import org.cardcase.documents.CaseDocuments;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.CurrentEngine;
import org.cardcase.flow.ProcessStarter;
import org.cardcase.flow.Step;
import org.cardcase.notifications.Notifications;
import org.cardcase.production.CardOrder;
import org.cardcase.production.IssuingBank;
import org.cardcase.production.ProvincialCentre;
import org.cardcase.shared.ReferenceData;
import org.cardcase.flow.MessageInbox;
import org.cardcase.loss.MedicalSettlement;
import org.cardcase.tasks.AlertDecision;
import org.cardcase.tasks.TaskStore;
import org.cardcase.verification.Verification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

import static org.cardcase.processes.CardApplicationProcess.*;
import static org.cardcase.processes.RealNameVerificationProcess.NEW_PHOTO_REQUESTED;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_OUTCOME;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_REASON;

/**
 * The automated steps of the card application: thin glue over the case store, the card
 * lifecycle, the deadlines and the adapters. Every step is safe to run twice.
 */
@Configuration
public class ApplicationWorkers {
  private static final Logger log = LoggerFactory.getLogger(ApplicationWorkers.class);

  static String day(Instant due) {
    return WorkingDayCalendar.dayOf(due);
  }

  static String bankName(ReferenceData reference, String code) {
    return reference.find(ReferenceData.Kind.BANK, code).map(ReferenceData.Item::nameZh).orElse(code);
  }

  @Bean
  CaseJobHandler registerApplication(CaseRepository cases, ProcessLinks links, CamundaClient client, TransactionTemplate tx,
      AuditTrail audit, CurrentEngine engine) {
    return new Step(JOB_REGISTER, (job, cn) -> {
      ProcessLink link = links.find(cn).orElseThrow();
      Object token = job.getVariablesAsMap().get(ProcessStarter.VAR_START_TOKEN);
      // the start token tells the instance the case runs as from one the engine took twice
      boolean duplicate = token != null ? !token.equals(link.startToken())
          : link.processInstanceKey() != null && link.processInstanceKey() != job.getProcessInstanceKey();
      if (duplicate) {
        // a second instance for the same case (a start the engine took although its answer was lost): stop it
        log.warn("case {} already runs as instance {}; cancelling duplicate {}", cn, link.processInstanceKey(), job.getProcessInstanceKey());
        client.newCancelInstanceCommand(job.getProcessInstanceKey()).send().join();
        return Map.of();
      }
      tx.executeWithoutResult(s -> {
        if (link.processInstanceKey() == null) {
          links.recordInstance(cn, job.getProcessInstanceKey(), engine.generation());
        }
        if (cases.changeStatus(cn, CaseStatus.IN_PROGRESS, "registered")) {
          cases.moveTo(cn, REGISTER);
        }
      });
      return Map.of();
    });
  }


  @Bean
  CaseJobHandler notifyRejection(CaseRepository cases, Verification verification, CaseDeadlines caseDeadlines,
      Notifications notifications, DeadlineRules deadlines, Clock clock, TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_NOTIFY_REJECTION, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      String reason = String.valueOf(v.getOrDefault(VAR_REASON, "not verified"));
      boolean newPhoto = NEW_PHOTO_REQUESTED.equals(v.get(VAR_OUTCOME));
      CaseRecord c = cases.get(cn);
      int round = verification.currentRound(cn);
      Instant due = tx.execute(s -> {
        cases.changeStatus(cn, CaseStatus.AWAITING_RESUBMISSION, "round-" + round);
        return caseDeadlines.again(cn, VAR_RESUBMISSION_DUE_AT, clock.instant(), deadlines.getResubmissionWorkingDays());
      });
      notifications.send(cn, cn + ":not-verified:" + round, c.phone(), newPhoto ? "new-photo-requested" : "verification-rejected",
          Map.of("caseNumber", cn, "reason", reason, "dueDate", day(due)));
      return Map.of(VAR_RESUBMISSION_DUE_AT, due.toString());
    });
  }

  @Bean
  CaseJobHandler rejectApplication(CaseRepository cases, CardLifecycle cards, Notifications notifications,
      TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_REJECT, (job, cn) -> {
      Object why = job.getVariablesAsMap().get(VAR_REASON);
      CaseRecord c = cases.get(cn);
      tx.executeWithoutResult(s -> {
        cards.move(cards.ofCase(cn).cardId(), CardState.CANCELLED, "system", null,
            "application closed: not verified and not resubmitted in time (" + (why == null ? "no reason given" : why) + ")",
            "rejected");
        if (cases.changeStatus(cn, CaseStatus.REJECTED, "closed")) {
          cases.close(cn, END_REJECTED);
        }
      });
      notifications.send(cn, cn + ":rejected", c.phone(), "application-rejected", Map.of("caseNumber", cn));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler notifyCardReady(CaseRepository cases, CardLifecycle cards, CaseDeadlines caseDeadlines,
      Notifications notifications, ReferenceData reference, DeadlineRules deadlines, Clock clock, TransactionTemplate tx,
      AuditTrail audit) {
    return new Step(JOB_NOTIFY_CARD_READY, (job, cn) -> {
      Object cardNumber = job.getVariablesAsMap().get(org.cardcase.processes.CardProductionProcess.VAR_CARD_NUMBER);
      CaseRecord c = cases.get(cn);
      Map<String, Object> out = tx.execute(s -> {
        Card card = cards.ofCase(cn);
        cards.move(card.cardId(), CardState.PRODUCED, "system", "card-production", "the bank reported the card made", "produced");
        cards.recordNumbers(card.cardId(), cardNumber == null ? null : cardNumber.toString(), null);
        cards.move(card.cardId(), CardState.AWAITING_ACTIVATION, "system", null, "ready for collection at the bank branch",
            "ready-notified");
        cases.changeStatus(cn, CaseStatus.CARD_READY, "produced");
        Instant now = clock.instant();
        Map<String, Object> vars = new HashMap<>();
        vars.put(VAR_COLLECTION_REMINDER_AT,
            caseDeadlines.once(cn, VAR_COLLECTION_REMINDER_AT, now, deadlines.getCollectionReminderWorkingDays()).toString());
        vars.put(VAR_COLLECTION_FINAL_DUE_AT,
            caseDeadlines.once(cn, VAR_COLLECTION_FINAL_DUE_AT, now, deadlines.getCollectionFinalWorkingDays()).toString());
        return vars;
      });
      notifications.send(cn, cn + ":card-ready", c.phone(), "card-ready",
          Map.of("caseNumber", cn, "bank", bankName(reference, c.issuingBank())));
      return out;
    });
  }

  @Bean
  CaseJobHandler remindCollection(CaseRepository cases, Notifications notifications, ReferenceData reference) {
    return new Step(JOB_REMIND_COLLECTION, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      Object finalDue = job.getVariablesAsMap().get(VAR_COLLECTION_FINAL_DUE_AT);
      notifications.send(cn, cn + ":collection-reminder", c.phone(), "collection-reminder",
          Map.of("bank", bankName(reference, c.issuingBank()), "dueDate", finalDue == null ? "" : day(Instant.parse(finalDue.toString()))));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler escalateUncollected(CaseRepository cases, TaskStore tasks, ProcessLinks links, Clock clock,
      TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_ESCALATE_UNCOLLECTED, (job, cn) -> {
      int seq = links.find(cn).orElseThrow().waitSeq();
      Object finalDue = job.getVariablesAsMap().get(VAR_COLLECTION_FINAL_DUE_AT);
      tx.executeWithoutResult(s -> {
        // a supervisor decides: the citizen will collect (the wait is extended), or the card is
        // cancelled; the case waits for that decision and still takes an activation meanwhile
        tasks.upsert(cn, ESCALATE_UNCOLLECTED, seq, 0L, "cardcase:" + FORM_CARD_UNCOLLECTED, GROUP_SUPERVISORS, clock.instant());
        cases.changeStatus(cn, CaseStatus.UNCOLLECTED, "final-deadline:" + finalDue);
      });
      return Map.of();
    });
  }

  /** The supervisor's decision on an uncollected card goes to the waiting case as a message: the process decides what follows. */
  @Bean
  AlertDecision uncollectedCardDecision(MessageInbox inbox, Clock clock) {
    // stored once under the task's id: a retry sends the same decision with the same time
    return AlertDecision.on(ESCALATE_UNCOLLECTED, (task, result, decidedBy) ->
        inbox.receive("uncollected-decided:" + task.id(), MSG_UNCOLLECTED_DECIDED, task.caseNumber(), decidedBy,
            Map.of(VAR_UNCOLLECTED_ACTION, String.valueOf(result.get("action")), VAR_UNCOLLECTED_DECIDED_AT,
                clock.instant().toString())));
  }

  @Bean
  CaseJobHandler cancelUncollected(CaseRepository cases, CardLifecycle cards, MedicalSettlement settlement,
      Notifications notifications, TransactionTemplate tx) {
    return new Step(JOB_CANCEL_UNCOLLECTED, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      Card card = cards.ofCase(cn);
      // the settlement system first: a card still at the branch must never pay, even if handed over by mistake
      settlement.stop(card.cardId(), "not collected; cancelled by the service centre");
      tx.executeWithoutResult(s -> {
        cards.move(card.cardId(), CardState.CANCELLED, "system", null,
            "not collected by the final deadline; cancelled on a supervisor's decision", "cancelled-uncollected");
        cases.close(cn, END_UNCOLLECTED);
      });
      notifications.send(cn, cn + ":uncollected-cancelled", c.phone(), "uncollected-card-cancelled", Map.of("caseNumber", cn));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler extendCollection(CaseRepository cases, CaseDeadlines caseDeadlines, Notifications notifications,
      ReferenceData reference, DeadlineRules deadlines, TransactionTemplate tx) {
    return new Step(JOB_EXTEND_COLLECTION, (job, cn) -> {
      // counted from the decision, so a redelivered step computes the same new deadlines
      Instant decided = Instant.parse(String.valueOf(job.getVariablesAsMap().get(VAR_UNCOLLECTED_DECIDED_AT)));
      CaseRecord c = cases.get(cn);
      Map<String, Object> out = tx.execute(s -> {
        cases.changeStatus(cn, CaseStatus.CARD_READY, "collection-extended:" + decided);
        Map<String, Object> vars = new HashMap<>();
        vars.put(VAR_COLLECTION_REMINDER_AT,
            caseDeadlines.again(cn, VAR_COLLECTION_REMINDER_AT, decided, deadlines.getCollectionReminderWorkingDays()).toString());
        vars.put(VAR_COLLECTION_FINAL_DUE_AT,
            caseDeadlines.again(cn, VAR_COLLECTION_FINAL_DUE_AT, decided, deadlines.getCollectionFinalWorkingDays()).toString());
        return vars;
      });
      notifications.send(cn, cn + ":collection-extended:" + decided, c.phone(), "collection-extended",
          Map.of("caseNumber", cn, "bank", bankName(reference, c.issuingBank()),
              "dueDate", day(Instant.parse(out.get(VAR_COLLECTION_FINAL_DUE_AT).toString()))));
      return out;
    });
  }

  @Bean
  CaseJobHandler activateCard(CaseRepository cases, CardLifecycle cards, Notifications notifications, TransactionTemplate tx,
      TaskStore tasks) {
    return new Step(JOB_ACTIVATE_CARD, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      String branch = String.valueOf(v.getOrDefault("branch", "bank branch"));
      CaseRecord c = cases.get(cn);
      Card card = tx.execute(s -> {
        Card k = cards.ofCase(cn);
        cards.move(k.cardId(), CardState.ACTIVE, branch, BRANCH_CHANNEL, "collected and activated at " + branch, "activated");
        // collected while a supervisor was deciding about the uncollected card: nothing left to decide
        tasks.withdraw(cn, ESCALATE_UNCOLLECTED, "card collected and activated at " + branch);
        if (cases.changeStatus(cn, CaseStatus.ACTIVE, "activated")) {
          cases.close(cn, END_COMPLETED);
        }
        return cards.find(k.cardId()).orElseThrow();
      });
      String number = card.cardNumber() == null ? "" : card.cardNumber();
      notifications.send(cn, cn + ":activated", c.phone(), "card-activated",
          Map.of("cardTail", number.length() >= 4 ? number.substring(number.length() - 4) : number));
      return Map.of();
    });
  }

  /** The channel a branch confirmation comes through. */
  static final String BRANCH_CHANNEL = "bank-branch";
}
