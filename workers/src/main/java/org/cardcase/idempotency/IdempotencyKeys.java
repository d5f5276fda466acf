package org.cardcase.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.cardcase.privacy.PersonalFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Idempotency keys of channel and partner requests (IETF httpapi draft "The Idempotency-Key HTTP
 * Header Field"), per calling client. The key is claimed by inserting its row under the primary key
 * (client, key) <em>before</em> the request is processed, so of two requests with one key that
 * arrive at the same moment exactly one is processed; the other finds the row and is answered
 * from it:
 * <ul>
 *   <li>another request (method, path or body) under the key: {@link Mismatch} (422);</li>
 *   <li>the first still in progress: {@link InProgress} (409);</li>
 *   <li>the first done: {@link Replay}, its stored answer (status, headers, body).</li>
 * </ul>
 * A processed request is {@linkplain #complete completed} with its answer (4xx included), or
 * {@linkplain #release released} when it failed (5xx), so that a retry may proceed. Keys are kept for
 * {@code cardcase.idempotency.retention} (24 h) after their answer and purged afterwards. An attempt
 * still in progress after {@code cardcase.idempotency.abandoned-after} (10 min: its server died
 * while processing it) no longer holds its key.
 */
@Service
public class IdempotencyKeys {
  /** The longest key taken. */
  public static final int MAX_KEY_LENGTH = 255;
  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A stored answer: status, the headers that matter (name to values), body. */
  public record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

  /** What a request with a key may do. */
  public sealed interface Claim permits Proceed, InProgress, Mismatch, Replay {}

  /** The key is this request's now: process it, then {@link #complete} or {@link #release} with this attempt. */
  public record Proceed(String attempt) implements Claim {}

  /** A request with this key is still being processed. */
  public record InProgress() implements Claim {}

  /** The key was used for another request (method, path or body). */
  public record Mismatch(String method, String path) implements Claim {}

  /** The request was processed before: its answer, to be given again. */
  public record Replay(Answer answer) implements Claim {}

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration retention;
  private final Duration abandonedAfter;

  private final PersonalFields personal;
  public static final String TABLE = "idempotency_key";

  /** For tests without a context: keys of their own. */
  public IdempotencyKeys(JdbcClient jdbc, Clock clock, Duration retention, Duration abandonedAfter) {
    this(jdbc, clock, retention, abandonedAfter, PersonalFields.ephemeral());
  }

  /** A stored answer's body is sealed: an answer may carry a name or an ID number. */
  @Autowired
  public IdempotencyKeys(JdbcClient jdbc, Clock clock, @Value("${cardcase.idempotency.retention:24h}") Duration retention,
      @Value("${cardcase.idempotency.abandoned-after:10m}") Duration abandonedAfter, PersonalFields personal) {
    this.personal = personal;
    if (retention.compareTo(Duration.ofHours(24)) < 0) {
      throw new IllegalArgumentException("cardcase.idempotency.retention must be at least 24h (it is " + retention + ")");
    }
    this.jdbc = jdbc;
    this.clock = clock;
    this.retention = retention;
    this.abandonedAfter = abandonedAfter;
  }

  public Duration retention() {
    return retention;
  }

  /** 1 to 255 printable ASCII characters (space to tilde). */
  public static boolean wellFormed(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Hex SHA-256 of the method, the path (with its query, if any) and the body. */
  public static String fingerprint(String method, String path, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(method.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) ' ');
      sha.update(path.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Claims the key for this request, or says why not. The claim is committed before this returns
   * (no transaction of the caller's is joined), so a second request sees it at once.
   */
  public Claim claim(String channel, String key, String fingerprint, String method, String path) {
    for (int round = 0; ; round++) {
      Instant now = clock.instant();
      // a key past its retention (not yet purged), or held by an attempt whose server died, is free again
      jdbc.sql("""
          delete from idempotency_key where channel = ? and key = ?
            and (expires_at < ? or (state = 'IN_PROGRESS' and created_at < ?))""")
          .params(channel, key, Timestamp.from(now), Timestamp.from(now.minus(abandonedAfter))).update();
      String attempt = UUID.randomUUID().toString();
      int inserted = jdbc.sql("""
          insert into idempotency_key (channel, key, fingerprint, method, path, state, attempt, created_at, expires_at)
          values (?, ?, ?, ?, ?, 'IN_PROGRESS', ?, ?, ?) on conflict (channel, key) do nothing""")
          .params(channel, key, fingerprint, method, path, attempt, Timestamp.from(now), Timestamp.from(now.plus(retention)))
          .update();
      if (inserted == 1) {
        return new Proceed(attempt);
      }
      Optional<Claim> held = jdbc.sql("select * from idempotency_key where channel = ? and key = ?").params(channel, key)
          .query((rs, i) -> {
            if (!rs.getString("fingerprint").equals(fingerprint)) {
              return (Claim) new Mismatch(rs.getString("method"), rs.getString("path"));
            }
            if (!"DONE".equals(rs.getString("state"))) {
              return new InProgress();
            }
            byte[] sealed = rs.getBytes("body_sealed");
            byte[] body = sealed == null ? rs.getBytes("body") : personal.openBytes(TABLE, channel + "/" + key, sealed);
            return new Replay(new Answer(rs.getInt("status"), headers(rs.getString("headers")), body));
          }).optional();
      if (held.isPresent()) {
        return held.get();
      }
      if (round >= 3) {
        // released and taken again several times while we looked: someone else is at it
        return new InProgress();
      }
      // released (a failed attempt) between our insert and our look: try to take it
    }
  }

  /** Stores the answer of the attempt that holds the key; kept for the retention from now. */
  public void complete(String channel, String key, String attempt, Answer answer) {
    Instant now = clock.instant();
    String headers;
    try {
      headers = JSON.writeValueAsString(answer.headers());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    int n = jdbc.sql("""
        update idempotency_key set state = 'DONE', status = ?, headers = ?::jsonb, body_sealed = ?, completed_at = ?, expires_at = ?
        where channel = ? and key = ? and attempt = ? and state = 'IN_PROGRESS'""")
        .params(answer.status(), headers, personal.sealBytes(TABLE, channel + "/" + key, answer.body()), Timestamp.from(now), Timestamp.from(now.plus(retention)), channel, key,
            attempt)
        .update();
    if (n == 0) {
      log.warn("the answer to {}'s request with Idempotency-Key {} was not kept: the key was no longer this attempt's", channel, key);
    }
  }

  /**
   * Frees the key of a failed attempt (5xx, or no answer at all), so that a retry is processed. A
   * failure is often PostgreSQL going away, which takes the release with it: then the release is
   * kept here and done again every few seconds until it succeeds, so the key is free soon after the
   * database is back instead of after {@code abandoned-after}. Never throws.
   */
  public void release(String channel, String key, String attempt) {
    Release r = new Release(channel, key, attempt);
    try {
      r.run(jdbc);
    } catch (RuntimeException e) {
      unreleased.add(r);
      log.warn("could not free {}'s Idempotency-Key {} after its failed request ({}); trying again every few seconds",
          channel, key, e.getMessage());
    }
  }

  private record Release(String channel, String key, String attempt) {
    void run(JdbcClient jdbc) {
      jdbc.sql("delete from idempotency_key where channel = ? and key = ? and attempt = ?").params(channel, key, attempt).update();
    }
  }

  private final Queue<Release> unreleased = new ConcurrentLinkedQueue<>();

  /** Does the releases that failed; returns how many are still waiting. */
  @Scheduled(fixedDelayString = "${cardcase.idempotency.release-retry:2s}")
  public int retryReleases() {
    for (Release r; (r = unreleased.peek()) != null; ) {
      try {
        r.run(jdbc);
      } catch (RuntimeException e) {
        return unreleased.size(); // still away: the next round tries again
      }
      unreleased.remove(r);
      log.info("freed {}'s Idempotency-Key {} of a request that failed earlier", r.channel(), r.key());
    }
    return 0;
  }

  /** Removes the keys past their retention; returns how many. */
  @Scheduled(fixedDelayString = "${cardcase.idempotency.purge-interval:10m}", initialDelayString = "${cardcase.idempotency.purge-interval:10m}")
  public int purgeExpired() {
    int n = jdbc.sql("delete from idempotency_key where expires_at < ?").param(Timestamp.from(clock.instant())).update();
    if (n > 0) {
      log.debug("purged {} expired idempotency keys", n);
    }
    return n;
  }

  /** How many keys a client holds now (for tests and the administrators). */
  public long held(String channel) {
    return jdbc.sql("select count(*) from idempotency_key where channel = ?").param(channel).query(Long.class).single();
  }

  private static Map<String, List<String>> headers(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, List<String>>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored headers unreadable", e);
    }
  }
}
