package org.cardcase.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.cardcase.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The anchors of the whole trail on a real PostgreSQL: what a subject's own chain cannot show (its
 * last entries deleted; a trail written again by someone holding the key) is found by the check.
 */
class AuditAnchorsTest {
  final JdbcClient jdbc = TestDatabase.jdbc();
  final AuditTrail audit = new AuditTrail(jdbc, Clock.systemUTC(), TestAuditKeys.KEYS);

  AuditAnchors anchors(Path dir) {
    return new AuditAnchors(jdbc, TestAuditKeys.KEYS, Clock.systemUTC(), dir.resolve("anchors.jsonl").toString(), "", Duration.ZERO);
  }

  @Test
  void aDeletedLastEntryAndARewriteWithTheKeyAreFoundByTheAnchorsNotByTheChain() throws Exception {
    Path dir = Files.createTempDirectory("anchors");
    // the table is shared with other tests: start from a clean anchor table
    jdbc.sql("delete from audit_anchor").update();
    AuditAnchors anchors = anchors(dir);
    String s = AuditTrail.ofCase("SC-ANCHOR-" + UUID.randomUUID());
    for (int i = 1; i <= 3; i++) {
      audit.append(s, "k" + i, "clerk", null, "TASK_COMPLETED", Map.of("n", i));
    }
    Thread.sleep(5);
    AuditAnchors.Anchor first = anchors.anchor().orElseThrow();
    assertThat(first.n()).isEqualTo(1);
    assertThat(Files.readAllLines(anchors.file())).hasSize(1);
    assertThat(anchors.anchor()).as("nothing new, no anchor").isEmpty();
    audit.append(s, "k4", "clerk", null, "TASK_COMPLETED", Map.of("n", 4));
    Thread.sleep(5);
    AuditAnchors.Anchor second = anchors.anchor().orElseThrow();
    assertThat(second.entries()).isEqualTo(1);
    assertThat(anchors.check().intact()).isTrue();

    jdbc.sql("alter table audit_entry disable trigger audit_entry_append_only").update();
    try {
      // the last entry of the trail removed: the chain still verifies, the anchors do not
      jdbc.sql("delete from audit_entry where subject = ? and seq = 4").param(s).update();
      assertThat(audit.verify(s).intact()).as("a chain cannot see its own tail gone").isTrue();
      AuditAnchors.Check gone = anchors.check();
      assertThat(gone.intact()).isFalse();
      assertThat(gone.firstBrokenAnchor()).isEqualTo(2);
      assertThat(gone.problem()).contains("changed, removed or added");
      assertThat(anchors.lastCheck()).isEqualTo(gone);

      // someone who holds the key itself changes entry 2 and signs the chain again: the chain
      // verifies, the anchors (in a file the database cannot write) do not
      String t = AuditTrail.ofCase("SC-ANCHOR-" + UUID.randomUUID());
      jdbc.sql("delete from audit_anchor").update();
      AuditAnchors fresh = anchors(Files.createTempDirectory("anchors"));
      for (int i = 1; i <= 3; i++) {
        audit.append(t, "k" + i, "clerk", null, "TASK_COMPLETED", Map.of("n", i));
      }
      Thread.sleep(5);
      fresh.anchor().orElseThrow();
      assertThat(fresh.check().intact()).isTrue();
      jdbc.sql("update audit_entry set detail = '{\"n\": 99}' where subject = ? and seq = 2").param(t).update();
      String prev = AuditTrail.GENESIS;
      for (AuditTrail.Entry e : audit.entries(t)) {
        String hash = TestAuditKeys.KEYS.mac(e.keyId(), AuditTrail.material(new AuditTrail.Entry(e.subject(), e.seq(), e.at(),
            e.actor(), e.channel(), e.action(), e.detail(), prev, null, e.keyId())));
        jdbc.sql("update audit_entry set prev_hash = ?, hash = ? where subject = ? and seq = ?").params(prev, hash, t, e.seq()).update();
        prev = hash;
      }
      assertThat(audit.verify(t).intact()).as("re-signed with the key: the chain alone is fooled").isTrue();
      assertThat(fresh.check().intact()).isFalse();
    } finally {
      jdbc.sql("alter table audit_entry enable trigger audit_entry_append_only").update();
    }
  }

  @Test
  void aChangedAnchorRowIsFound() throws Exception {
    Path dir = Files.createTempDirectory("anchors");
    jdbc.sql("delete from audit_anchor").update();
    AuditAnchors anchors = anchors(dir);
    audit.append(AuditTrail.ofCase("SC-ANCHOR-" + UUID.randomUUID()), "k1", "clerk", null, "TASK_COMPLETED", Map.of());
    Thread.sleep(5);
    anchors.anchor().orElseThrow();
    assertThat(anchors.check().intact()).isTrue();
    jdbc.sql("update audit_anchor set entries = entries + 1").update();
    AuditAnchors.Check changed = anchors.check();
    assertThat(changed.intact()).isFalse();
    assertThat(changed.problem()).contains("differs from the anchor file");
  }
}
