package org.cardcase.documents;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The documents' side of the personal-data retention job ({@code org.cardcase.retention}): which
 * cases still hold content, and removing it (content set to null; the row stays with when and why).
 * The only SQL that empties a document; with encrypted content, the encrypted column is emptied here too.
 */
@Component
public class DocumentRetention {
  /** A document whose content was removed. */
  public record Removed(long id, String kind, int version) {}

  private final JdbcClient jdbc;

  public DocumentRetention(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Of these cases, those with at least one document whose content is still there. */
  public Set<String> casesWithContent(Collection<String> caseNumbers) {
    if (caseNumbers.isEmpty()) {
      return Set.of();
    }
    return new TreeSet<>(jdbc.sql("""
        select distinct case_number from case_document where case_number = any(?) and removed_at is null""")
        .param(caseNumbers.toArray(String[]::new)).query(String.class).list());
  }

  /**
   * Removes the content of the case's documents, except (if {@code keepLatestPortrait}) its latest
   * portrait: the one its current card was made with, which a reissue reuses.
   */
  public List<Removed> removeContent(String caseNumber, boolean keepLatestPortrait, Instant at, String reason) {
    return jdbc.sql("""
        update case_document d set bytes = null, bytes_sealed = null, removed_at = ?, removed_reason = ?
        where d.case_number = ? and d.removed_at is null
          and not (? and d.kind = 'PORTRAIT_PHOTO' and d.version = (select max(p.version) from case_document p
                   where p.case_number = d.case_number and p.kind = 'PORTRAIT_PHOTO'))
        returning d.id, d.kind, d.version""")
        .params(Timestamp.from(at), reason, caseNumber, keepLatestPortrait)
        .query((rs, i) -> new Removed(rs.getLong("id"), rs.getString("kind"), rs.getInt("version"))).list()
        .stream().sorted(Comparator.comparingLong(Removed::id)).toList();
  }
}
