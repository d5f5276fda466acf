package org.cardcase.cases;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** card_case rows. Every change also queues the case for the search read model (same transaction). */
@Repository
public class CaseRepository {
  private final JdbcClient jdbc;

  public CaseRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public String nextCaseNumber(Instant now) {
    long seq = jdbc.sql("select nextval('case_number_seq')").query(Long.class).single();
    return "SC" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd")
        .withZone(org.cardcase.calendar.WorkingDayCalendar.ZONE).format(now) + String.format("%06d", seq);
  }

  public void insert(CaseRecord c) {
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name,
          id_number, sex, phone, issuing_bank, created_at, updated_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
        .params(c.caseNumber(), c.caseType(), c.status(), c.currentStep(), c.channel(), c.applicantName(),
            c.idNumber(), c.sex(), c.phone(), c.issuingBank(), Timestamp.from(c.createdAt()), Timestamp.from(c.updatedAt()))
        .update();
    queueForSearch(c.caseNumber());
  }

  public Optional<CaseRecord> find(String caseNumber) {
    return jdbc.sql("select * from card_case where case_number = ?").param(caseNumber).query(CaseRepository::map).optional();
  }

  public CaseRecord get(String caseNumber) {
    return find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
  }

  /** The open case of this type for this person, if any (one application per person at a time). */
  public Optional<String> openCaseOf(String idNumber, String caseType) {
    return jdbc.sql("select case_number from card_case where id_number = ? and case_type = ? and closed_at is null")
        .params(idNumber, caseType).query(String.class).optional();
  }

  public void moveTo(String caseNumber, String step) {
    int n = jdbc.sql("update card_case set current_step = ?, updated_at = now() where case_number = ? and current_step <> ?")
        .params(step, caseNumber, step).update();
    if (n > 0) {
      queueForSearch(caseNumber);
    }
  }

  /** Sets the status; returns false if it already had it (a redelivered job). */
  public boolean setStatus(String caseNumber, String status) {
    int n = jdbc.sql("update card_case set status = ?, updated_at = now() where case_number = ? and status <> ?")
        .params(status, caseNumber, status).update();
    if (n > 0) {
      queueForSearch(caseNumber);
    }
    return n > 0;
  }

  public void close(String caseNumber, String step) {
    int n = jdbc.sql("update card_case set closed_at = now(), current_step = ?, updated_at = now() where case_number = ? and closed_at is null")
        .params(step, caseNumber).update();
    if (n > 0) {
      queueForSearch(caseNumber);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** Merges case-specific data (delegate, relationship, ...) into the case's {@code data}. */
  public void putData(String caseNumber, java.util.Map<String, Object> data) {
    String json;
    try {
      json = JSON.writeValueAsString(data);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    jdbc.sql("update card_case set data = data || ?::jsonb, updated_at = now() where case_number = ?").params(json, caseNumber).update();
  }

  public String data(String caseNumber) {
    return jdbc.sql("select data::text from card_case where case_number = ?").param(caseNumber).query(String.class).single();
  }

  public List<CaseRecord> recent(int limit) {
    return jdbc.sql("select * from card_case order by created_at desc limit ?").param(limit).query(CaseRepository::map).list();
  }

  public void queueForSearch(String caseNumber) {
    jdbc.sql("insert into search_outbox (case_number) values (?)").param(caseNumber).update();
  }

  static CaseRecord map(ResultSet rs, int row) throws SQLException {
    Timestamp closed = rs.getTimestamp("closed_at");
    return new CaseRecord(rs.getString("case_number"), rs.getString("case_type"), rs.getString("status"),
        rs.getString("current_step"), rs.getString("channel"), rs.getString("applicant_name"),
        rs.getString("id_number"), rs.getString("sex"), rs.getString("phone"), rs.getString("issuing_bank"),
        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
        closed == null ? null : closed.toInstant());
  }
}
