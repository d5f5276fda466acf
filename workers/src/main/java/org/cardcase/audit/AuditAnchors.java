package org.cardcase.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Anchors of the whole audit trail, so that what the per-subject chain cannot show (the last
 * entries of a trail deleted, a trail written again by someone who also holds the key) is found.
 * Every {@code cardcase.audit.anchor-interval} (1 h) the entries written since the last anchor, in
 * id order, are summed up as HMAC(key, previous anchor's digest, each entry's id and hash): one
 * line appended (and synced) to an append-only file outside PostgreSQL ({@code
 * cardcase.audit.anchor-file}, default {@code <data-dir>/audit/anchors.jsonl}; put it on other
 * storage in production) and one row in {@code audit_anchor}. Entries younger than {@code
 * cardcase.audit.anchor-horizon} (5 min) wait for the next anchor, so a transaction still open with
 * a lower id is not skipped. {@link #check()} recomputes every anchor from the table and compares it
 * with the file: nightly ({@code cardcase.audit.check-cron}), on {@code GET /api/audit/anchors/check},
 * and its outcome is in health ({@code auditTrail}) and, when it fails, in an ERROR.
 */
@Component
public class AuditAnchors {
  private static final Logger log = LoggerFactory.getLogger(AuditAnchors.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String START = "0".repeat(64);

  /** One anchor: entries with from &lt; id &lt;= to, their number, and the digest. */
  public record Anchor(long n, Instant at, long fromId, long toId, long entries, String keyId, String digest) {}

  /** The outcome of a check of every anchor. */
  public record Check(boolean intact, Instant at, int anchors, long entries, Long firstBrokenAnchor, String problem) {}

  private final JdbcClient jdbc;
  private final AuditKeys keys;
  private final Clock clock;
  private final Path file;
  private final Duration horizon;
  private volatile Check last;

  public AuditAnchors(JdbcClient jdbc, AuditKeys keys, Clock clock,
      @Value("${cardcase.audit.anchor-file:}") String anchorFile,
      @Value("${cardcase.data-dir:data}") String dataDir,
      @Value("${cardcase.audit.anchor-horizon:5m}") Duration horizon) {
    this.jdbc = jdbc;
    this.keys = keys;
    this.clock = clock;
    this.file = anchorFile.isBlank() ? Path.of(dataDir, "audit", "anchors.jsonl") : Path.of(anchorFile);
    this.horizon = horizon;
  }

  public Path file() {
    return file;
  }

  /** The last check's outcome, or null before the first. */
  public Check lastCheck() {
    return last;
  }

  /** Writes the next anchor if entries old enough were written since the last; returns it. */
  @Scheduled(fixedDelayString = "${cardcase.audit.anchor-interval:1h}", initialDelayString = "${cardcase.audit.anchor-initial-delay:2m}")
  public synchronized Optional<Anchor> anchor() {
    List<Anchor> written = read();
    Anchor prev = written.isEmpty() ? null : written.getLast();
    long from = prev == null ? 0 : prev.toId();
    Instant before = clock.instant().minus(horizon);
    long to = jdbc.sql("select coalesce(max(id), -1) from audit_entry where id > ? and at < ?").params(from, Timestamp.from(before))
        .query(Long.class).single();
    if (to < 0) {
      return Optional.empty();
    }
    String keyId = keys.currentId();
    long[] count = new long[1];
    String digest = digest(keyId, prev == null ? START : prev.digest(), from, to, count);
    Anchor a = new Anchor(prev == null ? 1 : prev.n() + 1, clock.instant().truncatedTo(ChronoUnit.MICROS), from, to,
        count[0], keyId, digest);
    append(a);
    jdbc.sql("insert into audit_anchor (n, at, from_id, to_id, entries, key_id, digest) values (?, ?, ?, ?, ?, ?, ?)")
        .params(a.n(), Timestamp.from(a.at()), a.fromId(), a.toId(), a.entries(), a.keyId(), a.digest()).update();
    log.info("audit anchor {}: {} entries (ids {} to {}) written to {}", a.n(), a.entries(), from + 1, to, file);
    return Optional.of(a);
  }

  /**
   * Recomputes every anchor in the file from the table: an entry changed, removed or added inside an
   * anchored range, or an anchor row changed, is found, with the first anchor that no longer holds.
   */
  @Scheduled(cron = "${cardcase.audit.check-cron:0 30 2 * * *}")
  public synchronized Check check() {
    List<Anchor> anchors = read();
    Map<Long, Anchor> rows = new LinkedHashMap<>();
    jdbc.sql("select * from audit_anchor order by n").query((rs, i) -> new Anchor(rs.getLong("n"), rs.getTimestamp("at").toInstant(),
        rs.getLong("from_id"), rs.getLong("to_id"), rs.getLong("entries"), rs.getString("key_id"), rs.getString("digest")))
        .list().forEach(r -> rows.put(r.n(), r));
    String prev = START;
    long entries = 0;
    Check result = null;
    for (Anchor a : anchors) {
      if (!keys.knows(a.keyId())) {
        result = broken(anchors.size(), entries, a.n(), "anchor " + a.n() + " is signed with key " + a.keyId()
            + ", which this installation does not hold");
        break;
      }
      long[] count = new long[1];
      String digest = digest(a.keyId(), prev, a.fromId(), a.toId(), count);
      if (count[0] != a.entries() || !digest.equals(a.digest())) {
        result = broken(anchors.size(), entries, a.n(), "the audit entries with ids " + (a.fromId() + 1) + " to " + a.toId()
            + " are not those anchored at " + a.at() + " (" + a.entries() + " then, " + count[0] + " now): entries were changed, removed or added");
        break;
      }
      if (!a.equals(rows.get(a.n()))) {
        result = broken(anchors.size(), entries, a.n(), "the database's copy of anchor " + a.n() + " differs from the anchor file");
        break;
      }
      prev = a.digest();
      entries += a.entries();
    }
    if (result == null) {
      result = new Check(true, clock.instant(), anchors.size(), entries, null, null);
      log.info("audit anchors checked: {} anchors, {} entries, intact", anchors.size(), entries);
    } else {
      log.error("AUDIT TRAIL TAMPERING DETECTED: {}", result.problem());
    }
    last = result;
    return result;
  }

  private Check broken(int anchors, long entries, long n, String problem) {
    return new Check(false, clock.instant(), anchors, entries, n, problem);
  }

  private String digest(String keyId, String prev, long from, long to, long[] count) {
    Mac mac = keys.mac(keyId);
    mac.update(prev.getBytes(StandardCharsets.US_ASCII));
    jdbc.sql("select id, hash from audit_entry where id > ? and id <= ? order by id").params(from, to).query(rs -> {
      mac.update(("\n" + rs.getLong(1) + ":" + rs.getString(2)).getBytes(StandardCharsets.US_ASCII));
      count[0]++;
    });
    return HexFormat.of().formatHex(mac.doFinal());
  }

  private List<Anchor> read() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      List<Anchor> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        out.add(new Anchor(n.get("n").asLong(), Instant.parse(n.get("at").asText()), n.get("fromId").asLong(),
            n.get("toId").asLong(), n.get("entries").asLong(), n.get("keyId").asText(), n.get("digest").asText()));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("the audit anchor file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private void append(Anchor a) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("n", a.n());
      line.put("at", a.at().toString());
      line.put("fromId", a.fromId());
      line.put("toId", a.toId());
      line.put("entries", a.entries());
      line.put("keyId", a.keyId());
      line.put("digest", a.digest());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot append to the audit anchor file " + file + ": " + e.getMessage(), e);
    }
  }
}
