package org.cardcase.cases;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.cardcase.WorkersConfiguration.Deadlines;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.reference.ReferenceData;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.ProcessStarter;
import org.cardcase.processes.CardApplicationProcess;
import org.cardcase.processes.CaseFlow;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Opening cases: stored first (the answer to the channel means "safely stored"), then started. */
@Service
public class CaseService {
  public static final String TYPE_CARD_APPLICATION = "CARD_APPLICATION";

  private final CaseRepository cases;
  private final ProcessLinks links;
  private final ProcessStarter starter;
  private final TransactionTemplate tx;
  private final CaseDeadlines caseDeadlines;
  private final CardLifecycle cards;
  private final ReferenceData reference;
  private final Deadlines deadlines;
  private final Clock clock;
  private final AuditTrail audit;

  public CaseService(CaseRepository cases, ProcessLinks links, ProcessStarter starter, TransactionTemplate tx,
      CaseDeadlines caseDeadlines, CardLifecycle cards, Deadlines deadlines, Clock clock, AuditTrail audit, ReferenceData reference) {
    this.reference = reference;
    this.caseDeadlines = caseDeadlines;
    this.cards = cards;
    this.audit = audit;
    this.cases = cases;
    this.links = links;
    this.starter = starter;
    this.tx = tx;
    this.deadlines = deadlines;
    this.clock = clock;
  }

  /**
   * Validates and stores a card application with its process start instruction in one
   * transaction, then starts the process. If the start fails or the JVM dies first, the recovery
   * sweeper starts it: the stored case is never stranded.
   */
  public String applyForCard(CardApplication input, String authenticatedChannel) {
    Instant now = clock.instant();
    CardApplication app = input.validated(authenticatedChannel, LocalDate.ofInstant(now, WorkingDayCalendar.ZONE),
        reference.codes(ReferenceData.Kind.BANK));
    String caseNumber = tx.execute(s -> {
      cases.openCaseOf(app.idNumber(), TYPE_CARD_APPLICATION).ifPresent(open -> {
        throw new CaseConflict("this person already has an open card application: " + open, open);
      });
      String cn = cases.nextCaseNumber(now);
      cases.insert(new CaseRecord(cn, TYPE_CARD_APPLICATION, "RECEIVED", CardApplicationProcess.START, app.channel(),
          app.applicantName(), app.idNumber(), app.sex(), app.phone(), app.issuingBank(), now, now, null));
      Map<String, Object> vars = new HashMap<>();
      vars.put(CaseFlow.VAR_CASE_NUMBER, cn);
      vars.put(CardApplicationProcess.VAR_REVIEW_DUE_AT,
          caseDeadlines.once(cn, CardApplicationProcess.VAR_REVIEW_DUE_AT, now, deadlines.getReviewWorkingDays()).toString());
      links.create(cn, CardApplicationProcess.PROCESS_ID, vars);
      audit.append(AuditTrail.ofCase(cn), "received", app.channel(), app.channel(), "CASE_RECEIVED",
          Map.of("caseType", TYPE_CARD_APPLICATION, "issuingBank", app.issuingBank()));
      cards.openFor(cn, app.idNumber(), app.applicantName(), app.issuingBank(), null, app.channel(), app.channel());
      return cn;
    });
    starter.start(caseNumber);
    return caseNumber;
  }
}
