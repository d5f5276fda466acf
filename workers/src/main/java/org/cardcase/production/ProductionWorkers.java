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
      String miNumber = tx.execute(s -> cards.issueMedicalInsuranceNumber(card.cardId()));
      byte[] portrait = documents.latest(cn, "PORTRAIT_PHOTO").map(d -> documents.bytes(d.id())).orElse(new byte[0]);
      CardOrder order = new CardOrder(cn, card.cardId(), c.applicantName(), c.idNumber(), c.issuingBank(), miNumber, portrait);
      // both are idempotent by card id: a retry re-sends, neither makes a second card
      String receipt = provincialCentre.submit(order);
      String bankOrder = bank.order(order);
      tx.executeWithoutResult(s -> audit.append(AuditTrail.ofCase(cn), "production-ordered", "system", null, "PRODUCTION_ORDERED",
          Map.of("provincialReceipt", receipt, "bankOrder", bankOrder, "card", card.cardId())));
      return Map.of(VAR_PRODUCTION_DUE_AT, due);
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
