package org.cardcase.verification;

import static org.cardcase.processes.RealNameVerificationProcess.JOB_CHECK_DOCUMENTS;
import static org.cardcase.processes.RealNameVerificationProcess.JOB_QUERY_REGISTRY;
import static org.cardcase.processes.RealNameVerificationProcess.JOB_RECORD_OUTCOME;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_DECISION_REASON;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_DOCUMENTS_OK;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_OUTCOME;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_PHOTO_DECISION;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_PHOTO_SIMILARITY;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_REASON;

import java.util.HashMap;
import java.util.Map;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The automated steps of real-name verification: each reads the job's variables and calls one method of {@link RealNameChecks}. */
@Configuration
public class VerificationWorkers {

  @Bean
  CaseJobHandler checkDocuments(RealNameChecks checks) {
    return new Step(JOB_CHECK_DOCUMENTS, (job, cn) -> {
      RealNameChecks.Documents found = checks.checkDocuments(cn);
      Map<String, Object> out = new HashMap<>(); // the reason may be null
      out.put(VAR_DOCUMENTS_OK, found.ok());
      out.put(VAR_REASON, found.problem());
      return out;
    });
  }

  @Bean
  CaseJobHandler queryRegistry(RealNameChecks checks) {
    return new Step(JOB_QUERY_REGISTRY, (job, cn) -> {
      RealNameChecks.Registry answer = checks.queryRegistry(cn);
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_OUTCOME, answer.outcome());
      out.put(VAR_REASON, answer.reason());
      out.put(VAR_PHOTO_SIMILARITY, answer.photoSimilarity());
      return out;
    });
  }

  @Bean
  CaseJobHandler recordOutcome(RealNameChecks checks) {
    return new Step(JOB_RECORD_OUTCOME, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      Object decision = v.get(VAR_PHOTO_DECISION);
      RealNameChecks.Decision d = checks.decide(cn, new RealNameChecks.Findings(
          v.get(VAR_DOCUMENTS_OK) instanceof Boolean ok ? ok : null, String.valueOf(v.get(VAR_OUTCOME)),
          (String) v.get(VAR_REASON), decision == null ? null : decision.toString(), (String) v.get(VAR_DECISION_REASON)));
      Map<String, Object> out = new HashMap<>();
      out.put(VAR_OUTCOME, d.outcome());
      out.put(VAR_REASON, d.reason());
      return out;
    });
  }
}
