package org.cardcase.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sealed columns as a whole: how many values each record key (KEK) protects, rotation (a new
 * KEK) and the rewrap (every value's data key wrapped again under the newest KEK, in batches,
 * while the system runs; the ciphertexts are left as they are), the check at start that the keys
 * open what is stored, and the encryption of rows written before V56 (then plain).
 */
public class RecordEncryption {
  private static final Logger log = LoggerFactory.getLogger(RecordEncryption.class);
  public static final String AUDIT_SUBJECT = "keys:records";

  /**
   * A sealed column: its table, a unique orderable key (for batches), and the SQL of the record's
   * identity in the sealed value's context ({@code <table>/<identity>}, as the owning service seals it).
   */
  public record Column(String table, String column, String key, String identity) {
    String context(String id) {
      return PersonalFields.context(table, id);
    }

    String kekSql() {
      return "convert_from(substring(" + column + " from 3 for get_byte(" + column + ", 1)), 'UTF8')";
    }
  }

  public static final List<Column> COLUMNS = List.of(
      new Column("card_case", "personal", "case_number", "case_number"),
      new Column("card", "personal", "card_id", "card_id"),
      new Column("voucher", "personal", "number", "number"),
      new Column("family_link", "personal", "id", "id::text"),
      new Column("case_document", "bytes_sealed", "id", "case_number || '/' || kind || '/' || version"),
      new Column("notification", "personal", "id", "event_key"),
      new Column("idempotency_key", "body_sealed", "channel || '/' || key", "channel || '/' || key"));

  private final JdbcClient jdbc;
  private final PersonalFields personal;
  private final AuditTrail audit;
  private final TransactionTemplate tx;

  public RecordEncryption(JdbcClient jdbc, PersonalFields personal, AuditTrail audit, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.personal = personal;
    this.audit = audit;
    this.tx = tx;
  }

  static List<Column> columns() {
    return COLUMNS;
  }

  public KeyManagementService keys() {
    return personal.envelope().keys();
  }

  /** How many sealed values each KEK protects, by KEK id. */
  public Map<String, Long> countsByKek() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Column c : columns()) {
      jdbc.sql("select " + c.kekSql() + " as kek, count(*) from " + c.table() + " where " + c.column() + " is not null group by 1")
          .query(rs -> {
            out.merge(rs.getString(1), rs.getLong(2), Long::sum);
          });
    }
    return out;
  }

  /** Values whose data key is not (yet) wrapped under the current KEK. */
  public long remaining() {
    String current = keys().currentKeyId();
    return countsByKek().entrySet().stream().filter(e -> !e.getKey().equals(current)).mapToLong(Map.Entry::getValue).sum();
  }

  /** A new KEK becomes the current one (older ones still unwrap); audited. */
  public String rotate(String actor) {
    String before = keys().currentKeyId();
    String made = keys().rotate();
    tx.executeWithoutResult(s -> audit.append(AUDIT_SUBJECT, "rotated:" + made, actor, "admin", "RECORD_KEY_ROTATED",
        Map.of("from", before, "to", made, "source", keys().describe())));
    log.info("record key rotated by {}: {} -> {} ({} values to rewrap)", actor, before, made, remaining());
    return made;
  }

  /**
   * Wraps every value's data key under the current KEK, {@code batch} rows a transaction, telling
   * {@code progress} how many remain after each batch; returns how many were rewrapped. Safe while
   * the application runs: a value changed meanwhile is left (it was sealed under the current KEK).
   */
  public long rewrap(String actor, int batch, Consumer<Long> progress) {
    String current = keys().currentKeyId();
    long before = remaining();
    long done = 0;
    for (Column c : columns()) {
      Object after = null;
      while (true) {
        Object from = after;
        record Row(Object key, String identity, byte[] value) {}
        List<Row> rows = jdbc.sql("select " + c.key() + " as k, " + c.identity() + " as i, " + c.column() + " as v from " + c.table()
            + " where " + c.column() + " is not null and " + c.kekSql() + " <> ?" + (from == null ? "" : " and " + c.key() + " > ?")
            + " order by " + c.key() + " limit ?")
            .params(from == null ? new Object[] {current, batch} : new Object[] {current, from, batch})
            .query((rs, i) -> new Row(rs.getObject(1), rs.getString(2), rs.getBytes(3))).list();
        if (rows.isEmpty()) {
          break;
        }
        Integer n = tx.execute(s -> {
          int changed = 0;
          for (Row r : rows) {
            byte[] again = personal.envelope().rewrap(c.context(r.identity()), r.value());
            if (again != null) {
              changed += jdbc.sql("update " + c.table() + " set " + c.column() + " = ? where " + c.key() + " = ? and " + c.column() + " = ?")
                  .params(again, r.key(), r.value()).update();
            }
          }
          return changed;
        });
        done += n == null ? 0 : n;
        after = rows.getLast().key();
        progress.accept(Math.max(0, before - done));
      }
    }
    long left = remaining();
    long total = done;
    tx.executeWithoutResult(s -> audit.append(AUDIT_SUBJECT, "rewrapped:" + UUID.randomUUID(), actor, "admin", "RECORD_KEYS_REWRAPPED",
        Map.of("to", current, "rewrapped", total, "remaining", left)));
    log.info("rewrap by {}: {} values now under {}, {} remain under older keys", actor, total, current, left);
    return total;
  }

  /** Removes an old KEK, only when no value depends on it; audited. */
  public void retire(String keyId, String actor) {
    long under = countsByKek().getOrDefault(keyId, 0L);
    if (under > 0) {
      throw new IllegalStateException(under + " values are still under " + keyId + ": run ./cardcase admin keys rewrap first");
    }
    keys().retire(keyId);
    tx.executeWithoutResult(s -> audit.append(AUDIT_SUBJECT, "retired:" + keyId, actor, "admin", "RECORD_KEY_RETIRED",
        Map.of("key", keyId)));
  }

  /**
   * At start: the newest value of each sealed column opens with the configured keys, so a missing
   * or wrong key file (or variable, or KMS key) stops the start with what is wrong instead of
   * failing case by case later.
   */
  public void checkKeysOpenStoredValues() {
    for (Column c : columns()) {
      record Row(String identity, byte[] value) {}
      List<Row> rows = jdbc.sql("select " + c.identity() + ", " + c.column() + " from " + c.table() + " where " + c.column()
          + " is not null order by " + c.key() + " desc limit 1").query((rs, i) -> new Row(rs.getString(1), rs.getBytes(2))).list();
      for (Row r : rows) {
        try {
          personal.envelope().open(c.context(r.identity()), r.value());
        } catch (RuntimeException e) {
          throw new IllegalStateException("CardCase cannot start: the personal data in PostgreSQL does not open with the record keys "
              + "from " + keys().describe() + " (keys there: " + keys().keyIds() + "; the value of " + c.table() + " is under "
              + Envelope.kekId(r.value()) + "). Is this the key file / variable / KMS of this database (restore it from its "
              + "backup)? Nothing has been changed. Cause: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Plain rows (written before V56) still to encrypt, by table. */
  public Map<String, Long> plainLeft() {
    Map<String, Long> out = new LinkedHashMap<>();
    PLAIN.forEach((table, where) -> out.put(table, jdbc.sql("select count(*) from " + table + " where " + where).query(Long.class).single()));
    return out;
  }

  private static final Map<String, String> PLAIN = new LinkedHashMap<>();

  static {
    PLAIN.put("card_case", "personal is null and (id_number is not null or applicant_name is not null or phone is not null)");
    PLAIN.put("card", "personal is null and holder_id_number is not null");
    PLAIN.put("voucher", "personal is null and holder_id_number is not null");
    PLAIN.put("family_link", "personal is null and holder_id_number is not null");
    PLAIN.put("case_document", "bytes_sealed is null and bytes is not null");
    PLAIN.put("notification", "personal is null and (recipient is not null or text is not null)");
    PLAIN.put("idempotency_key", "body_sealed is null and body is not null");
  }

  /**
   * Encrypts the rows written before V56, {@code batch} a transaction, and empties their plain
   * columns; resumable (what is done is done); returns the counts by table.
   */
  public Map<String, Long> encryptPlainRows(int batch) {
    Map<String, Long> done = new LinkedHashMap<>();
    done.put("card_case", loop(batch, this::plainCases));
    done.put("card", loop(batch, n -> plain(n, "card", "card_id", "holder_bidx", "holder_id_number",
        List.of("holder_id_number", "holder_name", "medical_insurance_number"),
        List.of("holderIdNumber", "holderName", "medicalInsuranceNumber"),
        ", medical_insurance_number_masked = coalesce(medical_insurance_number_masked, "
            + "case when medical_insurance_number is null then null else repeat('*', length(medical_insurance_number) - 4) || "
            + "right(medical_insurance_number, 4) end)")));
    done.put("voucher", loop(batch, n -> plain(n, "voucher", "number", "holder_bidx", "holder_id_number",
        List.of("holder_id_number", "holder_name"), List.of("holderIdNumber", "holderName"), "")));
    done.put("family_link", loop(batch, this::plainLinks));
    done.put("case_document", loop(batch, this::plainDocuments));
    done.put("notification", loop(batch, n -> plain(n, "notification", "event_key", null, null, List.of("recipient", "text"),
        List.of("recipient", "text"), "")));
    done.put("idempotency_key", loop(batch, this::plainBodies));
    return done;
  }

  private long loop(int batch, java.util.function.IntFunction<Integer> step) {
    long total = 0;
    while (true) {
      Integer n = tx.execute(s -> step.apply(batch));
      if (n == null || n == 0) {
        return total;
      }
      total += n;
    }
  }

  private int plain(int batch, String table, String key, String bidx, String idColumn, List<String> columns, List<String> names,
      String extraSet) {
    List<Map<String, Object>> rows = jdbc.sql("select * from " + table + " where " + PLAIN.get(table) + " limit ? for update skip locked")
        .param(batch).query().listOfRows();
    for (Map<String, Object> r : rows) {
      Map<String, Object> f = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        f.put(names.get(i), r.get(columns.get(i)));
      }
      String id = String.valueOf(r.get(key));
      StringBuilder set = new StringBuilder("personal = ?");
      List<Object> params = new ArrayList<>();
      params.add(personal.seal(table, id, f));
      if (bidx != null) {
        set.append(", ").append(bidx).append(" = ?");
        params.add(personal.idIndex((String) r.get(idColumn)));
      }
      set.append(extraSet);
      for (String c : columns) {
        set.append(", ").append(c).append(" = null");
      }
      params.add(r.get(key));
      jdbc.sql("update " + table + " set " + set + " where " + key + " = ?").params(params.toArray()).update();
    }
    return rows.size();
  }

  private int plainCases(int batch) {
    List<Map<String, Object>> rows = jdbc.sql("select case_number, applicant_name, id_number, phone, data::text as data from card_case "
        + "where " + PLAIN.get("card_case") + " limit ? for update skip locked").param(batch).query().listOfRows();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (Map<String, Object> r : rows) {
      String cn = (String) r.get("case_number");
      Map<String, Object> data;
      try {
        data = json.readValue((String) r.get("data"), new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {});
      } catch (java.io.IOException e) {
        throw new IllegalStateException("the data of case " + cn + " is not JSON", e);
      }
      Map<String, Object> secret = new LinkedHashMap<>();
      for (String k : CaseRepository.PERSONAL_DATA_KEYS) {
        if (data.containsKey(k)) {
          secret.put(k, data.get(k));
        }
      }
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("applicantName", r.get("applicant_name"));
      f.put("idNumber", r.get("id_number"));
      f.put("phone", r.get("phone"));
      if (!secret.isEmpty()) {
        f.put("data", secret);
      }
      String member = CaseRepository.MEMBER_KEYS.stream().map(secret::get).filter(java.util.Objects::nonNull).map(Object::toString)
          .findFirst().orElse(null);
      jdbc.sql("""
          update card_case set personal = ?, id_bidx = ?, member_bidx = ?, data = data - ?::text[],
            applicant_name = null, id_number = null, phone = null where case_number = ?""")
          .params(personal.seal("card_case", cn, f), personal.idIndex((String) r.get("id_number")), personal.idIndex(member),
              CaseRepository.PERSONAL_DATA_KEYS.toArray(String[]::new), cn).update();
    }
    return rows.size();
  }

  private int plainLinks(int batch) {
    List<Map<String, Object>> rows = jdbc.sql("select id, holder_id_number, member_id_number, member_name from family_link where "
        + PLAIN.get("family_link") + " limit ? for update skip locked").param(batch).query().listOfRows();
    for (Map<String, Object> r : rows) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("holderIdNumber", r.get("holder_id_number"));
      f.put("memberIdNumber", r.get("member_id_number"));
      f.put("memberName", r.get("member_name"));
      long id = ((Number) r.get("id")).longValue();
      jdbc.sql("""
          update family_link set personal = ?, holder_bidx = ?, member_bidx = ?, holder_id_number = null, member_id_number = null,
            member_name = null where id = ?""")
          .params(personal.seal("family_link", Long.toString(id), f), personal.idIndex((String) r.get("holder_id_number")),
              personal.idIndex((String) r.get("member_id_number")), id).update();
    }
    return rows.size();
  }

  private int plainDocuments(int batch) {
    // a few at a time: photos are large
    List<Map<String, Object>> rows = jdbc.sql("select id, case_number, kind, version, bytes from case_document where "
        + PLAIN.get("case_document") + " limit ? for update skip locked").param(Math.min(batch, 50)).query().listOfRows();
    for (Map<String, Object> r : rows) {
      String id = r.get("case_number") + "/" + r.get("kind") + "/" + r.get("version");
      jdbc.sql("update case_document set bytes_sealed = ?, bytes = null where id = ?")
          .params(personal.sealBytes("case_document", id, (byte[]) r.get("bytes")), r.get("id")).update();
    }
    return rows.size();
  }

  private int plainBodies(int batch) {
    List<Map<String, Object>> rows = jdbc.sql("select channel, key, body from idempotency_key where " + PLAIN.get("idempotency_key")
        + " limit ? for update skip locked").param(batch).query().listOfRows();
    for (Map<String, Object> r : rows) {
      jdbc.sql("update idempotency_key set body_sealed = ?, body = null where channel = ? and key = ?")
          .params(personal.sealBytes("idempotency_key", r.get("channel") + "/" + r.get("key"), (byte[]) r.get("body")),
              r.get("channel"), r.get("key")).update();
    }
    return rows.size();
  }
}
