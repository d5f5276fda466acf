package org.cardcase.access;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.audit.AuditTrail;
import org.cardcase.shared.FieldErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Repeated wrong credentials slow the guesser down, never lock anyone out for good.
 *
 * <p>Per name (any name: a member of staff's, a channel system's, or one that does not exist, so
 * the answers do not tell staff names apart): from the {@code delay-after}th failure in a row the
 * name waits 1 s, then 2 s, … before its next try; at {@code lock-after} failures it is locked for
 * {@code lock-period} (15 minutes), after which it starts afresh. Per source address: from
 * {@code address-after} failures in a row (whatever the names) the address waits 1 s, doubling
 * with each further failure, at most {@code lock-period}. A refused try is not counted, so a flood
 * of wrong passwords cannot make a lock last longer than its period.
 *
 * <p>A member of staff's lock is also kept in {@code staff_user} (a restart does not lift it and the
 * administrators see it); an administrator may lock an account on purpose, and that lock has no
 * end until an administrator, or {@code ./cardcase admin unlock} on the machine, lifts it. Such a
 * lock is said only to whoever gives the right password, so it tells an outsider nothing.
 * Locks, throttles and unlocks are each one entry in the trail {@code account:<name>} (or
 * {@code address:<ip>}), not one per attempt.
 */
@Component
public class SignInGuard {
  private static final Logger log = LoggerFactory.getLogger(SignInGuard.class);
  /** Bounds against names and addresses made up by the million. */
  private static final int MAX_TRACKED = 100_000;

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Clock clock;
  private final int delayAfter;
  private final int lockAfter;
  private final Duration lockPeriod;
  private final int addressAfter;
  private final Map<String, Failures> names = new ConcurrentHashMap<>();
  private final Map<String, Failures> addresses = new ConcurrentHashMap<>();
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;

  /** Failures in a row, the last one, and until when the next try is refused unseen. */
  private record Failures(int count, Instant last, Instant blockedUntil) {}

  /** Why an attempt is refused before its password is even checked, and how long to wait. */
  public record Refusal(String reason, Duration retryAfter) {}

  public SignInGuard(JdbcClient jdbc, AuditTrail audit, Clock clock, ApplicationEventPublisher events,
      @Value("${cardcase.security.delay-after:3}") int delayAfter,
      @Value("${cardcase.security.lock-after:5}") int lockAfter,
      @Value("${cardcase.security.lock-period:15m}") Duration lockPeriod,
      @Value("${cardcase.security.address-after:20}") int addressAfter, TransactionTemplate tx) {
    this.tx = tx;
    this.jdbc = jdbc;
    this.events = events;
    this.audit = audit;
    this.clock = clock;
    this.delayAfter = delayAfter;
    this.lockAfter = lockAfter;
    this.lockPeriod = lockPeriod;
    this.addressAfter = addressAfter;
  }

  public static String subject(String name) {
    return "account:" + name;
  }

  public Duration lockPeriod() {
    return lockPeriod;
  }

  /** Empty if the attempt may go on to the password check; the same answer for every kind of name. */
  public Optional<Refusal> check(String name, String address) {
    Instant now = clock.instant();
    // the staff row is read for every name, known or not, so both take as long; its lock survives a restart
    // (which forgets the counts in memory) and is lifted there by `./cardcase admin unlock` from another process
    Optional<Instant> row = jdbc.sql("select locked_until from staff_user where username = ?").param(name)
        .query((rs, i) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant).filter(now::isBefore)).optional()
        .orElse(null);
    Failures remembered = names.get(name);
    if (row != null && row.isEmpty() && remembered != null && remembered.count() == 0 && blockedUntil(remembered, now) != null) {
      names.remove(name, remembered); // a lock of a member of staff that was lifted in the database
    }
    Instant until = later(blockedUntil(names.get(name), now), address == null ? null : blockedUntil(addresses.get(address), now));
    if (row != null && row.isPresent()) {
      until = later(until, row.get());
    }
    if (until == null) {
      return Optional.empty();
    }
    Duration wait = Duration.between(now, until);
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return Optional.of(new Refusal("too many failed sign-ins for this name or from this address; try again in "
        + seconds + " s", Duration.ofSeconds(seconds)));
  }

  /** An attempt with a wrong password (or for a name that does not exist). */
  public void failed(String name, String address, String channel) {
    tx.executeWithoutResult(status -> {
      Instant now = clock.instant();
      if (names.size() > MAX_TRACKED) {
        names.clear();
      }
      Failures f = count(names, name, now);
      if (f.count() >= lockAfter) {
        names.put(name, new Failures(0, now, now.plus(lockPeriod))); // locked; afterwards it starts afresh
        // the same writes for every name, so a lock takes as long to answer for staff as for anyone
        int staff = jdbc.sql("update staff_user set locked_at = ?, locked_until = ?, failed_sign_ins = ? where username = ?"
            + " and (locked_at is null or locked_until is not null)")
            .params(Timestamp.from(now), Timestamp.from(now.plus(lockPeriod)), f.count(), name).update();
        audit.append(subject(name), "locked:" + now.toEpochMilli(), "system", channel,
            staff > 0 ? "ACCOUNT_LOCKED" : "SIGN_IN_THROTTLED",
            Map.of("failedSignIns", f.count(), "lockedUntil", now.plus(lockPeriod).toString(), "address", address == null ? "" : address));
        log.warn("sign-in for {} locked for {} after {} failed attempts (last from {})", name, lockPeriod, f.count(), address);
      } else if (f.count() >= delayAfter) {
        names.put(name, new Failures(f.count(), now, now.plusSeconds(1L << Math.min(20, f.count() - delayAfter))));
      }
      if (address != null) {
        if (addresses.size() > MAX_TRACKED) {
          addresses.clear();
        }
        Failures a = count(addresses, address, now);
        if (a.count() >= addressAfter) {
          long seconds = Math.min(lockPeriod.toSeconds(), 1L << Math.min(20, a.count() - addressAfter));
          addresses.put(address, new Failures(a.count(), now, now.plusSeconds(seconds)));
          if (a.count() == addressAfter) {
            audit.append("address:" + address, "throttled:" + now.toEpochMilli(), "system", channel, "SIGN_IN_THROTTLED",
                Map.of("failedAttempts", a.count()));
            log.warn("sign-ins from {} throttled after {} failed attempts", address, a.count());
          }
        }
      }
    });
  }

  /** The right password: the name's count starts afresh (the address's too). */
  public void succeeded(String name, String address) {
    tx.executeWithoutResult(status -> {
      names.remove(name);
      if (address != null) {
        addresses.remove(address);
      }
      // a lock after failures that has run out is cleared; an administrator's lock (no end) stays
      jdbc.sql("""
          update staff_user set failed_sign_ins = 0, locked_at = case when locked_until is null then locked_at end, locked_until = null
          where username = ? and (failed_sign_ins > 0 or locked_until is not null)""").param(name).update();
    });
  }

  /** When the account was locked, if a lock is in force now (after failures, or by an administrator). */
  public Optional<Instant> lockedAt(String name) {
    return jdbc.sql("select locked_at from staff_user where username = ? and locked_at is not null"
        + " and (locked_until is null or locked_until > ?)").params(name, Timestamp.from(clock.instant()))
        .query((rs, i) -> rs.getTimestamp(1).toInstant()).optional();
  }

  /** True if an administrator locked the account (no end): the right password is refused, and told so. */
  public boolean lockedByAdministrator(String name) {
    return jdbc.sql("select count(*) from staff_user where username = ? and locked_at is not null and locked_until is null")
        .param(name).query(Long.class).single() > 0;
  }

  /** An administrator locks a staff account on purpose, until it is unlocked; false if it was already. */
  public boolean lock(String name, String admin, String reason) {
    return tx.execute(status -> {
      requireReason(reason, "locked");
      Instant now = clock.instant();
      boolean locked = jdbc.sql("""
          update staff_user set locked_at = ?, locked_until = null where username = ? and (locked_until is not null or locked_at is null)""")
          .params(Timestamp.from(now), name).update() == 1;
      if (locked) {
        audit.append(subject(name), "admin-locked:" + now.toEpochMilli(), admin, "workspace", "ACCOUNT_LOCKED_BY_ADMINISTRATOR",
            Map.of("reason", reason.strip()));
        events.publishEvent(new StaffAdministration.AccountChanged(name)); // its sessions and remembered password end now
      }
      return locked;
    });
  }

  /** An administrator (or the machine's operator) lifts a lock; false if none was in force. */
  public boolean unlock(String name, String admin, String reason) {
    return tx.execute(status -> {
      requireReason(reason, "unlocked");
      Instant now = clock.instant();
      boolean unlocked = jdbc.sql("""
          update staff_user set locked_at = null, locked_until = null, failed_sign_ins = 0
          where username = ? and locked_at is not null and (locked_until is null or locked_until > ?)""")
          .params(name, Timestamp.from(now)).update() == 1;
      if (unlocked) {
        names.remove(name);
        audit.append(subject(name), "unlocked:" + now.toEpochMilli(), admin, "workspace", "ACCOUNT_UNLOCKED",
            Map.of("reason", reason.strip()));
      }
      return unlocked;
    });
  }

  private static void requireReason(String reason, String what) {
    if (reason == null || reason.isBlank() || reason.length() > 200) {
      throw FieldErrors.of("reason", "say why the account is " + what + " (at most 200 characters; it is audited)");
    }
  }

  /** One more failure in a row; a run of failures older than the lock period is forgotten. */
  private Failures count(Map<String, Failures> map, String key, Instant now) {
    return map.compute(key, (k, f) -> f == null || f.last().plus(lockPeriod).isBefore(now)
        ? new Failures(1, now, null) : new Failures(f.count() + 1, now, f.blockedUntil()));
  }

  private static Instant blockedUntil(Failures f, Instant now) {
    return f != null && f.blockedUntil() != null && now.isBefore(f.blockedUntil()) ? f.blockedUntil() : null;
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
