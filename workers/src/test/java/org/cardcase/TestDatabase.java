package org.cardcase;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One real PostgreSQL with the real migrations for all tests of this module (started once per
 * test JVM, stopped with it). Tests keep apart by using their own case numbers and years.
 */
public final class TestDatabase {
  private static EmbeddedPostgres pg;

  private TestDatabase() {}

  public static synchronized DataSource dataSource() {
    if (pg == null) {
      try {
        pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("workers-pg")).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
      }));
    }
    return pg.getPostgresDatabase();
  }

  public static JdbcClient jdbc() {
    return JdbcClient.create(dataSource());
  }

  public static TransactionTemplate tx() {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
  }

  /**
   * An open case row to hang deadlines, cards and tasks on. A person has one open card application
   * at a time (a unique index since V44): an earlier one of the same person is closed first.
   */
  public static void insertCase(String caseNumber, String idNumber) {
    jdbc().sql("update card_case set closed_at = now() where id_number = ? and case_type = 'CARD_APPLICATION' and closed_at is null")
        .param(idNumber).update();
    jdbc().sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, issuing_bank)
        values (?, 'CARD_APPLICATION', 'IN_PROGRESS', 'review-application', 'web-portal', '测试', ?, 'MALE', '13800000000', 'ICBC')""")
        .params(caseNumber, idNumber).update();
  }
}
