package org.cardcase.verification;

import org.cardcase.cases.CaseStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.documents.FileCheck;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.cardcase.shared.IdNumber;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

import static org.cardcase.processes.RealNameVerificationProcess.*;

/**
 * The automated steps of real-name verification. Each records its finding for the case's current
 * round in PostgreSQL and in the audit trail once; a redelivered job records nothing twice.
 */
@Configuration
public class VerificationWorkers {
  /** The documents a card application must carry. */
  public static final List<String> REQUIRED_DOCUMENTS = List.of("PORTRAIT_PHOTO", "ID_CARD_FRONT");

  @Bean
  CaseJobHandler checkDocuments(CaseRepository cases, CaseDocuments documents, Verification verification,
      TransactionTemplate tx, AuditTrail audit, java.time.Clock clock) {
    return new Step(JOB_CHECK_DOCUMENTS, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      List<String> problems = new java.util.ArrayList<>();
      IdNumber.Check id = IdNumber.check(c.idNumber(), java.time.LocalDate.now(clock.withZone(org.cardcase.calendar.WorkingDayCalendar.ZONE)));
      if (!id.valid()) {
        problems.add("ID number: " + String.join("; ", id.errors()));
      }
      for (String kind : REQUIRED_DOCUMENTS) {
        var doc = documents.latest(cn, kind);
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
        int round = verification.currentRound(cn);
        verification.recordDocuments(cn, round, ok, problem);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("round", round);
        detail.put("documentsOk", ok);
        if (problem != null) {
          detail.put("problem", problem);
        }
        audit.append(AuditTrail.ofCase(cn), "documents-checked:" + round, "system", null, "DOCUMENTS_CHECKED", detail);
      });
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_DOCUMENTS_OK, ok);
      out.put(VAR_REASON, problem);
      return out;
    });
  }

  @Bean
  CaseJobHandler queryRegistry(CaseRepository cases, CaseDocuments documents, PopulationRegistry registry,
      Verification verification, TransactionTemplate tx, AuditTrail audit,
      @Value("${cardcase.verification.auto-approve-similarity:0.90}") double autoApprove) {
    return new Step(JOB_QUERY_REGISTRY, (job, cn) -> {
      CaseRecord c = cases.get(cn);
      byte[] portrait = documents.latest(cn, "PORTRAIT_PHOTO").map(d -> documents.bytes(d.id())).orElse(new byte[0]);
      byte[] idCard = documents.latest(cn, "ID_CARD_FRONT").map(d -> documents.bytes(d.id())).orElse(new byte[0]);
      // guide 001: the ID card photo against the registry, the portrait against both;
      // throws Unavailable: the job fails, the engine retries with backoff, then raises an incident
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
        int round = verification.currentRound(cn);
        verification.recordRegistry(cn, round, a.match().name(), a.lowestSimilarity());
        audit.append(AuditTrail.ofCase(cn), "registry-checked:" + round, "system", "population-registry", "REGISTRY_CHECKED",
            Map.of("round", round, "result", a.match().name(), "photoSimilarity", a.photoSimilarity(),
                "idCardSimilarity", a.idCardSimilarity()));
      });
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_OUTCOME, outcome);
      out.put(VAR_REASON, reason);
      out.put(VAR_PHOTO_SIMILARITY, a.lowestSimilarity());
      return out;
    });
  }

  @Bean
  CaseJobHandler recordOutcome(CaseRepository cases, Verification verification, TransactionTemplate tx, AuditTrail audit,
      org.cardcase.tasks.TaskStore tasks) {
    return new Step(JOB_RECORD_OUTCOME, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      String outcome;
      String reason;
      String decidedBy = "system";
      Object decision = v.get(VAR_PHOTO_DECISION);
      if (Boolean.FALSE.equals(v.get(VAR_DOCUMENTS_OK))) {
        outcome = REJECTED;
        reason = "the documents cannot be used: " + v.get(VAR_REASON);
      } else if (decision != null) {
        reason = (String) v.get(VAR_DECISION_REASON);
        outcome = switch (decision.toString()) {
          case DECISION_APPROVE -> VERIFIED;
          case DECISION_NEW_PHOTO -> NEW_PHOTO_REQUESTED;
          default -> REJECTED;
        };
        decidedBy = tasks.lastCompletedBy(cn, COMPARE_PHOTOS).orElse("clerk");
      } else {
        outcome = String.valueOf(v.get(VAR_OUTCOME));
        reason = (String) v.get(VAR_REASON);
      }
      String who = decidedBy;
      tx.executeWithoutResult(s -> {
        int round = verification.currentRound(cn);
        verification.recordOutcome(cn, round, outcome, reason, who);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("round", round);
        detail.put("outcome", outcome);
        if (reason != null) {
          detail.put("reason", reason);
        }
        audit.append(AuditTrail.ofCase(cn), "verification:" + round, who, null, "VERIFICATION_DECIDED", detail);
        if (VERIFIED.equals(outcome)) {
          cases.changeStatus(cn, CaseStatus.VERIFIED, "round-" + round);
        }
      });
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_OUTCOME, outcome);
      out.put(VAR_REASON, reason);
      return out;
    });
  }
}
