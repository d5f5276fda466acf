package org.cardcase.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Repeated wrong credentials: a member of staff is locked after {@code staff-lock-after} failures
 * in a row until an administrator unlocks the account; any name (a channel system's, or one that
 * does not exist) is throttled after {@code throttle-after} failures, waiting twice as long after
 * each further failure (at most 15 minutes). A lock, a throttle and an unlock are each one entry
 * in the account's audit trail (subject {@code account:<name>}), not one per attempt.
 */
@Component
public class SignInGuard {
  private static final Logger log = LoggerFactory.getLogger(SignInGuard.class);
  private static final Duration MAX_WAIT = Duration.ofMinutes(15);

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Clock clock;
  private final int staffLockAfter;
  private final int throttleAfter;
  /** Failures in a row per name, kept in memory (a restart forgets throttles, never a staff lock). */
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  private record Failures(int count, Instant blockedUntil) {}

  /** Why an attempt is refused before its password is even checked. */
  public record Refusal(String reason, Duration retryAfter) {}

  public SignInGuard(JdbcClient jdbc, AuditTrail audit, Clock clock,
      @Value("${cardcase.security.staff-lock-after:5}") int staffLockAfter,
      @Value("${cardcase.security.throttle-after:5}") int throttleAfter) {
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
    this.staffLockAfter = staffLockAfter;
    this.throttleAfter = throttleAfter;
  }

  public static String subject(String name) {
    return "account:" + name;
  }

  /** Empty if the attempt may go on to the password check. */
  public Optional<Refusal> check(String name) {
    if (lockedAt(name).isPresent()) {
      return Optional.of(new Refusal("account locked after " + staffLockAfter
          + " failed sign-ins; an administrator can unlock it", null));
    }
    Failures f = failures.get(name);
    Instant now = clock.instant();
    if (f != null && f.blockedUntil() != null && now.isBefore(f.blockedUntil())) {
      Duration wait = Duration.between(now, f.blockedUntil());
      return Optional.of(new Refusal("too many failed attempts; try again in " + Math.max(1, wait.toSeconds()) + " s", wait));
    }
    return Optional.empty();
  }

  @Transactional
  public void failed(String name, String channel) {
    if (failures.size() > 100_000) {
      failures.clear(); // a bound against names made up by the million
    }
    Failures f = failures.merge(name, new Failures(1, null), (a, b) -> new Failures(a.count() + 1, a.blockedUntil()));
    Instant now = clock.instant();
    Integer staffFailures = jdbc.sql("""
        update staff_user set failed_sign_ins = failed_sign_ins + 1 where username = ? and locked_at is null
        returning failed_sign_ins""").param(name).query(Integer.class).optional().orElse(null);
    if (staffFailures != null && staffFailures >= staffLockAfter) {
      jdbc.sql("update staff_user set locked_at = ? where username = ? and locked_at is null")
          .params(java.sql.Timestamp.from(now), name).update();
      audit.append(subject(name), "locked:" + now.toEpochMilli(), "system", channel, "ACCOUNT_LOCKED",
          Map.of("failedSignIns", staffFailures));
      log.warn("staff account {} locked after {} failed sign-ins", name, staffFailures);
      return;
    }
    if (f.count() >= throttleAfter) {
      long seconds = Math.min(MAX_WAIT.toSeconds(), 1L << Math.min(20, f.count() - throttleAfter));
      failures.put(name, new Failures(f.count(), now.plusSeconds(seconds)));
      if (f.count() == throttleAfter) {
        // the first throttle of a run of failures is audited; the ones after it only lengthen the wait
        audit.append(subject(name), "throttled:" + now.toEpochMilli(), "system", channel, "SIGN_IN_THROTTLED",
            Map.of("failedAttempts", f.count()));
        log.warn("sign-in for {} throttled after {} failed attempts", name, f.count());
      }
    }
  }

  @Transactional
  public void succeeded(String name) {
    if (failures.remove(name) != null) {
      jdbc.sql("update staff_user set failed_sign_ins = 0 where username = ? and failed_sign_ins > 0").param(name).update();
    }
  }

  public Optional<Instant> lockedAt(String name) {
    return jdbc.sql("select locked_at from staff_user where username = ? and locked_at is not null").param(name)
        .query((rs, i) -> rs.getTimestamp(1).toInstant()).optional();
  }

  /** An administrator unlocks a staff account; false if it was not locked. */
  @Transactional
  public boolean unlock(String name, String admin, String reason) {
    if (reason == null || reason.isBlank() || reason.length() > 200) {
      throw org.cardcase.shared.FieldErrors.of("reason", "say why the account is unlocked (at most 200 characters; it is audited)");
    }
    Instant now = clock.instant();
    boolean unlocked = jdbc.sql("update staff_user set locked_at = null, failed_sign_ins = 0 where username = ? and locked_at is not null")
        .param(name).update() == 1;
    if (unlocked) {
      failures.remove(name);
      audit.append(subject(name), "unlocked:" + now.toEpochMilli(), admin, "workspace", "ACCOUNT_UNLOCKED",
          Map.of("reason", reason.strip()));
    }
    return unlocked;
  }
}
