package org.cardcase.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.flow.CaseSteps;
import org.cardcase.privacy.PersonalFields;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The cases themselves: table {@code card_case}, written here only. Every change also queues the
 * case for the search read model (same transaction). The engine glue tells a case which step it
 * entered through {@link CaseSteps}.
 */
@Repository
public class CaseRepository implements CaseSteps {
  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final ApplicationEventPublisher events;
  private final PersonalFields personal;

  /** The table's name in the sealed values' context ({@code card_case/<case number>}). */
  public static final String TABLE = "card_case";

  /**
   * Keys of a case's {@code data} that are personal data: kept sealed with the applicant's fields
   * (in {@code personal}), never in the {@code data} jsonb; {@link #data} merges them back.
   */
  public static final Set<String> PERSONAL_DATA_KEYS = Set.of("childName", "childIdNumber", "signedName", "delegateName",
      "delegateIdNumber", "memberIdNumber", "memberName", "memberPhone");

  /** Data keys whose ID number is looked up: their blind index is {@code member_bidx}. */
  public static final Set<String> MEMBER_KEYS = Set.of("childIdNumber", "memberIdNumber");

  /**
   * The person's rows by ID number: the blind index, or the plain column of a row written before
   * V56 and not yet encrypted (the application encrypts those at start; then the plain column is NULL).
   */
  private static final String PERSON = "(id_bidx = ? or id_number = ?) ";

  /**
   * Published in the changing transaction, by the thread that changes the case, whenever the case
   * or what is shown with it changes; read models (search) queue their update on it.
   */
  public record CaseChanged(String caseNumber) {}

  @Autowired
  public CaseRepository(JdbcClient jdbc, AuditTrail audit, ApplicationEventPublisher events, PersonalFields personal) {
    this.jdbc = jdbc;
    this.audit = audit;
    this.events = events;
    this.personal = personal;
  }

  /** For tests that run without an application context: nobody hears of changes; keys of their own. */
  public CaseRepository(JdbcClient jdbc, AuditTrail audit) {
    this(jdbc, audit, e -> {}, PersonalFields.ephemeral());
  }

  /** The keys this repository seals with (the card lifecycle of a test without a context shares them). */
  public PersonalFields personalFields() {
    return personal;
  }

  public String nextCaseNumber(Instant now) {
    long seq = jdbc.sql("select nextval('case_number_seq')").query(Long.class).single();
    return "SC" + DateTimeFormatter.ofPattern("yyyyMMdd")
        .withZone(WorkingDayCalendar.ZONE).format(now) + String.format("%06d", seq);
  }

  public void insert(CaseRecord c) {
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, personal, id_bidx,
          sex, issuing_bank, created_at, updated_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
        .params(c.caseNumber(), c.caseType(), c.status().name(), c.currentStep(), c.channel(),
            personal.seal(TABLE, c.caseNumber(), fields(c.applicantName(), c.idNumber(), c.phone(), Map.of())),
            personal.idIndex(c.idNumber()), c.sex(), c.issuingBank(), Timestamp.from(c.createdAt()), Timestamp.from(c.updatedAt()))
        .update();
    jdbc.sql("insert into case_step_visit (case_number, step, entered_at) values (?, ?, ?)")
        .params(c.caseNumber(), c.currentStep(), Timestamp.from(c.createdAt())).update();
    changed(c.caseNumber());
  }

  public Optional<CaseRecord> find(String caseNumber) {
    return jdbc.sql("select * from card_case where case_number = ?").param(caseNumber).query(this::map).optional();
  }

  public CaseRecord get(String caseNumber) {
    return find(caseNumber).orElseThrow(() -> new CaseNotFound(caseNumber));
  }

  /** The open case of this type for this person, if any (one application per person at a time). */
  public Optional<String> openCaseOf(String idNumber, String caseType) {
    return jdbc.sql("select case_number from card_case where " + PERSON + " and case_type = ? and closed_at is null")
        .params(personal.idIndex(idNumber), idNumber, caseType).query(String.class).optional();
  }

  @Override
  public void entered(String caseNumber, String step) {
    moveTo(caseNumber, step);
  }

  /** Those of these cases that are still open. */
  public List<String> openAmong(List<String> caseNumbers) {
    return caseNumbers.isEmpty() ? List.of() : jdbc.sql("select case_number from card_case where case_number = any(?) and closed_at is null")
        .param(caseNumbers.toArray(String[]::new)).query(String.class).list();
  }

  /** Every case of this person (any type, open or closed). */
  public List<String> caseNumbersOf(String idNumber) {
    return jdbc.sql("select case_number from card_case where " + PERSON).params(personal.idIndex(idNumber), idNumber).query(String.class).list();
  }

  /** The newest open case of this type whose data has this value under this key. */
  public Optional<String> openCaseByData(String caseType, String key, String value) {
    if (MEMBER_KEYS.contains(key)) {
      return jdbc.sql("""
          select case_number from card_case where case_type = ? and closed_at is null and (member_bidx = ? or data->>? = ?)
          order by created_at desc limit 1""").params(caseType, personal.idIndex(value), key, value).query(String.class).optional();
    }
    return jdbc.sql("""
        select case_number from card_case where case_type = ? and closed_at is null and data->>? = ?
        order by created_at desc limit 1""").params(caseType, key, value).query(String.class).optional();
  }

  /** The open cases of this type of this person other than {@code except}. */
  public List<String> otherOpenCasesOf(String idNumber, String caseType, String except) {
    return jdbc.sql("select case_number from card_case where " + PERSON + " and case_type = ? and closed_at is null and case_number <> ?")
        .params(personal.idIndex(idNumber), idNumber, caseType, except).query(String.class).list();
  }

  /** An open case of this type of this person, other than {@code except}, whose data has this value under this key. */
  public Optional<String> otherOpenCaseByData(String idNumber, String caseType, String key, String value, String except) {
    if (MEMBER_KEYS.contains(key)) {
      return jdbc.sql("select case_number from card_case where " + PERSON + """
           and case_type = ? and closed_at is null and (member_bidx = ? or data->>? = ?)
            and case_number <> ? order by created_at limit 1""").params(personal.idIndex(idNumber), idNumber, caseType,
              personal.idIndex(value), key, value, except).query(String.class).optional();
    }
    return jdbc.sql("select case_number from card_case where " + PERSON + """
         and case_type = ? and closed_at is null and data->>? = ?
          and case_number <> ? order by created_at limit 1""").params(personal.idIndex(idNumber), idNumber, caseType, key, value, except)
        .query(String.class).optional();
  }

  /** Another open case of this type for this person than the one given, if any. */
  public Optional<String> otherOpenCaseOf(String idNumber, String caseType, String caseNumber) {
    return jdbc.sql("select case_number from card_case where " + PERSON + """
         and case_type = ? and closed_at is null and case_number <> ?
        limit 1""").params(personal.idIndex(idNumber), idNumber, caseType, caseNumber).query(String.class).optional();
  }

  public void moveTo(String caseNumber, String step) {
    // one statement: the move, the end of the visit before and the start of this one happen together
    int n = jdbc.sql("""
        with moved as (
          update card_case set current_step = ?, updated_at = now() where case_number = ? and current_step <> ?
          returning case_number, current_step),
        ended as (
          update case_step_visit v set left_at = now() from moved where v.case_number = moved.case_number and v.left_at is null)
        insert into case_step_visit (case_number, step) select case_number, current_step from moved""")
        .params(step, caseNumber, step).update();
    if (n > 0) {
      changed(caseNumber);
    }
  }

  /**
   * Sets the status once per event ({@code occasion} tells repeated visits apart): the audit entry
   * is the record that it happened, so a redelivered step, even one that comes after the case has
   * moved on, changes nothing. Returns whether this call made the change. Runs in the caller's
   * transaction (the audit trail needs one).
   */
  public boolean changeStatus(String caseNumber, CaseStatus status, String occasion) {
    if (!audit.append(AuditTrail.ofCase(caseNumber), "status:" + status + ":" + occasion, "system", null, "STATUS_CHANGED",
        Map.of("status", status.name()))) {
      return false;
    }
    setStatus(caseNumber, status);
    return true;
  }

  /** Sets the status; returns false if it already had it (a redelivered job). */
  public boolean setStatus(String caseNumber, CaseStatus status) {
    int n = jdbc.sql("update card_case set status = ?, updated_at = now() where case_number = ? and status <> ?")
        .params(status.name(), caseNumber, status.name()).update();
    if (n > 0) {
      changed(caseNumber);
    }
    return n > 0;
  }

  public void close(String caseNumber, String step) {
    int n = jdbc.sql("""
        with closed as (
          update card_case set closed_at = now(), current_step = ?, updated_at = now() where case_number = ? and closed_at is null
          returning case_number),
        ended as (
          update case_step_visit v set left_at = now() from closed where v.case_number = closed.case_number and v.left_at is null)
        select count(*) from closed""")
        .params(step, caseNumber).query(Integer.class).single();
    if (n > 0) {
      changed(caseNumber);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Merges case-specific data (delegate, relationship, ...) into the case's {@code data}. */
  public void putData(String caseNumber, Map<String, Object> data) {
    Map<String, Object> plain = new LinkedHashMap<>();
    Map<String, Object> secret = new LinkedHashMap<>();
    data.forEach((k, v) -> (PERSONAL_DATA_KEYS.contains(k) ? secret : plain).put(k, v));
    String json;
    try {
      json = JSON.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    if (secret.isEmpty()) {
      jdbc.sql("update card_case set data = data || ?::jsonb, updated_at = now() where case_number = ?").params(json, caseNumber).update();
      return;
    }
    // the personal part: opened, merged and sealed again under a new data key, the row locked meanwhile
    Map<String, Object> fields = jdbc.sql("select * from card_case where case_number = ? for update").param(caseNumber)
        .query((rs, i) -> personalOf(rs)).optional().orElseThrow(() -> new CaseNotFound(caseNumber));
    @SuppressWarnings("unchecked")
    Map<String, Object> sealedData = new LinkedHashMap<>((Map<String, Object>) fields.getOrDefault("data", Map.of()));
    sealedData.putAll(secret);
    fields.put("data", sealedData);
    String member = MEMBER_KEYS.stream().map(sealedData::get).filter(Objects::nonNull).map(Object::toString)
        .findFirst().orElse(null);
    jdbc.sql("""
        update card_case set data = data || ?::jsonb, personal = ?, id_bidx = ?, member_bidx = ?,
          applicant_name = null, id_number = null, phone = null, updated_at = now() where case_number = ?""")
        .params(json, personal.seal(TABLE, caseNumber, fields), personal.idIndex(PersonalFields.text(fields, "idNumber")),
            personal.idIndex(member), caseNumber).update();
  }

  /** The case's data, its personal keys (sealed apart) merged back in (as PostgreSQL writes jsonb as text). */
  public String data(String caseNumber) {
    record Row(String json, byte[] sealed) {}
    Row row = jdbc.sql("select data::text, personal from card_case where case_number = ?").param(caseNumber)
        .query((rs, i) -> new Row(rs.getString(1), rs.getBytes(2))).single();
    if (row.sealed() == null) {
      return row.json();
    }
    Object secret = personal.open(TABLE, caseNumber, row.sealed()).get("data");
    if (!(secret instanceof Map<?, ?> m) || m.isEmpty()) {
      return row.json();
    }
    try {
      return jdbc.sql("select (?::jsonb || ?::jsonb)::text").params(row.json(), JSON.writeValueAsString(m)).query(String.class).single();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the data of case " + caseNumber + " cannot be written", e);
    }
  }

  /** The sealed fields of a case: applicantName, idNumber, phone, and data (its personal data keys). */
  public static Map<String, Object> fields(String name, String idNumber, String phone, Map<String, Object> data) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("applicantName", name);
    f.put("idNumber", idNumber);
    f.put("phone", phone);
    if (!data.isEmpty()) {
      f.put("data", data);
    }
    return f;
  }

  /** The personal fields of a row: opened, or the plain columns of a row not yet encrypted. */
  private Map<String, Object> personalOf(ResultSet rs) throws SQLException {
    byte[] sealed = rs.getBytes("personal");
    if (sealed != null) {
      return personal.open(TABLE, rs.getString("case_number"), sealed);
    }
    return fields(rs.getString("applicant_name"), rs.getString("id_number"), rs.getString("phone"), Map.of());
  }

  public List<CaseRecord> recent(int limit) {
    return jdbc.sql("select * from card_case order by created_at desc limit ?").param(limit).query(this::map).list();
  }

  /** How many open cases there are of each type, in each status. */
  public List<OpenCount> openCounts() {
    return jdbc.sql("""
        select case_type, status, count(*) as n from card_case where closed_at is null group by case_type, status order by 1, 2""")
        .query((rs, i) -> new OpenCount(rs.getString(1), CaseStatus.valueOf(rs.getString(2)), rs.getLong(3))).list();
  }

  /** A stay of a case at a step; {@code leftAt} is null while it is there. */
  public record StepVisit(String caseNumber, String step, Instant enteredAt, Instant leftAt) {}

  /** Every step these cases have been at, oldest first. */
  public List<StepVisit> visits(List<String> caseNumbers) {
    if (caseNumbers.isEmpty()) {
      return List.of();
    }
    return jdbc.sql("select case_number, step, entered_at, left_at from case_step_visit where case_number = any(?) order by id")
        .param(caseNumbers.toArray(String[]::new))
        .query((rs, i) -> new StepVisit(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
            rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant())).list();
  }

  /** Tells the read models that the case changed (within the caller's transaction). */
  public void changed(String caseNumber) {
    events.publishEvent(new CaseChanged(caseNumber));
  }

  /** The cases with these numbers (those that exist), in one query. */
  public List<CaseRecord> findAll(List<String> caseNumbers) {
    return jdbc.sql("select * from card_case where case_number = any(?)").param(caseNumbers.toArray(String[]::new))
        .query(this::map).list();
  }

  /** Case numbers in order, a page after {@code after} (empty string: from the start). */
  public List<String> caseNumbersAfter(String after, int limit) {
    return jdbc.sql("select case_number from card_case where case_number > ? order by case_number limit ?").params(after, limit)
        .query(String.class).list();
  }

  /** A case row, its personal fields decrypted (only rows a caller asked for: a case, a page). */
  CaseRecord map(ResultSet rs, int row) throws SQLException {
    Timestamp closed = rs.getTimestamp("closed_at");
    Map<String, Object> p = personalOf(rs);
    return new CaseRecord(rs.getString("case_number"), rs.getString("case_type"), CaseStatus.valueOf(rs.getString("status")),
        rs.getString("current_step"), rs.getString("channel"), PersonalFields.text(p, "applicantName"),
        PersonalFields.text(p, "idNumber"), rs.getString("sex"), PersonalFields.text(p, "phone"), rs.getString("issuing_bank"),
        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
        closed == null ? null : closed.toInstant());
  }
}
