package org.cardcase.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.cardcase.TestDatabase;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wrong passwords on the real database: waits, a lock that ends, and an unlock from the machine that the application sees. */
class SignInGuardTest {
  private final JdbcClient jdbc = TestDatabase.jdbc();
  private final Clock clock = Clock.systemUTC();
  private final AuditTrail audit = new AuditTrail(jdbc, clock, TestAuditKeys.KEYS);
  private final SignInGuard guard = new SignInGuard(jdbc, audit, clock, e -> {}, 3, 5, Duration.ofMinutes(15), 20, TestDatabase.tx());
  private final String name = "guard-" + UUID.randomUUID().toString().substring(0, 8);

  private void staff() {
    jdbc.sql("insert into staff_user (username, display_name, password_hash, roles) values (?, 'T', 'x', '{CLERK}')").param(name).update();
  }

  /** Five wrong passwords, each after the wait the guard asked for (as a patient attacker would). */
  private void fiveFailures(String who) {
    for (int i = 0; i < 5; i++) {
      guard.failed(who, "10.0.0." + i, null); // a different address each time: only the name's count matters here
    }
  }

  @Test
  void fiveFailuresLockAKnownAndAnUnknownNameAlikeAndTheStaffLockIsKeptInTheDatabase() {
    staff();
    fiveFailures(name);
    String unknown = "nobody-" + name;
    fiveFailures(unknown);
    assertThat(guard.check(name, null)).isPresent();
    assertThat(guard.check(unknown, null)).isPresent();
    assertThat(guard.check(name, null).get().reason()).isEqualTo(guard.check(unknown, null).get().reason());
    assertThat(guard.check(name, null).get().retryAfter()).isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));
    assertThat(jdbc.sql("select locked_until is not null from staff_user where username = ?").param(name).query(Boolean.class).single())
        .isTrue();
  }

  @Test
  void theMachinesUnlockInAnotherProcessEndsTheLockTheApplicationRemembers() {
    staff();
    fiveFailures(name);
    assertThat(guard.check(name, null)).as("locked").isPresent();
    // ./cardcase admin unlock runs in a process of its own: it changes only the database
    MachineAccounts machine = new MachineAccounts(jdbc, audit, new StaffAdministration(jdbc, audit, clock, e -> {}, TestDatabase.tx()), clock, TestDatabase.tx());
    assertThat(machine.unlock(name, "root", "every administrator locked out")).isEqualTo(MachineAccounts.Unlock.UNLOCKED);
    assertThat(guard.check(name, null)).as("the lock lifted in the database is lifted here too").isEmpty();
  }

  @Test
  void aLockRestoredFromTheDatabaseAfterARestartStillHolds() {
    staff();
    fiveFailures(name);
    SignInGuard restarted = new SignInGuard(jdbc, audit, clock, e -> {}, 3, 5, Duration.ofMinutes(15), 20, TestDatabase.tx());
    assertThat(restarted.check(name, null)).isPresent();
  }
}
