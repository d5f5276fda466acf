package org.cardcase.verification;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRepository;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The verification rounds of a case: what the checks found and what was decided, round by round. */
@Repository
public class Verification {
  /** A card in one of these states was made after its holder was verified. */
  private static final Set<CardState> MADE_AFTER_VERIFICATION = EnumSet.of(
      CardState.IN_PRODUCTION, CardState.PRODUCED,
      CardState.AWAITING_ACTIVATION, CardState.ACTIVE,
      CardState.SUSPENDED);
  public record Round(String caseNumber, int round, Boolean documentsOk, String documentProblem, String registryResult,
      BigDecimal photoSimilarity, String outcome, String reason, String decidedBy) {}

  private final JdbcClient jdbc;
  private final CardLifecycle cards;
  private final CaseRepository cases;

  public Verification(JdbcClient jdbc, CardLifecycle cards, CaseRepository cases) {
    this.jdbc = jdbc;
    this.cards = cards;
    this.cases = cases;
  }

  /** Real-name verified: the person holds a card made after verification, or passed a verification round of a case. */
  public boolean realNameVerified(String idNumber) {
    return cards.holdsCardIn(idNumber, MADE_AFTER_VERIFICATION) || anyVerified(cases.caseNumbersOf(idNumber));
  }

  /** The round the case is in: 1 until a resubmission opens the next. */
  public int currentRound(String caseNumber) {
    return jdbc.sql("select coalesce((select current_round from verification_case where case_number = ?), 1)")
        .param(caseNumber).query(Integer.class).single();
  }

  /** A resubmission opens the next round. */
  public int nextRound(String caseNumber) {
    return jdbc.sql("""
        insert into verification_case (case_number, current_round) values (?, 2)
        on conflict (case_number) do update set current_round = verification_case.current_round + 1
        returning current_round""").param(caseNumber).query(Integer.class).single();
  }

  /** Whether any of these cases passed a verification round. */
  public boolean anyVerified(List<String> caseNumbers) {
    return !caseNumbers.isEmpty() && jdbc.sql("select exists (select 1 from verification_round where case_number = any(?) and outcome = 'VERIFIED')")
        .param(caseNumbers.toArray(String[]::new)).query(Boolean.class).single();
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
