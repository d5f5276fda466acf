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
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit trail of every case and card: who did what, when, through which channel. Entries are
 * appended in the caller's transaction, chained, and written once per event key. The chain is an
 * HMAC-SHA256 under a key PostgreSQL does not hold ({@link AuditKeys}), so whoever can write the
 * table cannot write a chain that verifies; entries written before the key (no {@code key_id}) keep
 * their plain SHA-256 and are protected by the first keyed entry after them, and by the anchors
 * ({@link AuditAnchors}).
 */
@Component
public class AuditTrail {
  public static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public record Entry(String subject, int seq, Instant at, String actor, String channel, String action,
      Map<String, Object> detail, String prevHash, String hash, String keyId) {
    /** An entry of the plain SHA-256 chain (written before the key, or by the history generator). */
    public Entry(String subject, int seq, Instant at, String actor, String channel, String action,
        Map<String, Object> detail, String prevHash, String hash) {
      this(subject, seq, at, actor, channel, action, detail, prevHash, hash, null);
    }
  }

  /** The outcome of checking a subject's chain: intact, or the first entry that does not match. */
  public record Verification(boolean intact, int entries, Integer firstBrokenSeq, String problem) {}

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AuditKeys keys;

  public AuditTrail(JdbcClient jdbc, Clock clock, AuditKeys keys) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.keys = keys;
  }

  private TransactionTemplate tx;

  @Autowired(required = false)
  void setTransactions(PlatformTransactionManager transactions) {
    this.tx = new TransactionTemplate(transactions);
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
    if (tx != null && !TransactionSynchronizationManager.isActualTransactionActive()) {
      // called outside a transaction (a lookup that only reads): the lock below lasts only as long
      // as a transaction, so take one, or two appends to one trail at once would both take seq n
      return Boolean.TRUE.equals(tx.execute(s -> appendLocked(subject, eventKey, actor, channel, action, detail)));
    }
    return appendLocked(subject, eventKey, actor, channel, action, detail);
  }

  private boolean appendLocked(String subject, String eventKey, String actor, String channel, String action,
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
    String keyId = keys.currentId();
    String hash = keys.mac(keyId, material(new Entry(subject, seq, at, actor, channel, action, d, prev, null, keyId)));
    jdbc.sql("""
        insert into audit_entry (subject, seq, at, actor, channel, action, detail, event_key, prev_hash, hash, key_id)
        values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)""")
        .params(subject, seq, Timestamp.from(at), actor, channel, action, json(d), eventKey, prev, hash, keyId).update();
    return true;
  }

  /**
   * Of the given subjects, those on which the actor did something other than the actions named
   * (such as only looking): one query for a page of search hits.
   */
  public Set<String> actedOnBy(String actor, Collection<String> subjects, Collection<String> ignoring) {
    if (subjects.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(jdbc.sql("""
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
            rs.getString("prev_hash"), rs.getString("hash"), rs.getString("key_id")))
        .list();
  }

  /** Recomputes the chain; a changed, inserted or deleted entry is reported with where it breaks. */
  public Verification verify(String subject) {
    List<Entry> entries = entries(subject);
    String prev = GENESIS;
    int expectedSeq = 1;
    boolean keyed = false;
    for (Entry e : entries) {
      if (e.seq() != expectedSeq) {
        return new Verification(false, entries.size(), expectedSeq, "entry " + expectedSeq + " is missing");
      }
      if (!e.prevHash().equals(prev)) {
        return new Verification(false, entries.size(), e.seq(), "entry " + e.seq() + " does not follow the entry before it");
      }
      if (e.keyId() == null) {
        if (keyed || e.at().isAfter(keys.keyedSince())) {
          // a plain hash after keyed entries, or dated after the key came: written again without the key
          return new Verification(false, entries.size(), e.seq(), "entry " + e.seq()
              + " has no key signature although it was written after the key was introduced: the trail was rewritten");
        }
        if (!hash(e).equals(e.hash())) {
          return new Verification(false, entries.size(), e.seq(), "entry " + e.seq() + " was changed after it was written");
        }
      } else {
        if (!keys.knows(e.keyId())) {
          return new Verification(false, entries.size(), e.seq(), "entry " + e.seq() + " is signed with key " + e.keyId()
              + ", which this installation does not hold");
        }
        if (!MessageDigest.isEqual(keys.mac(e.keyId(), material(e)).getBytes(StandardCharsets.US_ASCII),
            e.hash().getBytes(StandardCharsets.US_ASCII))) {
          return new Verification(false, entries.size(), e.seq(), "entry " + e.seq() + " was changed after it was written");
        }
        keyed = true;
      }
      prev = e.hash();
      expectedSeq++;
    }
    return new Verification(true, entries.size(), null, null);
  }

  /** What an entry's hash covers: the previous hash and every field. */
  public static String material(Entry e) {
    return String.join("\u001f", e.prevHash(), e.subject(), Integer.toString(e.seq()),
        e.at().truncatedTo(ChronoUnit.MICROS).toString(), e.actor(), String.valueOf(e.channel()), e.action(),
        json(new TreeMap<>(e.detail())));
  }

  /** The plain SHA-256 chain hash of an entry (entries before the key; what the history generator writes). */
  public static String hash(Entry e) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(material(e).getBytes(StandardCharsets.UTF_8)));
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
