package org.cardcase.flow;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.cardcase.shared.Retention;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The message inbox keeps each message received (a partner's callback, a branch's confirmation) so
 * that a repeated one moves nothing twice. That matters while the case can still move: a message is
 * deleted only when it was received more than {@code cardcase.retention.inbound-messages} (365
 * days) ago and its case's process ended more than that long ago too (or the case never had one).
 * A callback repeated after that finds the case ended and moves nothing either. Trials of a draft on
 * a case that old no longer see its messages.
 */
@Component
public class InboxRetention implements Retention.Table {
  private final JdbcClient jdbc;
  private final Duration retention;

  public InboxRetention(JdbcClient jdbc, @Value("${cardcase.retention.inbound-messages:365d}") Duration retention) {
    this.jdbc = jdbc;
    this.retention = retention;
  }

  @Override
  public String table() {
    return "inbound_message";
  }

  @Override
  public Duration retention() {
    return retention;
  }

  /** The oldest first, through the index on {@code received_at} (V46). */
  @Override
  public int trim(Instant cutoff, int limit) {
    Timestamp at = Timestamp.from(cutoff);
    return jdbc.sql("""
        delete from inbound_message where message_id in (
          select m.message_id from inbound_message m
          where m.received_at < ?
            and not exists (select 1 from process_link l where l.case_number = m.case_number
                            and (l.ended_at is null or l.ended_at >= ?))
          order by m.received_at limit ?)""").params(at, at, limit).update();
  }
}
