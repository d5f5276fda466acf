package org.cardcase.flow;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.cardcase.shared.Retention;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * engine_generation rows: every start and every heal of the in-process engine, for supervisors and
 * admins. A heal follows failed probes, so an engine that keeps failing adds rows: they are kept
 * {@code cardcase.retention.engine-generations} (365 days) and trimmed by {@link Retention}, never
 * the newest (its number sets where the next generation's keys start) nor one an open case still
 * runs in. The heal count is that of the generations kept.
 */
@Repository
public class EngineGenerations implements Retention.Table {
  public record Generation(long generation, String reason, String failure, Instant startedAt, Instant readyAt,
      int casesToResume, int casesResumed, int resumeFailures, Instant resumedAt, int attempts, Instant firstAttemptAt) {}

  private final JdbcClient jdbc;
  private final Duration retention;

  public EngineGenerations(JdbcClient jdbc, @Value("${cardcase.retention.engine-generations:365d}") Duration retention) {
    this.jdbc = jdbc;
    this.retention = retention;
  }

  @Override
  public String table() {
    return "engine_generation";
  }

  @Override
  public Duration retention() {
    return retention;
  }

  @Override
  public int trim(Instant cutoff, int limit) {
    return jdbc.sql("""
        delete from engine_generation where generation in (
          select g.generation from engine_generation g
          where g.started_at < ? and g.generation < (select max(generation) from engine_generation)
            and not exists (select 1 from process_link l where l.ended_at is null and l.engine_generation = g.generation)
          order by g.generation limit ?)""").params(Timestamp.from(cutoff), limit).update();
  }

  /**
   * The number the next engine will run as (its keys start at number × 2^40). Nothing is taken:
   * a start that fails does not use a number up; only {@link #started} does.
   */
  public long nextNumber() {
    return jdbc.sql("select coalesce(max(generation), 0) + 1 from engine_generation").query(Long.class).single();
  }

  /**
   * Records that an engine started as this generation and was deployed to, before the application
   * is given any key of it (so no key of it is remembered anywhere without its row). {@code attempts}: tries this start took, the failed
   * ones included; {@code firstAttemptAt}: when the first of them began.
   */
  public void started(long generation, String reason, String failure, int attempts, Instant firstAttemptAt) {
    jdbc.sql("""
        insert into engine_generation (generation, reason, failure, attempts, first_attempt_at)
        values (?, ?, ?, ?, ?)""")
        .params(generation, reason, failure, attempts, Timestamp.from(firstAttemptAt)).update();
  }

  public void ready(long generation, int casesToResume) {
    jdbc.sql("update engine_generation set ready_at = now(), cases_to_resume = ? where generation = ?")
        .params(casesToResume, generation).update();
  }

  public void progress(long generation, int resumed, int failures, boolean done) {
    jdbc.sql("""
        update engine_generation set cases_resumed = ?, resume_failures = ?,
          resumed_at = case when ? then now() else resumed_at end where generation = ?""")
        .params(resumed, failures, done, generation).update();
  }

  public List<Generation> recent(int limit) {
    return jdbc.sql("select * from engine_generation order by generation desc limit ?").param(limit)
        .query(EngineGenerations::map).list();
  }

  public long heals() {
    return jdbc.sql("select count(*) from engine_generation where reason = 'HEAL'").query(Long.class).single();
  }

  private static Generation map(ResultSet rs, int row) throws SQLException {
    return new Generation(rs.getLong("generation"), rs.getString("reason"), rs.getString("failure"),
        instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("ready_at")), rs.getInt("cases_to_resume"),
        rs.getInt("cases_resumed"), rs.getInt("resume_failures"), instant(rs.getTimestamp("resumed_at")), rs.getInt("attempts"),
        instant(rs.getTimestamp("first_attempt_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
