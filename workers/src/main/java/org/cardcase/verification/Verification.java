package org.cardcase.verification;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The verification rounds of a case: what the checks found and what was decided, round by round. */
@Repository
public class Verification {
  public record Round(String caseNumber, int round, Boolean documentsOk, String documentProblem, String registryResult,
      BigDecimal photoSimilarity, String outcome, String reason, String decidedBy) {}

  private final JdbcClient jdbc;

  public Verification(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public int currentRound(String caseNumber) {
    return jdbc.sql("select verification_round from card_case where case_number = ?").param(caseNumber).query(Integer.class).single();
  }

  /** A resubmission opens the next round. */
  public int nextRound(String caseNumber) {
    return jdbc.sql("update card_case set verification_round = verification_round + 1 where case_number = ? returning verification_round")
        .param(caseNumber).query(Integer.class).single();
  }

  public void recordDocuments(String caseNumber, int round, boolean ok, String problem) {
    jdbc.sql("""
        insert into verification_round (case_number, round, documents_ok, document_problem) values (?, ?, ?, ?)
        on conflict (case_number, round) do update set documents_ok = excluded.documents_ok,
          document_problem = excluded.document_problem, updated_at = now()""")
        .params(caseNumber, round, ok, problem).update();
  }

  public void recordRegistry(String caseNumber, int round, String result, double similarity) {
    jdbc.sql("""
        update verification_round set registry_result = ?, photo_similarity = ?, updated_at = now()
        where case_number = ? and round = ?""").params(result, similarity, caseNumber, round).update();
  }

  public void recordOutcome(String caseNumber, int round, String outcome, String reason, String decidedBy) {
    jdbc.sql("""
        update verification_round set outcome = ?, reason = ?, decided_by = ?, updated_at = now()
        where case_number = ? and round = ?""").params(outcome, reason, decidedBy, caseNumber, round).update();
  }

  public Optional<Round> round(String caseNumber, int round) {
    return jdbc.sql("select * from verification_round where case_number = ? and round = ?").params(caseNumber, round)
        .query((rs, i) -> new Round(rs.getString("case_number"), rs.getInt("round"), (Boolean) rs.getObject("documents_ok"),
            rs.getString("document_problem"), rs.getString("registry_result"), rs.getBigDecimal("photo_similarity"),
            rs.getString("outcome"), rs.getString("reason"), rs.getString("decided_by")))
        .optional();
  }

  public Map<String, Object> asMap(Round r) {
    return Map.of("round", r.round(), "outcome", String.valueOf(r.outcome()));
  }
}
