package org.cardcase.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.cards.CurrentCards;
import org.cardcase.cases.ClosedCases;
import org.cardcase.documents.DocumentRetention;
import org.cardcase.notifications.MessageRetention;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The nightly run on a history of its own database (not the module's shared one): 2 000 cases in
 * the suite (20 000 with {@code -Dcardcase.retention-scale.cases=20000}, the README's figure)
 * closed over two years, a fifth of them with a portrait and an ID scan, their cards half current
 * and half replaced, and an SMS each. The first run's work and time, and a second night's (nothing
 * left to do: the scan alone).
 */
class PersonalDataRetentionScaleTest {
  static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  static final int CASES = Integer.getInteger("cardcase.retention-scale.cases", 2000);

  @Test
  void aNightOnManyClosedCases() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("retention-scale")).start()) {
      Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
      // pooled, as the application's connections are (an unpooled data source opens a connection per statement)
      HikariDataSource ds = new HikariDataSource();
      ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
      ds.setMaximumPoolSize(4);
      JdbcClient jdbc = JdbcClient.create(ds);
      long t0 = System.nanoTime();
      // closed between 730 and 1 days ago, evenly; numbers SCS000000001…
      jdbc.sql("""
          insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone,
                                 issuing_bank, created_at, closed_at)
          select 'SCS' || lpad(i::text, 9, '0'), 'CARD_APPLICATION', 'COMPLETED', 'end', 'counter', '王小明',
                 '1101051949' || lpad(i::text, 8, '0'), 'MALE', '13800000000', 'ICBC',
                 ?::timestamptz - (i % 730 + 21) * interval '1 day', ?::timestamptz - (i % 730 + 1) * interval '1 day'
          from generate_series(1, ?) i""").params(NOW.toString(), NOW.toString(), CASES).update();
      jdbc.sql("""
          insert into card (card_id, case_number, holder_id_number, holder_name, state)
          select 'CDS' || lpad(i::text, 9, '0'), 'SCS' || lpad(i::text, 9, '0'), '1101051949' || lpad(i::text, 8, '0'), '王小明',
                 case when i % 2 = 0 then 'ACTIVE' else 'REPLACED' end
          from generate_series(1, ?) i where i % 5 = 0""").param(CASES).update();
      for (String kind : new String[] {"PORTRAIT_PHOTO", "ID_CARD_FRONT"}) {
        jdbc.sql("""
            insert into case_document (case_number, kind, version, content_type, bytes, size_bytes, sha256, uploaded_by)
            select 'SCS' || lpad(i::text, 9, '0'), ?, 1, 'image/jpeg', decode(repeat('ab', 20000), 'hex'), 20000, 'x', 'clerk'
            from generate_series(1, ?) i where i % 5 = 0""").params(kind, CASES).update();
      }
      jdbc.sql("""
          insert into notification (case_number, event_key, recipient, medium, template, text, sent_at)
          select 'SCS' || lpad(i::text, 9, '0'), 'scale-' || i, '13800000000', 'SMS', 'CARD_READY', '王小明您好，请领取社保卡',
                 ?::timestamptz - (i % 730 + 1) * interval '1 day'
          from generate_series(1, ?) i""").params(NOW.toString(), CASES).update();
      jdbc.sql("analyze").update();
      long filled = (System.nanoTime() - t0) / 1_000_000;

      Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
      AuditTrail audit = new AuditTrail(jdbc, clock, TestAuditKeys.KEYS);
      PersonalDataRetention retention = new PersonalDataRetention(jdbc,
          new TransactionTemplate(new DataSourceTransactionManager(ds)), audit,
          new ClosedCases(jdbc), new CurrentCards(jdbc),
          new DocumentRetention(jdbc), new MessageRetention(jdbc), clock,
          Duration.ofDays(180), Duration.ofDays(90), LocalTime.of(2, 30), 200, true);

      long t1 = System.nanoTime();
      PersonalDataRetention.Run first = retention.run("scale");
      long firstMs = (System.nanoTime() - t1) / 1_000_000;
      long t2 = System.nanoTime();
      PersonalDataRetention.Run second = retention.run("scale");
      long secondMs = (System.nanoTime() - t2) / 1_000_000;
      System.out.printf("retention scale: %d closed cases, %d with 2 documents (20 kB each), %d SMS, filled in %d ms;"
          + " first run %d ms: %d cases, %d documents removed, %d texts redacted; second run %d ms: %d cases%n",
          CASES, CASES / 5, CASES, filled, firstMs, first.cases(), first.documentsRemoved(), first.messagesRedacted(), secondMs, second.cases());

      // closed more than 180 days ago: days 181..730 of 730 → 550/730 of the cases with documents
      long oldWithDocuments = jdbc.sql("""
          select count(*) from card_case c where closed_at < ?::timestamptz - interval '180 days'
          and exists (select 1 from case_document d where d.case_number = c.case_number)""").param(NOW.toString())
          .query(Long.class).single();
      long keptPortraits = jdbc.sql("""
          select count(*) from case_document d join card k on k.case_number = d.case_number join card_case c on c.case_number = d.case_number
          where d.kind = 'PORTRAIT_PHOTO' and k.state = 'ACTIVE' and c.closed_at < ?::timestamptz - interval '180 days'""")
          .param(NOW.toString()).query(Long.class).single();
      assertThat(first.documentsRemoved()).isEqualTo(2 * oldWithDocuments - keptPortraits);
      assertThat(jdbc.sql("select count(*) from case_document where removed_at is not null and bytes is not null").query(Long.class)
          .single()).isZero();
      assertThat(first.failure()).isNull();
      assertThat(second.cases()).isZero();
      assertThat(second.documentsRemoved() + second.messagesRedacted()).isZero();
      assertThat(jdbc.sql("select count(*) from audit_entry where action = 'RETENTION_APPLIED'").query(Long.class).single())
          .isEqualTo(first.cases());
      ds.close();
    }
  }
}
