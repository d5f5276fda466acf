package org.cardcase.search;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.shared.FieldErrors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cases whose search documents Elasticsearch refused for what they are (a mapping error, a value
 * too long for its field: a 4xx other than 429). Sending them again would fail again, so instead of
 * blocking the outbox they are set aside here with the reason; everything else goes on being
 * indexed. An administrator retries one (its case goes back into the outbox: after fixing the data
 * or the mapping) or skips it (it stays out of the index; audited on the case with the reason).
 */
@Component
public class SearchDeadLetters {
  public static final String REFUSED = "REFUSED";
  public static final String RETRIED = "RETRIED";
  public static final String SKIPPED = "SKIPPED";
  public static final String INDEXED = "INDEXED";

  /** A case set aside; {@code state} REFUSED while it waits for an administrator. */
  public record DeadLetter(long id, String caseNumber, String documentIndex, String documentId, int httpStatus,
      String errorType, String reason, int refusals, Instant firstRefusedAt, Instant lastRefusedAt, String state,
      Instant resolvedAt, String resolvedBy, String note) {}

  /** No dead letter with this id. */
  public static class NotFound extends RuntimeException {
    public NotFound(long id) {
      super("no search dead letter " + id);
    }
  }

  /** The dead letter was already retried, skipped or indexed. */
  public static class AlreadyHandled extends RuntimeException {
    public AlreadyHandled(DeadLetter d) {
      super("search dead letter " + d.id() + " of case " + d.caseNumber() + " is already " + d.state()
          + (d.resolvedBy() == null ? "" : " (by " + d.resolvedBy() + ")"));
    }
  }

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final AuditTrail audit;

  public SearchDeadLetters(JdbcClient jdbc, TransactionTemplate tx, AuditTrail audit) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.audit = audit;
  }

  /** Sets the cases aside (or counts one more refusal of a case already set aside); in the indexer's transaction. */
  void refused(Collection<CaseIndex.Refusal> refusals) {
    for (CaseIndex.Refusal r : refusals) {
      jdbc.sql("""
          insert into search_dead_letter (case_number, document_index, document_id, http_status, error_type, reason)
          values (?, ?, ?, ?, ?, ?)
          on conflict (case_number) where state = 'REFUSED' do update set document_index = excluded.document_index,
            document_id = excluded.document_id, http_status = excluded.http_status, error_type = excluded.error_type,
            reason = excluded.reason, refusals = search_dead_letter.refusals + 1, last_refused_at = now()""")
          .params(r.caseNumber(), r.index(), r.documentId(), r.status(), r.type(), r.reason()).update();
    }
  }

  /** These cases were indexed whole: a dead letter still open for one of them is closed as INDEXED. */
  void indexed(Collection<String> caseNumbers) {
    if (caseNumbers.isEmpty()) {
      return;
    }
    jdbc.sql("""
        update search_dead_letter set state = 'INDEXED', resolved_at = now()
        where state = 'REFUSED' and case_number = any(?)""").param(caseNumbers.toArray(String[]::new)).update();
  }

  /** Dead letters, newest refusal first: only those waiting for an administrator, or all. */
  public List<DeadLetter> list(boolean waitingOnly, int limit) {
    return jdbc.sql("select * from search_dead_letter where (not ? or state = 'REFUSED') order by last_refused_at desc, id desc limit ?")
        .params(waitingOnly, Math.max(1, Math.min(limit, 1000))).query(SearchDeadLetters::map).list();
  }

  /** Cases set aside and waiting for an administrator. */
  public long waiting() {
    return jdbc.sql("select count(*) from search_dead_letter where state = 'REFUSED'").query(Long.class).single();
  }

  public DeadLetter get(long id) {
    return jdbc.sql("select * from search_dead_letter where id = ?").param(id).query(SearchDeadLetters::map).optional()
        .orElseThrow(() -> new NotFound(id));
  }

  /**
   * Puts the case back into the outbox (after its data or the mapping was fixed): it is indexed on
   * the indexer's next round, or set aside again with the new reason. Audited on the case.
   */
  public DeadLetter retry(long id, String admin) {
    return tx.execute(s -> {
      DeadLetter d = close(id, RETRIED, admin, null);
      jdbc.sql("insert into search_outbox (case_number) values (?)").param(d.caseNumber()).update();
      audit.append(AuditTrail.ofCase(d.caseNumber()), "search-dead-letter:" + id + ":retry", admin, null,
          "SEARCH_DOCUMENT_RETRIED", detail(d, null));
      return get(id);
    });
  }

  /** Leaves the case out of the index until it changes again; needs a reason, audited on the case with it. */
  public DeadLetter skip(long id, String admin, String reason) {
    if (reason == null || reason.isBlank()) {
      throw FieldErrors.of("reason", "say why the case may stay out of the search index");
    }
    return tx.execute(s -> {
      DeadLetter d = close(id, SKIPPED, admin, reason.strip());
      audit.append(AuditTrail.ofCase(d.caseNumber()), "search-dead-letter:" + id + ":skip", admin, null,
          "SEARCH_DOCUMENT_SKIPPED", detail(d, reason.strip()));
      return get(id);
    });
  }

  private DeadLetter close(long id, String state, String admin, String note) {
    DeadLetter d = jdbc.sql("select * from search_dead_letter where id = ? for update").param(id)
        .query(SearchDeadLetters::map).optional().orElseThrow(() -> new NotFound(id));
    if (!REFUSED.equals(d.state())) {
      throw new AlreadyHandled(d);
    }
    jdbc.sql("update search_dead_letter set state = ?, resolved_at = now(), resolved_by = ?, note = ? where id = ?")
        .params(state, admin, note, id).update();
    return d;
  }

  private static Map<String, Object> detail(DeadLetter d, String reason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("deadLetter", d.id());
    m.put("document", d.documentIndex() + "/" + d.documentId());
    m.put("refusal", d.reason());
    if (reason != null) {
      m.put("reason", reason);
    }
    return m;
  }

  private static DeadLetter map(ResultSet rs, int row) throws SQLException {
    return new DeadLetter(rs.getLong("id"), rs.getString("case_number"), rs.getString("document_index"),
        rs.getString("document_id"), rs.getInt("http_status"), rs.getString("error_type"), rs.getString("reason"),
        rs.getInt("refusals"), instant(rs.getTimestamp("first_refused_at")), instant(rs.getTimestamp("last_refused_at")),
        rs.getString("state"), instant(rs.getTimestamp("resolved_at")), rs.getString("resolved_by"), rs.getString("note"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
