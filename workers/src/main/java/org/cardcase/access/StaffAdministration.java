package org.cardcase.access;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cardcase.audit.AuditTrail;
import org.cardcase.shared.FieldErrors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Administrators keep the staff accounts: create one, give it work groups, disable it, reset its
 * password. Every change is in the account's audit trail ({@code account:<name>}, the same trail
 * as its locks and unlocks), with the administrator and the reason; passwords never are.
 */
@Service
public class StaffAdministration {
  /** The roles the workspace knows (what each may do is in the README's role table). */
  public static final List<String> ROLES = List.of("CLERK", "SUPERVISOR", "ANALYST", "ADMIN");
  /** The work groups the process models name as candidate groups of their human tasks. */
  public static final List<String> WORK_GROUPS = List.of("verification", "counter", "card-centre", "supervisors");
  static final int MIN_PASSWORD = 12;

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;

  public StaffAdministration(JdbcClient jdbc, AuditTrail audit, Clock clock, ApplicationEventPublisher events, TransactionTemplate tx) {
    this.tx = tx;
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
    this.events = events;
  }

  /** A member of staff as an administrator sees them (never the password hash). */
  public record StaffMember(String username, String displayName, List<String> roles, List<String> groups, boolean enabled,
      Instant lockedAt, String locale, Instant createdAt) {}

  public record NewStaff(String username, String displayName, List<String> roles, List<String> groups, String password) {}

  /** Published after a change that must end what the account could do until now (a remembered password). */
  public record AccountChanged(String username) {}

  private static final String MEMBER = """
      select username, display_name, roles, work_groups, enabled,
             case when locked_until is null or locked_until > now() then locked_at end, locale, created_at from staff_user""";

  public List<StaffMember> all() {
    return jdbc.sql(MEMBER + " order by username").query(StaffAdministration::member).list();
  }

  private static StaffMember member(ResultSet rs, int row) throws SQLException {
    return new StaffMember(rs.getString(1), rs.getString(2), strings(rs.getArray(3)), strings(rs.getArray(4)), rs.getBoolean(5),
        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getTimestamp(8).toInstant());
  }

  public void create(NewStaff s, String admin) {
    tx.executeWithoutResult(status -> {
      Map<String, String> errors = new LinkedHashMap<>();
      String name = s.username() == null ? "" : s.username().strip();
      if (!name.matches("[a-z][a-z0-9._-]{2,31}")) {
        errors.put("username", "3 to 32 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter");
      } else if (exists(name) || jdbc.sql("select count(*) from channel_client where channel = ?").param(name)
          .query(Long.class).single() > 0) {
        errors.put("username", "already taken");
      }
      String display = s.displayName() == null ? "" : s.displayName().strip();
      if (display.isEmpty() || display.length() > 60) {
        errors.put("displayName", "1 to 60 characters");
      }
      if (s.roles() == null || s.roles().isEmpty() || !ROLES.containsAll(s.roles())) {
        errors.put("roles", "at least one of " + ROLES);
      }
      checkGroups(s.groups(), errors);
      checkPassword(s.password(), errors);
      if (!errors.isEmpty()) {
        throw new FieldErrors(errors);
      }
      List<String> groups = sorted(s.groups());
      jdbc.sql("insert into staff_user (username, display_name, password_hash, roles, work_groups) values (?, ?, ?, ?, ?)")
          .params(name, display, Accounts.ENCODER.encode(s.password()), s.roles().toArray(String[]::new),
              groups.toArray(String[]::new)).update();
      audit.append(SignInGuard.subject(name), "created", admin, "workspace", "ACCOUNT_CREATED",
          Map.of("displayName", display, "roles", String.join(",", s.roles()), "groups", String.join(",", groups)));
    });
  }

  /** Sets the work groups; the person's queues and case files follow at their next click. */
  public void setGroups(String username, List<String> groups, String admin, String reason) {
    tx.executeWithoutResult(status -> {
      Map<String, String> errors = new LinkedHashMap<>();
      checkGroups(groups, errors);
      checkReason(reason, errors);
      if (!errors.isEmpty()) {
        throw new FieldErrors(errors);
      }
      StaffMember before = find(username);
      List<String> after = sorted(groups);
      if (after.equals(sorted(before.groups()))) {
        return;
      }
      jdbc.sql("update staff_user set work_groups = ? where username = ?").params(after.toArray(String[]::new), username).update();
      audit.append(SignInGuard.subject(username), "groups:" + clock.millis() + ":" + String.join(",", after), admin, "workspace",
          "ACCOUNT_GROUPS_CHANGED", Map.of("from", String.join(",", sorted(before.groups())), "to", String.join(",", after),
              "reason", reason.strip()));
    });
  }

  /** Disables or enables an account; a disabled account signs in no more and its API calls stop at once. */
  public void setEnabled(String username, boolean enabled, String admin, String reason) {
    tx.executeWithoutResult(status -> {
      Map<String, String> errors = new LinkedHashMap<>();
      checkReason(reason, errors);
      if (!enabled && username.equals(admin)) {
        errors.put("enabled", "you cannot disable your own account");
      }
      if (!errors.isEmpty()) {
        throw new FieldErrors(errors);
      }
      StaffMember before = find(username);
      if (before.enabled() == enabled) {
        return;
      }
      jdbc.sql("update staff_user set enabled = ? where username = ?").params(enabled, username).update();
      audit.append(SignInGuard.subject(username), (enabled ? "enabled:" : "disabled:") + clock.millis(), admin, "workspace",
          enabled ? "ACCOUNT_ENABLED" : "ACCOUNT_DISABLED", Map.of("reason", reason.strip()));
      events.publishEvent(new AccountChanged(username));
    });
  }

  /** Sets a new password (given to the person by hand); also lifts a lock, since the old password is gone. */
  public void resetPassword(String username, String password, String admin, String reason) {
    tx.executeWithoutResult(status -> {
      Map<String, String> errors = new LinkedHashMap<>();
      checkPassword(password, errors);
      checkReason(reason, errors);
      if (!errors.isEmpty()) {
        throw new FieldErrors(errors);
      }
      find(username);
      jdbc.sql("update staff_user set password_hash = ?, failed_sign_ins = 0, locked_at = null, locked_until = null where username = ?")
          .params(Accounts.ENCODER.encode(password), username).update();
      audit.append(SignInGuard.subject(username), "password:" + clock.millis(), admin, "workspace", "ACCOUNT_PASSWORD_RESET",
          Map.of("reason", reason.strip()));
      events.publishEvent(new AccountChanged(username));
    });
  }

  public StaffMember find(String username) {
    return jdbc.sql(MEMBER + " where username = ?").param(username).query(StaffAdministration::member).optional()
        .orElseThrow(() -> FieldErrors.of("username", "no member of staff " + username));
  }

  private boolean exists(String name) {
    return jdbc.sql("select count(*) from staff_user where username = ?").param(name).query(Long.class).single() > 0;
  }

  private static void checkGroups(List<String> groups, Map<String, String> errors) {
    if (groups == null || !WORK_GROUPS.containsAll(groups)) {
      errors.put("groups", "only " + WORK_GROUPS);
    }
  }

  private static void checkPassword(String password, Map<String, String> errors) {
    if (password == null || password.length() < MIN_PASSWORD || password.length() > 72 || password.isBlank()) {
      errors.put("password", "12 to 72 characters (BCrypt reads no more)");
    }
  }

  private static void checkReason(String reason, Map<String, String> errors) {
    if (reason == null || reason.isBlank() || reason.length() > 200) {
      errors.put("reason", "say why (at most 200 characters; it is audited)");
    }
  }

  private static List<String> sorted(List<String> groups) {
    return List.copyOf(new TreeSet<>(groups == null ? List.of() : groups));
  }

  private static List<String> strings(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
  }
}
