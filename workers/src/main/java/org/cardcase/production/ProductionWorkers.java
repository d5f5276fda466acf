package org.cardcase.production;

import org.cardcase.cases.CaseStatus;
import static org.cardcase.processes.CardProductionProcess.*;

import java.time.Clock;
import java.util.Map;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.Step;
import org.cardcase.tasks.AlertDecision;
import org.cardcase.tasks.TaskStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** The steps of card production, for whichever case calls it (an application or a reissue). */
@Configuration
public class ProductionWorkers {

  @Bean
  CaseJobHandler requestProduction(CaseRepository cases, CaseDeadlines caseDeadlines, CardLifecycle cards,
      CaseDocuments documents, ProvincialCentre provincialCentre, IssuingBank bank, DeadlineRules deadlines, Clock clock,
      TransactionTemplate tx, AuditTrail audit) {
    return new Step(JOB_REQUEST_PRODUCTION, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      Card card = cards.ofCase(cn);
      String due = tx.execute(s -> {
        cards.move(card.cardId(), CardState.IN_PRODUCTION, "system", null, "verified data sent for production",
            "production-requested");
        if (cases.changeStatus(cn, CaseStatus.IN_PRODUCTION, "requested")) {
          cases.moveTo(cn, REQUEST_PRODUCTION);
        }
        // a redelivered job gets the deadline recorded the first time
        return caseDeadlines.once(cn, VAR_PRODUCTION_DUE_AT, clock.instant(), deadlines.getProductionWorkingDays()).toString();
      });
      CardOrder order = orderOf(cn, cases, cards, documents, tx);
      // both are idempotent by card id: a retry re-sends, neither makes a second card
      String receipt = provincialCentre.submit(order);
      String bankOrder = bank.order(order);
      tx.executeWithoutResult(s -> audit.append(AuditTrail.ofCase(cn), "production-ordered", "system", null, "PRODUCTION_ORDERED",
          Map.of("provincialReceipt", receipt, "bankOrder", bankOrder, "card", card.cardId())));
      return Map.of(VAR_PRODUCTION_DUE_AT, due);
    });
  }

  /** What the centre and the bank are sent for the case's card. */
  static CardOrder orderOf(String cn, CaseRepository cases, CardLifecycle cards, CaseDocuments documents, TransactionTemplate tx) {
    CaseRecord c = cases.get(cn);
    Card card = cards.ofCase(cn);
    String miNumber = tx.execute(s -> cards.issueMedicalInsuranceNumber(card.cardId()));
    byte[] portrait = documents.latest(cn, "PORTRAIT_PHOTO").map(d -> documents.bytes(d.id())).orElse(new byte[0]);
    return new CardOrder(cn, card.cardId(), c.applicantName(), c.idNumber(), c.issuingBank(), miNumber, portrait);
  }

  /**
   * A supervisor's decision on the production-overdue alert: REORDERED places the order with the
   * bank again (the case keeps waiting for the card, and takes it from whichever order reports
   * first); CONTACTED is the record of the follow-up, nothing more to do.
   */
  @Bean
  AlertDecision productionOverdueDecision(CaseRepository cases, CardLifecycle cards, CaseDocuments documents,
      IssuingBank bank, TransactionTemplate tx, AuditTrail audit) {
    return AlertDecision.on(ALERT_PRODUCTION_OVERDUE, (task, result, decidedBy) -> {
      if (!"REORDERED".equals(result.get("followUp"))) {
        return;
      }
      String cn = task.caseNumber();
      CardOrder order = orderOf(cn, cases, cards, documents, tx);
      String ref = bank.reorder(order, "task-" + task.id());
      tx.executeWithoutResult(s -> audit.append(AuditTrail.ofCase(cn), "production-reordered:" + task.id(), decidedBy, null,
          "PRODUCTION_REORDERED", Map.of("bankOrder", ref, "card", order.cardId(), "task", task.id())));
    });
  }

  @Bean
  CaseJobHandler productionOverdue(TaskStore tasks, ProcessLinks links, Clock clock) {
    return new Step(JOB_PRODUCTION_OVERDUE, (job, cn) -> {
      // a supervisor follows up; the case keeps waiting for the card
      int seq = links.find(cn).orElseThrow().waitSeq();
      tasks.upsert(cn, ALERT_PRODUCTION_OVERDUE, seq, 0L, "cardcase:" + FORM_PRODUCTION_OVERDUE, GROUP_SUPERVISORS, clock.instant());
      return Map.of();
    });
  }
}
