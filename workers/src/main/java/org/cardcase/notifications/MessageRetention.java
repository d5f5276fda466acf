package org.cardcase.notifications;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The messages' side of the personal-data retention job ({@code org.cardcase.retention}): a
 * message's text and recipient are redacted (set to null, the sealed copy too) once it is old
 * enough; the template, the time, the provider's id and the audit trail's {@code NOTIFICATION_SENT} stay.
 */
@Component
public class MessageRetention {
  private final JdbcClient jdbc;

  public MessageRetention(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Up to {@code limit} cases, after {@code after} in number order, with a message text sent before the cutoff. */
  public List<String> casesWithTextSentBefore(Instant cutoff, String after, int limit) {
    return jdbc.sql("""
        select distinct case_number from notification
        where redacted_at is null and sent_at < ? and case_number is not null and case_number > ?
        order by case_number limit ?""").params(Timestamp.from(cutoff), after, limit).query(String.class).list();
  }

  /** Redacts the case's message texts sent before the cutoff; returns how many. */
  public int redact(String caseNumber, Instant cutoff, Instant at) {
    return jdbc.sql("""
        update notification set text = null, recipient = null, personal = null, redacted_at = ?
        where case_number = ? and redacted_at is null and sent_at < ?""")
        .params(Timestamp.from(at), caseNumber, Timestamp.from(cutoff)).update();
  }

  /** Redacts at most {@code limit} texts of messages tied to no case; returns how many. */
  public int redactWithoutCase(Instant cutoff, Instant at, int limit) {
    return jdbc.sql("""
        update notification set text = null, recipient = null, personal = null, redacted_at = ?
        where id in (select id from notification where case_number is null and redacted_at is null and sent_at < ? limit ?)""")
        .params(Timestamp.from(at), Timestamp.from(cutoff), limit).update();
  }
}
