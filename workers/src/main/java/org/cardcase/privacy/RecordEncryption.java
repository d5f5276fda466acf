package org.cardcase.privacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sealed columns as a whole, as their owners declare them ({@link SealedTable}): how many values
 * each record key (KEK) protects, rotation (a new KEK), the rewrap (every value's data key wrapped
 * again under the newest KEK, in batches, while the system runs; the ciphertexts are left as they
 * are), retiring a KEK nothing depends on, the check at start that the keys open what is stored, and
 * the encryption of the rows written before V56. Who asked is recorded by the caller (the admin
 * command writes the audit trail).
 */
public class RecordEncryption {
  private static final Logger log = LoggerFactory.getLogger(RecordEncryption.class);
  /** The audit trail's subject of the record keys' events (written by the admin command). */
  public static final String AUDIT_SUBJECT = "keys:records";

  private final JdbcClient jdbc;
  private final PersonalFields personal;
  private final List<SealedTable> tables;
  private final TransactionTemplate tx;

  public RecordEncryption(JdbcClient jdbc, PersonalFields personal, List<SealedTable> tables, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.personal = personal;
    this.tables = List.copyOf(tables);
    this.tx = tx;
  }

  public KeyManagementService keys() {
    return personal.envelope().keys();
  }

  public List<SealedTable> tables() {
    return tables;
  }

  private static String kekOf(SealedTable t) {
    return "convert_from(substring(" + t.column() + " from 3 for get_byte(" + t.column() + ", 1)), 'UTF8')";
  }

  /** How many sealed values each KEK protects, by KEK id. */
  public Map<String, Long> countsByKek() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (SealedTable t : tables) {
      jdbc.sql("select " + kekOf(t) + " as kek, count(*) from " + t.table() + " where " + t.column() + " is not null group by 1")
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

  /** A new KEK becomes the current one (older ones still unwrap); returns its id. */
  public String rotate() {
    String before = keys().currentKeyId();
    String made = keys().rotate();
    log.info("record key rotated: {} -> {} ({} values to rewrap)", before, made, remaining());
    return made;
  }

  /**
   * Wraps every value's data key under the current KEK, {@code batch} rows a transaction, telling
   * {@code progress} how many remain after each batch; returns how many were rewrapped. Safe while
   * the application runs: a value changed meanwhile is left (it was sealed under the current KEK).
   */
  public long rewrap(int batch, Consumer<Long> progress) {
    String current = keys().currentKeyId();
    long before = remaining();
    long done = 0;
    record Row(Object key, String identity, byte[] value) {}
    for (SealedTable t : tables) {
      Object after = null;
      while (true) {
        String sql = "select " + t.key() + " as k, " + t.identity() + " as i, " + t.column() + " as v from " + t.table() + " where "
            + t.column() + " is not null and " + kekOf(t) + " <> ?" + (after == null ? "" : " and " + t.key() + " > ?")
            + " order by " + t.key() + " limit ?";
        Object[] params = after == null ? new Object[] {current, batch} : new Object[] {current, after, batch};
        List<Row> rows = jdbc.sql(sql).params(params).query((rs, i) -> new Row(rs.getObject(1), rs.getString(2), rs.getBytes(3))).list();
        if (rows.isEmpty()) {
          break;
        }
        Integer n = tx.execute(s -> {
          int changed = 0;
          for (Row r : rows) {
            byte[] again = personal.envelope().rewrap(PersonalFields.context(t.table(), r.identity()), r.value());
            if (again != null) {
              changed += jdbc.sql("update " + t.table() + " set " + t.column() + " = ? where " + t.key() + " = ? and " + t.column() + " = ?")
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
    log.info("rewrap: {} values now under {}, {} remain under older keys", done, current, remaining());
    return done;
  }

  /** Removes an old KEK, only when no value depends on it. */
  public void retire(String keyId) {
    long under = countsByKek().getOrDefault(keyId, 0L);
    if (under > 0) {
      throw new IllegalStateException(under + " values are still under " + keyId + ": run ./cardcase admin keys rewrap first");
    }
    keys().retire(keyId);
  }

  /**
   * At start: the newest value of each sealed column opens with the configured keys, so a missing
   * or wrong key file (or variable, or KMS key) stops the start saying what is wrong instead of
   * failing case by case later.
   */
  public void checkKeysOpenStoredValues() {
    record Row(String identity, byte[] value) {}
    for (SealedTable t : tables) {
      List<Row> rows = jdbc.sql("select " + t.identity() + ", " + t.column() + " from " + t.table() + " where " + t.column()
          + " is not null order by " + t.key() + " desc limit 1").query((rs, i) -> new Row(rs.getString(1), rs.getBytes(2))).list();
      for (Row r : rows) {
        try {
          personal.envelope().open(PersonalFields.context(t.table(), r.identity()), r.value());
        } catch (RuntimeException e) {
          throw new IllegalStateException("CardCase cannot start: the personal data in PostgreSQL does not open with the record keys "
              + "from " + keys().describe() + " (keys there: " + keys().keyIds() + "; the newest value of " + t.table() + " is under "
              + Envelope.kekId(r.value()) + "). Is this the key file / variable / KMS of this database? Restore it from its "
              + "backup. Nothing has been changed. Cause: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Plain rows (written before V56) still to encrypt, by table. */
  public Map<String, Long> plainLeft() {
    Map<String, Long> out = new LinkedHashMap<>();
    tables.forEach(t -> out.merge(t.table(), t.plainRows(), Long::sum));
    return out;
  }

  /**
   * Encrypts the rows written before V56, {@code batch} a transaction, and empties their plain
   * columns; resumable (what is done is done); returns the counts by table.
   */
  public Map<String, Long> encryptPlainRows(int batch) {
    Map<String, Long> done = new LinkedHashMap<>();
    for (SealedTable t : tables) {
      long total = 0;
      while (true) {
        Integer n = tx.execute(s -> t.encryptPlainRows(batch));
        if (n == null || n == 0) {
          break;
        }
        total += n;
      }
      done.merge(t.table(), total, Long::sum);
    }
    return done;
  }
}
