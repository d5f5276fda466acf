package org.cardcase.production;

import static org.cardcase.processes.CardProductionProcess.ALERT_PRODUCTION_OVERDUE;
import static org.cardcase.processes.CardProductionProcess.FORM_PRODUCTION_OVERDUE;
import static org.cardcase.processes.CardProductionProcess.GROUP_SUPERVISORS;
import static org.cardcase.processes.CardProductionProcess.REQUEST_PRODUCTION;
import static org.cardcase.processes.CardProductionProcess.VAR_PRODUCTION_DUE_AT;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.tasks.TaskStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Card production, for whichever case calls it (an application or a reissue): the order to the
 * provincial centre and the bank, the overdue alert and a supervisor's reorder. Each method is one
 * automated step, safe to run twice.
 */
@Service
public class CardProduction {
  private final CaseRepository cases;
  private final CardLifecycle cards;
  private final CaseDocuments documents;
  private final CaseDeadlines caseDeadlines;
  private final TaskStore tasks;
  private final ProcessLinks links;
  private final ProvincialCentre provincialCentre;
  private final IssuingBank bank;
  private final DeadlineRules deadlines;
  private final AuditTrail audit;
  private final Clock clock;
  private final TransactionTemplate tx;

  public CardProduction(CaseRepository cases, CardLifecycle cards, CaseDocuments documents, CaseDeadlines caseDeadlines,
      TaskStore tasks, ProcessLinks links, ProvincialCentre provincialCentre, IssuingBank bank, DeadlineRules deadlines,
      AuditTrail audit, Clock clock, TransactionTemplate tx) {
    this.cases = cases;
    this.cards = cards;
    this.documents = documents;
    this.caseDeadlines = caseDeadlines;
    this.tasks = tasks;
    this.links = links;
    this.provincialCentre = provincialCentre;
    this.bank = bank;
    this.deadlines = deadlines;
    this.audit = audit;
    this.clock = clock;
    this.tx = tx;
  }

  /**
   * The card goes into production: the case moves on, the production deadline is counted (the first
   * time only) and the order goes to the centre and the bank. Returns the production deadline.
   */
  public Instant request(String caseNumber) {
    Card card = cards.ofCase(caseNumber);
    Instant due = tx.execute(s -> {
      cards.move(card.cardId(), CardState.IN_PRODUCTION, "system", null, "verified data sent for production",
          "production-requested");
      if (cases.changeStatus(caseNumber, CaseStatus.IN_PRODUCTION, "requested")) {
        cases.moveTo(caseNumber, REQUEST_PRODUCTION);
      }
      // a redelivered job gets the deadline recorded the first time
      return caseDeadlines.once(caseNumber, VAR_PRODUCTION_DUE_AT, clock.instant(), deadlines.getProductionWorkingDays());
    });
    CardOrder order = orderOf(caseNumber);
    // both are idempotent by card id: a retry re-sends, neither makes a second card
    String receipt = provincialCentre.submit(order);
    String bankOrder = bank.order(order);
    tx.executeWithoutResult(s -> audit.append(AuditTrail.ofCase(caseNumber), "production-ordered", "system", null,
        "PRODUCTION_ORDERED", Map.of("provincialReceipt", receipt, "bankOrder", bankOrder, "card", card.cardId())));
    return due;
  }

  /** The card is late: supervisors follow up while the case keeps waiting for it. */
  public void overdue(String caseNumber) {
    int seq = links.find(caseNumber).orElseThrow().waitSeq();
    tasks.upsert(caseNumber, ALERT_PRODUCTION_OVERDUE, seq, 0L, "cardcase:" + FORM_PRODUCTION_OVERDUE, GROUP_SUPERVISORS,
        clock.instant());
  }

  /**
   * A supervisor had the bank make the card again (task {@code taskId}): the order is placed once
   * more under the task's key, and the case takes the card from whichever order reports first.
   */
  public void reorder(String caseNumber, long taskId, String decidedBy) {
    CardOrder order = orderOf(caseNumber);
    String ref = bank.reorder(order, "task-" + taskId);
    tx.executeWithoutResult(s -> audit.append(AuditTrail.ofCase(caseNumber), "production-reordered:" + taskId, decidedBy, null,
        "PRODUCTION_REORDERED", Map.of("bankOrder", ref, "card", order.cardId(), "task", taskId)));
  }

  /** What the centre and the bank are sent for the case's card. */
  CardOrder orderOf(String caseNumber) {
    CaseRecord c = cases.get(caseNumber);
    Card card = cards.ofCase(caseNumber);
    String miNumber = cards.issueMedicalInsuranceNumber(card.cardId());
    byte[] portrait = documents.latest(caseNumber, "PORTRAIT_PHOTO").map(d -> documents.bytes(d.id())).orElse(new byte[0]);
    return new CardOrder(caseNumber, card.cardId(), c.applicantName(), c.idNumber(), c.issuingBank(), miNumber, portrait);
  }
}
