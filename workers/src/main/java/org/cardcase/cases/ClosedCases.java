package org.cardcase.cases;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Closed cases, for the personal-data retention job ({@code org.cardcase.retention}): which closed
 * before a cutoff, page by page in case-number order, and when one closed.
 */
@Component
public class ClosedCases {
  private final JdbcClient jdbc;

  public ClosedCases(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Up to {@code limit} cases closed before {@code cutoff} whose number comes after {@code after}, in number order. */
  public List<String> closedBefore(Instant cutoff, String after, int limit) {
    return jdbc.sql("""
        select case_number from card_case where closed_at < ? and case_number > ? order by case_number limit ?""")
        .params(Timestamp.from(cutoff), after, limit).query(String.class).list();
  }

  /** When the case closed; empty while it is open (or if there is no such case). */
  public Optional<Instant> closedAt(String caseNumber) {
    return jdbc.sql("select closed_at from card_case where case_number = ?").param(caseNumber)
        .query((rs, i) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant)).list().stream()
        .findFirst().flatMap(o -> o);
  }
}
