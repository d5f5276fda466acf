package org.cardcase.access;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the machine's own operator does to accounts with {@code ./cardcase admin}, never over the
 * network: create an administrator (the first one of a real installation), lift a lock when every
 * administrator is locked out, and disable the demo accounts that still have their published
 * passwords. Each change is in the account's audit trail with the actor {@code machine:<os user>}
 * and the channel {@code machine}.
 */
public class MachineAccounts {
  public static final String CHANNEL = "machine";
  /** The staff accounts {@link Accounts#seedDemoAccounts} creates; like the channels, each has the password {@code <name>-demo}. */
  static final List<String> DEMO_STAFF = List.of("clerk", "clerk2", "supervisor", "analyst", "admin");

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final StaffAdministration staff;
  private final Clock clock;
  private final TransactionTemplate tx;

  public MachineAccounts(JdbcClient jdbc, AuditTrail audit, StaffAdministration staff, Clock clock, TransactionTemplate tx) {
    this.tx = tx;
    this.jdbc = jdbc;
    this.audit = audit;
    this.staff = staff;
    this.clock = clock;
  }

  public static String actor(String osUser) {
    return CHANNEL + ":" + osUser;
  }

  /** Every name a demo account has but the banks' ({@code bank-<code>}): channels, the card centre, staff. */
  public static List<String> demoNames() {
    List<String> names = new ArrayList<>(Channels.ALL);
    names.add(ChannelClients.CARD_CENTRE);
    names.addAll(DEMO_STAFF);
    return List.copyOf(names);
  }

  /**
   * The enabled accounts whose password still is the published demo one ({@code <name>-demo}), by
   * name; none before the tables exist. One BCrypt check per demo account found.
   */
  public static List<String> onDemoPasswords(JdbcClient jdbc) {
    boolean tables = jdbc.sql("select to_regclass('staff_user') is not null and to_regclass('channel_client') is not null")
        .query(Boolean.class).single();
    if (!tables) {
      return List.of();
    }
    String[] names = demoNames().toArray(String[]::new);
    List<String[]> candidates = new ArrayList<>();
    candidates.addAll(jdbc.sql("select channel, secret_hash from channel_client where enabled and (channel = any(?) or channel like 'bank-%') order by channel")
        .param(names).query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)}).list());
    candidates.addAll(jdbc.sql("select username, password_hash from staff_user where enabled and username = any(?) order by username")
        .param(names).query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)}).list());
    return candidates.stream().filter(c -> c[1] != null && Accounts.ENCODER.matches(c[0] + "-demo", c[1])).map(c -> c[0]).toList();
  }

  /** A new administrator (no work groups), checked by the same rules as one created in the workspace. */
  public void createAdministrator(String username, String password, String osUser) {
    staff.create(new StaffAdministration.NewStaff(username, "系统管理员 Administrator", List.of("ADMIN"), List.of(), password),
        actor(osUser));
  }

  public enum Unlock { UNLOCKED, NOT_LOCKED, NO_SUCH_ACCOUNT }

  /** Lifts a member of staff's lock (and the count of failed sign-ins), as an administrator's unlock does. */
  public Unlock unlock(String username, String osUser, String reason) {
    return tx.execute(status -> {
      if (reason == null || reason.isBlank() || reason.length() > 200) {
        throw FieldErrors.of("reason", "say why the account is unlocked (at most 200 characters; it is audited)");
      }
      if (jdbc.sql("select count(*) from staff_user where username = ?").param(username).query(Long.class).single() == 0) {
        return Unlock.NO_SUCH_ACCOUNT;
      }
      boolean unlocked = jdbc.sql("update staff_user set locked_at = null, locked_until = null, failed_sign_ins = 0 where username = ? and locked_at is not null")
          .param(username).update() == 1;
      if (!unlocked) {
        return Unlock.NOT_LOCKED;
      }
      audit.append(SignInGuard.subject(username), "unlocked:" + clock.millis(), actor(osUser), CHANNEL, "ACCOUNT_UNLOCKED",
          Map.of("reason", reason.strip()));
      return Unlock.UNLOCKED;
    });
  }

  /** Disables every enabled demo account that still has its demo password; the names disabled. */
  public List<String> retireDemoAccounts(String osUser) {
    return tx.execute(status -> {
      List<String> names = onDemoPasswords(jdbc);
      for (String name : names) {
        int n = jdbc.sql("update staff_user set enabled = false where username = ? and enabled").param(name).update()
            + jdbc.sql("update channel_client set enabled = false where channel = ? and enabled").param(name).update();
        if (n > 0) {
          audit.append(SignInGuard.subject(name), "disabled:" + clock.millis(), actor(osUser), CHANNEL, "ACCOUNT_DISABLED",
              Map.of("reason", "demo account with its published password, disabled from the machine"));
        }
      }
      return names;
    });
  }
}
