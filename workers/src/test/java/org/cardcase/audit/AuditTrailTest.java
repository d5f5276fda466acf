package org.cardcase.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Base64;
import org.cardcase.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The audit trail on a real PostgreSQL with the real migrations. */
class AuditTrailTest {
  static JdbcClient jdbc;
  static AuditTrail audit;

  @BeforeAll
  static void start() {
    jdbc = TestDatabase.jdbc();
    audit = new AuditTrail(jdbc, Clock.systemUTC(), TestAuditKeys.KEYS);
  }

  @Test
  void entriesChainAndARetriedStepWritesNothingTwice() {
    String s = AuditTrail.ofCase("SC-A1");
    assertThat(audit.append(s, "received", "web-portal", "web-portal", "CASE_RECEIVED", Map.of("bank", "ICBC"))).isTrue();
    assertThat(audit.append(s, "status:IN_PROGRESS", "system", null, "STATUS_CHANGED", Map.of("status", "IN_PROGRESS"))).isTrue();
    assertThat(audit.append(s, "status:IN_PROGRESS", "system", null, "STATUS_CHANGED", Map.of("status", "IN_PROGRESS"))).isFalse();
    var entries = audit.entries(s);
    assertThat(entries).extracting(AuditTrail.Entry::seq).containsExactly(1, 2);
    assertThat(entries.get(0).prevHash()).isEqualTo(AuditTrail.GENESIS);
    assertThat(entries.get(1).prevHash()).isEqualTo(entries.get(0).hash());
    assertThat(audit.verify(s)).isEqualTo(new AuditTrail.Verification(true, 2, null, null));
  }

  @Test
  void theTableRefusesUpdatesAndDeletes() {
    String s = AuditTrail.ofCase("SC-A2");
    audit.append(s, "received", "counter", "counter", "CASE_RECEIVED", Map.of());
    assertThatThrownBy(() -> jdbc.sql("update audit_entry set actor = 'someone' where subject = ?").param(s).update())
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> jdbc.sql("delete from audit_entry where subject = ?").param(s).update())
        .hasMessageContaining("append-only");
  }

  @Test
  void aChangedOrDeletedEntryIsDetected() {
    String s = AuditTrail.ofCase("SC-A3");
    for (int i = 1; i <= 4; i++) {
      audit.append(s, "k" + i, "clerk", null, "TASK_COMPLETED", Map.of("n", i));
    }
    // someone with database owner rights goes around the trigger
    jdbc.sql("alter table audit_entry disable trigger audit_entry_append_only").update();
    try {
      jdbc.sql("update audit_entry set detail = '{\"n\": 99}' where subject = ? and seq = 2").param(s).update();
      AuditTrail.Verification changed = audit.verify(s);
      assertThat(changed.intact()).isFalse();
      assertThat(changed.firstBrokenSeq()).isEqualTo(2);
      assertThat(changed.problem()).contains("changed");

      String s2 = AuditTrail.ofCase("SC-A4");
      for (int i = 1; i <= 3; i++) {
        audit.append(s2, "k" + i, "clerk", null, "TASK_COMPLETED", Map.of("n", i));
      }
      jdbc.sql("delete from audit_entry where subject = ? and seq = 2").param(s2).update();
      assertThat(audit.verify(s2).firstBrokenSeq()).isEqualTo(2);
      assertThat(audit.verify(s2).problem()).contains("missing");
    } finally {
      jdbc.sql("alter table audit_entry enable trigger audit_entry_append_only").update();
    }
  }

  @Test
  void aChainRewrittenWithoutTheKeyIsDetected() {
    String s = AuditTrail.ofCase("SC-A5");
    for (int i = 1; i <= 3; i++) {
      audit.append(s, "k" + i, "clerk", null, "TASK_COMPLETED", Map.of("n", i));
    }
    assertThat(audit.entries(s)).allSatisfy(e -> assertThat(e.keyId()).isEqualTo(TestAuditKeys.KEYS.currentId()));
    jdbc.sql("alter table audit_entry disable trigger audit_entry_append_only").update();
    try {
      // whoever can write the table changes entry 2 and computes the chain again from there, as
      // plain SHA-256 (all a SHA-256 chain needed) and as an HMAC under a key of their own
      jdbc.sql("update audit_entry set detail = '{\"n\": 99}' where subject = ? and seq = 2").param(s).update();
      rehash(s, null);
      AuditTrail.Verification plain = audit.verify(s);
      assertThat(plain.intact()).isFalse();
      assertThat(plain.firstBrokenSeq()).isEqualTo(1);
      assertThat(plain.problem()).contains("rewritten");

      AuditKeys theirs = new AuditKeys(Base64.getEncoder().encodeToString("someone else's key of 32 bytes!!".getBytes()), "", "");
      rehash(s, theirs);
      AuditTrail.Verification keyed = audit.verify(s);
      assertThat(keyed.intact()).isFalse();
      assertThat(keyed.problem()).contains("does not hold");
      jdbc.sql("update audit_entry set key_id = ? where subject = ?").params(TestAuditKeys.KEYS.currentId(), s).update();
      assertThat(audit.verify(s).problem()).isEqualTo("entry 1 was changed after it was written");
    } finally {
      jdbc.sql("alter table audit_entry enable trigger audit_entry_append_only").update();
    }
  }

  /** Recomputes every hash of the subject's chain: plain SHA-256 (keys null) or under the keys given. */
  private static void rehash(String subject, AuditKeys with) {
    String prev = AuditTrail.GENESIS;
    for (AuditTrail.Entry e : audit.entries(subject)) {
      AuditTrail.Entry again = new AuditTrail.Entry(e.subject(), e.seq(), e.at(), e.actor(), e.channel(), e.action(), e.detail(),
          prev, null, with == null ? null : with.currentId());
      String hash = with == null ? AuditTrail.hash(again) : with.mac(with.currentId(), AuditTrail.material(again));
      jdbc.sql("update audit_entry set prev_hash = ?, hash = ?, key_id = ? where subject = ? and seq = ?")
          .params(prev, hash, again.keyId(), subject, e.seq()).update();
      prev = hash;
    }
  }
}
