package org.cardcase.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The audit trail of every case and card: who did what, when, through which channel. Entries are
 * appended in the caller's transaction, chained by SHA-256, and written once per event key.
 */
@Component
public class AuditTrail {
  public static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public record Entry(String subject, int seq, Instant at, String actor, String channel, String action,
      Map<String, Object> detail, String prevHash, String hash) {}

  /** The outcome of checking a subject's chain: intact, or the first entry that does not match. */
  public record Verification(boolean intact, int entries, Integer firstBrokenSeq, String problem) {}

  private final JdbcClient jdbc;
  private final Clock clock;

  public AuditTrail(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public static String ofCase(String caseNumber) {
    return "case:" + caseNumber;
  }

  /**
   * Appends an entry unless one with this event key exists (a retried step). Must run inside the
   * transaction that makes the change it records.
   */
  public boolean append(String subject, String eventKey, String actor, String channel, String action,
      Map<String, Object> detail) {
    // one writer per subject at a time, so sequence numbers and the chain stay linear
    jdbc.sql("select pg_advisory_xact_lock(hashtext(?))").param(subject).query().singleRow();
    boolean exists = jdbc.sql("select count(*) from audit_entry where subject = ? and event_key = ?")
        .params(subject, eventKey).query(Long.class).single() > 0;
    if (exists) {
      return false;
    }
    Optional<Map<String, Object>> last = jdbc.sql("select seq, hash from audit_entry where subject = ? order by seq desc limit 1")
        .param(subject).query().listOfRows().stream().findFirst();
    int seq = last.map(r -> ((Number) r.get("seq")).intValue() + 1).orElse(1);
    String prev = last.map(r -> (String) r.get("hash")).orElse(GENESIS);
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Map<String, Object> d = detail == null ? Map.of() : new TreeMap<>(detail);
    String hash = hash(new Entry(subject, seq, at, actor, channel, action, d, prev, null));
    jdbc.sql("""
        insert into audit_entry (subject, seq, at, actor, channel, action, detail, event_key, prev_hash, hash)
        values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""")
        .params(subject, seq, Timestamp.from(at), actor, channel, action, json(d), eventKey, prev, hash).update();
    return true;
  }

  /**
   * Of the given subjects, those on which the actor did something other than the actions named
   * (such as only looking): one query for a page of search hits.
   */
  public java.util.Set<String> actedOnBy(String actor, java.util.Collection<String> subjects, java.util.Collection<String> ignoring) {
    if (subjects.isEmpty()) {
      return java.util.Set.of();
    }
    return new java.util.HashSet<>(jdbc.sql("""
        select distinct subject from audit_entry where subject = any(?) and actor = ? and action <> all(?)""")
        .params(subjects.toArray(String[]::new), actor, ignoring.toArray(String[]::new)).query(String.class).list());
  }

  /** How many entries a subject has. */
  public int count(String subject) {
    return jdbc.sql("select count(*) from audit_entry where subject = ?").param(subject).query(Integer.class).single();
  }

  public List<Entry> entries(String subject) {
    return jdbc.sql("select * from audit_entry where subject = ? order by seq").param(subject)
        .query((rs, i) -> new Entry(rs.getString("subject"), rs.getInt("seq"), rs.getTimestamp("at").toInstant(),
            rs.getString("actor"), rs.getString("channel"), rs.getString("action"), read(rs.getString("detail")),
            rs.getString("prev_hash"), rs.getString("hash")))
        .list();
  }

  /** Recomputes the chain; a changed, inserted or deleted entry is reported with where it breaks. */
  public Verification verify(String subject) {
    List<Entry> entries = entries(subject);
    String prev = GENESIS;
    int expectedSeq = 1;
    for (Entry e : entries) {
      if (e.seq() != expectedSeq) {
        return new Verification(false, entries.size(), expectedSeq, "entry " + expectedSeq + " is missing");
      }
      if (!e.prevHash().equals(prev)) {
        return new Verification(false, entries.size(), e.seq(), "entry " + e.seq() + " does not follow the entry before it");
      }
      if (!hash(e).equals(e.hash())) {
        return new Verification(false, entries.size(), e.seq(), "entry " + e.seq() + " was changed after it was written");
      }
      prev = e.hash();
      expectedSeq++;
    }
    return new Verification(true, entries.size(), null, null);
  }

  /** The chain hash of an entry (also what the history generator writes, so generated trails verify). */
  public static String hash(Entry e) {
    String material = String.join("\u001f", e.prevHash(), e.subject(), Integer.toString(e.seq()),
        e.at().truncatedTo(ChronoUnit.MICROS).toString(), e.actor(), String.valueOf(e.channel()), e.action(),
        json(new TreeMap<>(e.detail())));
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String json(Map<String, Object> m) {
    try {
      return CANONICAL.writeValueAsString(m);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException(ex);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(String s) {
    try {
      return CANONICAL.readValue(s, Map.class);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
