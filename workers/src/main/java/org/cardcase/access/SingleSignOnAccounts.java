package org.cardcase.access;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.cardcase.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Members of staff who sign in through an OpenID Connect provider (single sign-on). Their row in
 * staff_user is kept up to date at each sign-in from what the provider says (display name, roles,
 * work groups), so the workspace reads them like any other member of staff. Such a row has
 * {@code sso_subject} set (the provider's issuer and the person's subject) and a random password
 * hash nobody knows; PostgreSQL refuses to set a password on it (V40). A change of roles, work
 * groups or display name is one entry in the account's audit trail ({@code ACCOUNT_PROVISIONED_FROM_SSO}).
 */
@Service
public class SingleSignOnAccounts {
  private static final Logger log = LoggerFactory.getLogger(SingleSignOnAccounts.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Provider user names the workspace takes: e-mail style names too, nothing that needs quoting. */
  private static final String NAME = "[a-z0-9][a-z0-9._@-]{1,63}";

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Clock clock;
  private final TransactionTemplate tx;

  public SingleSignOnAccounts(JdbcClient jdbc, AuditTrail audit, Clock clock, TransactionTemplate tx) {
    this.tx = tx;
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * What the provider said about the person: {@code subject} is issuer and subject together,
   * {@code roles} and {@code groups} the raw claim values (unknown ones are ignored).
   */
  public record Person(String subject, String username, String displayName, Collection<String> roles, Collection<String> groups) {}

  /** Why a person the provider accepted does not get into the workspace. */
  public enum Refusal {
    /** The provider gives them none of the workspace's roles. */
    NO_ROLE,
    /** An administrator disabled the account here. */
    DISABLED,
    /** The name belongs to a local account, a channel system or another person of the provider. */
    NAME_TAKEN,
    /** The provider's user name is missing or not one the workspace takes. */
    BAD_NAME
  }

  /** The account to sign in with, or why not (exactly one of the two is set). */
  public record Outcome(Account account, Refusal refusal) {}

  /** Provisions or updates the person's staff_user row and says whether they may sign in. */
  public Outcome signIn(Person p) {
    return tx.execute(status -> {
      String name = p.username() == null ? "" : p.username().strip().toLowerCase(Locale.ROOT);
      if (!name.matches(NAME)) {
        log.warn("single sign-on refused: user name {} from {} is not one the workspace takes", p.username(), p.subject());
        return refused(Refusal.BAD_NAME);
      }
      List<String> roles = known(p.roles(), StaffAdministration.ROLES, true);
      List<String> groups = sorted(known(p.groups(), StaffAdministration.WORK_GROUPS, false));
      String display = p.displayName() == null || p.displayName().isBlank() ? name : p.displayName().strip();
      display = display.length() > 60 ? display.substring(0, 60) : display;

      if (jdbc.sql("select count(*) from channel_client where channel = ?").param(name).query(Long.class).single() > 0) {
        log.warn("single sign-on refused: {} from {} is the name of a channel system", name, p.subject());
        return refused(Refusal.NAME_TAKEN);
      }
      var row = jdbc.sql("select sso_subject, enabled, display_name, roles, work_groups from staff_user where username = ? for update")
          .param(name).query((rs, i) -> new Row(rs.getString(1), rs.getBoolean(2), rs.getString(3), strings(rs.getArray(4)),
              strings(rs.getArray(5)))).optional();
      if (row.isEmpty()) {
        if (roles.isEmpty()) {
          return refused(Refusal.NO_ROLE); // no row for someone who may not work here
        }
        int n = jdbc.sql("""
            insert into staff_user (username, display_name, password_hash, roles, work_groups, sso_subject)
            values (?, ?, ?, ?, ?, ?) on conflict do nothing""")
            .params(name, display, unusableHash(), roles.toArray(String[]::new), groups.toArray(String[]::new), p.subject()).update();
        if (n == 0) {
          // the same person's first sign-in twice at once, or a name taken meanwhile: the next attempt sees the row
          return refused(Refusal.NAME_TAKEN);
        }
        provisioned(name, p.subject(), null, display, roles, groups);
        return new Outcome(new Account(name, null, roles, groups, "STAFF", List.of()), null);
      }
      Row r = row.get();
      if (r.subject() == null || !r.subject().equals(p.subject())) {
        log.warn("single sign-on refused: {} from {} is the name of {}", name, p.subject(),
            r.subject() == null ? "a local account" : "another person (" + r.subject() + ")");
        return refused(Refusal.NAME_TAKEN);
      }
      if (!r.enabled()) {
        return refused(Refusal.DISABLED);
      }
      if (!sorted(r.roles()).equals(sorted(roles)) || !sorted(r.groups()).equals(groups) || !r.displayName().equals(display)) {
        jdbc.sql("update staff_user set display_name = ?, roles = ?, work_groups = ? where username = ?")
            .params(display, roles.toArray(String[]::new), groups.toArray(String[]::new), name).update();
        provisioned(name, p.subject(), r, display, roles, groups);
      }
      // a person the provider took every role from is refused, with no groups left here (no new tasks reach them)
      return roles.isEmpty() ? refused(Refusal.NO_ROLE) : new Outcome(new Account(name, null, roles, groups, "STAFF", List.of()), null);
    });
  }

  private record Row(String subject, boolean enabled, String displayName, List<String> roles, List<String> groups) {}

  private void provisioned(String name, String subject, Row before, String display, List<String> roles, List<String> groups) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("provider", subject.substring(0, Math.max(0, subject.lastIndexOf(' '))));
    detail.put("displayName", display);
    detail.put("roles", String.join(",", roles));
    detail.put("groups", String.join(",", groups));
    if (before != null) {
      detail.put("previousRoles", String.join(",", before.roles()));
      detail.put("previousGroups", String.join(",", sorted(before.groups())));
    }
    audit.append(SignInGuard.subject(name), "sso:" + clock.millis() + ":" + String.join(",", roles) + ":" + String.join(",", groups),
        "system", "workspace", "ACCOUNT_PROVISIONED_FROM_SSO", detail);
    log.info("staff account {} {} from single sign-on: roles {}, groups {}", name, before == null ? "created" : "updated", roles, groups);
  }

  private static Outcome refused(Refusal why) {
    return new Outcome(null, why);
  }

  /** The claim values the workspace knows, in its own order (roles are matched without regard to case). */
  private static List<String> known(Collection<String> claimed, List<String> known, boolean upperCase) {
    if (claimed == null) {
      return List.of();
    }
    TreeSet<String> have = new TreeSet<>();
    for (String c : claimed) {
      if (c == null) {
        continue;
      }
      String v = c.strip();
      v = v.substring(v.lastIndexOf('/') + 1); // a group given with its path, "/verification"
      have.add(upperCase ? v.toUpperCase(Locale.ROOT) : v);
    }
    return known.stream().filter(have::contains).toList();
  }

  /** A BCrypt of 48 random bytes no one ever sees (64 characters: BCrypt reads at most 72 bytes): no password matches it. */
  private static String unusableHash() {
    byte[] secret = new byte[48];
    RANDOM.nextBytes(secret);
    return Accounts.ENCODER.encode(Base64.getEncoder().encodeToString(secret));
  }

  private static List<String> sorted(List<String> values) {
    return List.copyOf(new TreeSet<>(values));
  }

  private static List<String> strings(Array a) throws SQLException {
    return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
  }
}
