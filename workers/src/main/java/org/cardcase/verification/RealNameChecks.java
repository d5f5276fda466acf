package org.cardcase.verification;

import static org.cardcase.processes.RealNameVerificationProcess.COMPARE_PHOTOS;
import static org.cardcase.processes.RealNameVerificationProcess.DECISION_APPROVE;
import static org.cardcase.processes.RealNameVerificationProcess.DECISION_NEW_PHOTO;
import static org.cardcase.processes.RealNameVerificationProcess.INCONCLUSIVE;
import static org.cardcase.processes.RealNameVerificationProcess.NEW_PHOTO_REQUESTED;
import static org.cardcase.processes.RealNameVerificationProcess.REJECTED;
import static org.cardcase.processes.RealNameVerificationProcess.VERIFIED;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.documents.FileCheck;
import org.cardcase.shared.IdNumber;
import org.cardcase.tasks.TaskStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The automated steps of real-name verification. Each records its finding for the case's current
 * round in PostgreSQL and in the audit trail once; a redelivered step records nothing twice.
 */
@Service
public class RealNameChecks {
  /** The documents a card application must carry. */
  public static final List<String> REQUIRED_DOCUMENTS = List.of("PORTRAIT_PHOTO", "ID_CARD_FRONT");

  /** What the document check found: {@code problem} is null when the documents can be used. */
  public record Documents(boolean ok, String problem) {}

  /** What the registry said: VERIFIED, REJECTED (with the reason) or INCONCLUSIVE (a clerk compares the photos). */
  public record Registry(String outcome, String reason, double photoSimilarity) {}

  /**
   * What the round found before its decision: the document check, the registry's outcome and
   * reason, and a clerk's photo decision with its reason if a clerk compared the photos.
   */
  public record Findings(Boolean documentsOk, String outcome, String reason, String photoDecision, String decisionReason) {}

  /** The round's decision. */
  public record Decision(String outcome, String reason) {}

  private final CaseRepository cases;
  private final CaseDocuments documents;
  private final PopulationRegistry registry;
  private final Verification verification;
  private final TaskStore tasks;
  private final AuditTrail audit;
  private final Clock clock;
  private final TransactionTemplate tx;
  private final double autoApprove;

  public RealNameChecks(CaseRepository cases, CaseDocuments documents, PopulationRegistry registry, Verification verification,
      TaskStore tasks, AuditTrail audit, Clock clock, TransactionTemplate tx,
      @Value("${cardcase.verification.auto-approve-similarity:0.90}") double autoApprove) {
    this.cases = cases;
    this.documents = documents;
    this.registry = registry;
    this.verification = verification;
    this.tasks = tasks;
    this.audit = audit;
    this.clock = clock;
    this.tx = tx;
    this.autoApprove = autoApprove;
  }

  /** The ID number and the required documents, checked and recorded for the current round. */
  public Documents checkDocuments(String caseNumber) {
    CaseRecord c = cases.get(caseNumber);
    List<String> problems = new ArrayList<>();
    IdNumber.Check id = IdNumber.check(c.idNumber(), LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!id.valid()) {
      problems.add("ID number: " + String.join("; ", id.errors()));
    }
    for (String kind : REQUIRED_DOCUMENTS) {
      var doc = documents.latest(caseNumber, kind);
      if (doc.isEmpty()) {
        problems.add(kind + ": missing");
        continue;
      }
      FileCheck.Result r = documents.check(kind, documents.bytes(doc.get().id()));
      if (!r.ok()) {
        problems.add(kind + ": " + String.join("; ", r.problems()));
      }
    }
    boolean ok = problems.isEmpty();
    String problem = ok ? null : String.join(" | ", problems);
    tx.executeWithoutResult(s -> {
      int round = verification.currentRound(caseNumber);
      verification.recordDocuments(caseNumber, round, ok, problem);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("round", round);
      detail.put("documentsOk", ok);
      if (problem != null) {
        detail.put("problem", problem);
      }
      audit.append(AuditTrail.ofCase(caseNumber), "documents-checked:" + round, "system", null, "DOCUMENTS_CHECKED", detail);
    });
    return new Documents(ok, problem);
  }

  /**
   * The population registry asked (guide 001: the ID card photo against the registry, the portrait
   * against both) and its answer recorded for the current round. Throws {@link
   * PopulationRegistry.Unavailable}: the step fails and the engine retries.
   */
  public Registry queryRegistry(String caseNumber) {
    CaseRecord c = cases.get(caseNumber);
    byte[] portrait = documents.latest(caseNumber, "PORTRAIT_PHOTO").map(d -> documents.bytes(d.id())).orElse(new byte[0]);
    byte[] idCard = documents.latest(caseNumber, "ID_CARD_FRONT").map(d -> documents.bytes(d.id())).orElse(new byte[0]);
    PopulationRegistry.Answer a = registry.verify(c.idNumber(), c.applicantName(), portrait, idCard);
    String outcome;
    String reason = null;
    if (a.match() == PopulationRegistry.Match.NO_MATCH) {
      outcome = REJECTED;
      reason = "the population registry has no resident with this ID number and name";
    } else if (a.lowestSimilarity() >= autoApprove) {
      outcome = VERIFIED;
    } else {
      outcome = INCONCLUSIVE;
    }
    tx.executeWithoutResult(s -> {
      int round = verification.currentRound(caseNumber);
      verification.recordRegistry(caseNumber, round, a.match().name(), a.lowestSimilarity());
      audit.append(AuditTrail.ofCase(caseNumber), "registry-checked:" + round, "system", "population-registry", "REGISTRY_CHECKED",
          Map.of("round", round, "result", a.match().name(), "photoSimilarity", a.photoSimilarity(),
              "idCardSimilarity", a.idCardSimilarity()));
    });
    return new Registry(outcome, reason, a.lowestSimilarity());
  }

  /**
   * The round's decision: unusable documents reject it; otherwise a clerk's photo decision, if a
   * clerk compared the photos, or else the registry's outcome. Recorded and audited once per round;
   * a verified case says so.
   */
  public Decision decide(String caseNumber, Findings f) {
    String outcome;
    String reason;
    String decidedBy = "system";
    if (Boolean.FALSE.equals(f.documentsOk())) {
      outcome = REJECTED;
      reason = "the documents cannot be used: " + f.reason();
    } else if (f.photoDecision() != null) {
      reason = f.decisionReason();
      outcome = switch (f.photoDecision()) {
        case DECISION_APPROVE -> VERIFIED;
        case DECISION_NEW_PHOTO -> NEW_PHOTO_REQUESTED;
        default -> REJECTED;
      };
      decidedBy = tasks.lastCompletedBy(caseNumber, COMPARE_PHOTOS).orElse("clerk");
    } else {
      outcome = f.outcome();
      reason = f.reason();
    }
    String who = decidedBy;
    tx.executeWithoutResult(s -> {
      int round = verification.currentRound(caseNumber);
      verification.recordOutcome(caseNumber, round, outcome, reason, who);
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("round", round);
      detail.put("outcome", outcome);
      if (reason != null) {
        detail.put("reason", reason);
      }
      audit.append(AuditTrail.ofCase(caseNumber), "verification:" + round, who, null, "VERIFICATION_DECIDED", detail);
      if (VERIFIED.equals(outcome)) {
        cases.changeStatus(caseNumber, CaseStatus.VERIFIED, "round-" + round);
      }
    });
    return new Decision(outcome, reason);
  }
}
