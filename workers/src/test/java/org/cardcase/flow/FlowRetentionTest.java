package org.cardcase.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.cardcase.TestDatabase;
import org.cardcase.shared.Retention;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention of the engine's generations and of the message inbox, each in a transaction rolled back
 * at the end (the database is shared with the other tests of this module).
 */
class FlowRetentionTest {
  final DataSource ds = TestDatabase.dataSource();
  final JdbcClient jdbc = JdbcClient.create(ds);
  final TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
  final Instant now = Instant.now();

  Timestamp daysAgo(int days) {
    return Timestamp.from(now.minus(Duration.ofDays(days)));
  }

  void openCase(String cn, Long generation, Integer endedDaysAgo) {
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, issuing_bank)
        values (?, 'CARD_APPLICATION', 'IN_PROGRESS', 'review-application', 'web-portal', '测试', ?, 'MALE', '13800000000', 'ICBC')""")
        .params(cn, personOf(cn)).update(); // a person each: one open application per person is a unique index
    jdbc.sql("""
        insert into process_link (case_number, bpmn_process_id, process_instance_key, engine_generation, started_at, ended_at)
        values (?, 'card-application', 1, ?, ?, ?)""")
        .params(cn, generation == null ? 0 : generation, daysAgo(500), endedDaysAgo == null ? null : daysAgo(endedDaysAgo)).update();
  }

  /** An ID-number-like value of its own for each case (the table checks no format; the index wants it unique). */
  static String personOf(String cn) {
    return "1101051949" + String.format("%08d", Math.floorMod(cn.hashCode(), 100_000_000));
  }

  @Test
  void oldGenerationsGoButNotTheNewestNorOneAnOpenCaseRunsIn() {
    tx.executeWithoutResult(status -> {
      status.setRollbackOnly();
      // above every generation in use: other tests of the shared database leave open cases in low generations
      long m = jdbc.sql("""
          select greatest((select coalesce(max(generation), 0) from engine_generation),
                          (select coalesce(max(engine_generation), 0) from process_link))""").query(Long.class).single();
      for (long g = m + 1; g <= m + 4; g++) {
        jdbc.sql("insert into engine_generation (generation, reason, started_at) values (?, 'HEAL', ?)")
            .params(g, daysAgo(g == m + 4 ? 10 : 400)).update();
      }
      openCase("SC-RET-G-" + UUID.randomUUID(), m + 2, null);
      EngineGenerations generations = new EngineGenerations(jdbc, Duration.ofDays(365));
      new Retention(List.of(generations), Clock.fixed(now, ZoneOffset.UTC), 1).trimAll();
      assertThat(jdbc.sql("select generation from engine_generation where generation > ? order by generation").param(m)
          .query(Long.class).list()).containsExactly(m + 2, m + 4);

      // all old now: the newest stays, its number is where the next generation's keys start
      jdbc.sql("update engine_generation set started_at = ? where generation = ?").params(daysAgo(400), m + 4).update();
      new Retention(List.of(generations), Clock.fixed(now, ZoneOffset.UTC), 1).trimAll();
      assertThat(jdbc.sql("select max(generation) from engine_generation").query(Long.class).single()).isEqualTo(m + 4);
      assertThat(generations.nextNumber()).isEqualTo(m + 5);
    });
  }

  @Test
  void inboxMessagesGoOnlyWhenOldAndTheirCaseEndedLongAgo() {
    tx.executeWithoutResult(status -> {
      status.setRollbackOnly();
      String id = UUID.randomUUID().toString();
      String endedLongAgo = "SC-RET-A-" + id;
      String open = "SC-RET-B-" + id;
      String endedRecently = "SC-RET-C-" + id;
      openCase(endedLongAgo, null, 400);
      openCase(open, null, null);
      openCase(endedRecently, null, 10);
      String[][] messages = {
          {"old-of-ended:" + id, endedLongAgo, "400"},
          {"recent-of-ended:" + id, endedLongAgo, "5"},
          {"old-of-open:" + id, open, "400"},
          {"old-of-recently-ended:" + id, endedRecently, "400"},
      };
      for (String[] msg : messages) {
        jdbc.sql("insert into inbound_message (message_id, name, case_number, variables, received_at, consumed) values (?, 'm', ?, '{}'::jsonb, ?, true)")
            .params(msg[0], msg[1], daysAgo(Integer.parseInt(msg[2]))).update();
      }
      InboxRetention inbox = new InboxRetention(jdbc, Duration.ofDays(365));
      new Retention(List.of(inbox), Clock.fixed(now, ZoneOffset.UTC), 1).trimAll();
      assertThat(jdbc.sql("select message_id from inbound_message where message_id like ? order by message_id")
          .param("%:" + id).query(String.class).list())
          .containsExactly("old-of-open:" + id, "old-of-recently-ended:" + id, "recent-of-ended:" + id);
    });
  }
}
