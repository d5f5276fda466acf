package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cardcase.audit.AuditKeys;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.privacy.BlindIndex;
import org.cardcase.privacy.Envelope;
import org.cardcase.privacy.LocalKeys;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.KeyFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code ./cardcase admin keys …} on a real PostgreSQL (external mode, as an operator points the
 * command at the database): a rotation and a rewrap leave every value readable and none under the
 * old key, the old key can then be retired, and each step is in the audit trail under the operator.
 */
class AdminKeysCommandTest {
  static EmbeddedPostgres pg;
  static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("admin-keys-pg")).start();
    dataDir = Files.createTempDirectory("admin-keys-data");
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  record Run(int exit, String out) {}

  static Run admin(String... words) {
    List<String> args = new ArrayList<>(List.of(words));
    args.addAll(List.of("--cardcase.postgres.mode=external", "--spring.datasource.url=" + pg.getJdbcUrl("postgres", "postgres"),
        "--spring.datasource.username=postgres", "--spring.datasource.password=", "--cardcase.data-dir=" + dataDir));
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try {
      int exit = AdminCommand.run(args.toArray(String[]::new));
      return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  static PersonalFields keys() {
    List<String> blind = KeyFiles.readOrCreate(dataDir.resolve("keys").resolve("blind-index.keys"), "blind index");
    return new PersonalFields(new Envelope(LocalKeys.file(dataDir.resolve("keys").resolve("records.keys"), false)),
        new BlindIndex(KeyFiles.keys(blind, "blind-index.keys").getFirst()));
  }

  @Test
  void rotateRewrapAndRetireKeepEveryValueReadableAndAreAudited() {
    Run status = admin("keys", "status"); // migrates the database and makes the demo's key files
    assertThat(status.exit()).as(status.out()).isZero();
    assertThat(status.out()).contains("record keys: key file").contains("(current): 0 values");

    JdbcClient jdbc = JdbcClient.create(pg.getPostgresDatabase());
    var audit = new AuditTrail(jdbc, Clock.systemUTC(),
        new AuditKeys("", "", dataDir.toString()));
    PersonalFields before = keys();
    String old = before.envelope().keys().currentKeyId();
    CaseRepository cases = new CaseRepository(jdbc, audit, e -> {}, before);
    Instant now = Instant.now();
    cases.insert(new CaseRecord("SC-ADMIN-1", "CARD_APPLICATION", CaseStatus.RECEIVED, "received", "web-portal", "管理甲",
        "11010519491231002X", "FEMALE", "13911110000", "ICBC", now, now, null));

    Run rotate = admin("keys", "rotate");
    assertThat(rotate.exit()).as(rotate.out()).isZero();
    assertThat(rotate.out()).contains("new record key local-").contains("1 values still under older keys");
    Run rewrap = admin("keys", "rewrap", "--batch=10");
    assertThat(rewrap.exit()).as(rewrap.out()).isZero();
    assertThat(rewrap.out()).contains("1 values rewrapped").contains("0 remain");
    Run retireCurrent = admin("keys", "retire", keys().envelope().keys().currentKeyId());
    assertThat(retireCurrent.exit()).isEqualTo(1);
    Run retire = admin("keys", "retire", old);
    assertThat(retire.exit()).as(retire.out()).isZero();

    PersonalFields after = keys();
    assertThat(after.envelope().keys().keyIds()).doesNotContain(old);
    assertThat(new CaseRepository(jdbc, audit, e -> {}, after).get("SC-ADMIN-1").idNumber()).isEqualTo("11010519491231002X");
    assertThat(jdbc.sql("select action from audit_entry where subject = 'keys:records' order by seq").query(String.class).list())
        .containsExactly("RECORD_KEY_ROTATED", "RECORD_KEYS_REWRAPPED", "RECORD_KEY_RETIRED");
    assertThat(jdbc.sql("select distinct actor from audit_entry where subject = 'keys:records'").query(String.class).list())
        .singleElement().satisfies(a -> assertThat(a).startsWith("machine:"));
  }
}
