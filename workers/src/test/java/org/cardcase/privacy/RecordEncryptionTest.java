package org.cardcase.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.SealedCards;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.CaseStatus;
import org.cardcase.cases.SealedCases;
import org.cardcase.documents.SealedDocuments;
import org.cardcase.family.SealedFamilyLinks;
import org.cardcase.idempotency.SealedAnswers;
import org.cardcase.notifications.Notifications;
import org.cardcase.notifications.SealedNotifications;
import org.cardcase.reissue.SealedVouchers;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Personal data at rest on a real PostgreSQL of its own (rewrap and the start check go over every
 * sealed column, so no other test's rows, sealed with other keys, may be there): values bound to
 * their row, rotation and rewrap, the start check, plain rows of an earlier version, and the cost.
 */
class RecordEncryptionTest {
  static EmbeddedPostgres pg;
  static JdbcClient jdbc;
  static TransactionTemplate tx;
  static AuditTrail audit;
  static Path keyDir;
  static PersonalFields personal;
  static CaseRepository cases;
  static CardLifecycle cards;
  static RecordEncryption records;

  static final String NAME = "隐私测甲";
  static final String ID = "11010519491231002X";
  static final String PHONE = "13911112222";

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("privacy-pg")).start();
    Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
    // one DataSource for both, so statements inside a transaction use its connection (as the application's pool does)
    DataSource ds = pg.getPostgresDatabase();
    jdbc = JdbcClient.create(ds);
    tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    audit = new AuditTrail(jdbc, Clock.systemUTC(), TestAuditKeys.KEYS);
    keyDir = Files.createTempDirectory("privacy-keys");
    personal = new PersonalFields(new Envelope(LocalKeys.file(keyDir.resolve("records.keys"), true)),
        new BlindIndex("blind index key for tests, 32 bytes".getBytes()));
    cases = new CaseRepository(jdbc, audit, e -> {}, personal);
    cards = new CardLifecycle(jdbc, tx, audit, cases, Clock.systemUTC(), personal);
    records = encryption(personal);
  }

  /** Every sealed table as its owner declares it. */
  static RecordEncryption encryption(PersonalFields keys) {
    return new RecordEncryption(jdbc, keys, List.of(new SealedCases(jdbc, keys),
        new SealedCards(jdbc, keys), new SealedVouchers(jdbc, keys),
        new SealedFamilyLinks(jdbc, keys), new SealedDocuments(jdbc, keys),
        new SealedNotifications(jdbc, keys), new SealedAnswers(jdbc, keys)), tx);
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  static String newCase(String cn, String name, String id, String phone) {
    Instant now = Instant.now();
    tx.executeWithoutResult(s -> cases.insert(new CaseRecord(cn, "CARD_APPLICATION", CaseStatus.RECEIVED, "received", "web-portal",
        name, id, "FEMALE", phone, "ICBC", now, now, null)));
    return cn;
  }

  @Test
  void theDatabaseHoldsCiphertextAndTheServicesGiveTheValuesBack() {
    newCase("SC-P-1", NAME, ID, PHONE);
    Card card = tx.execute(s -> cards.openFor("SC-P-1", ID, NAME, "ICBC", null, "web-portal", "web-portal"));
    String mi = tx.execute(s -> cards.issueMedicalInsuranceNumber(card.cardId()));

    Map<String, Object> row = jdbc.sql("select * from card_case where case_number = 'SC-P-1'").query().singleRow();
    assertThat(row.get("applicant_name")).isNull();
    assertThat(row.get("id_number")).isNull();
    assertThat(row.get("phone")).isNull();
    assertThat(new String((byte[]) row.get("personal"), StandardCharsets.ISO_8859_1)).doesNotContain(ID, PHONE);
    assertThat(jdbc.sql("select medical_insurance_number_masked from card where card_id = ?").param(card.cardId()).query(String.class)
        .single()).startsWith("*").endsWith(mi.substring(mi.length() - 4));

    CaseRecord c = cases.get("SC-P-1");
    assertThat(List.of(c.applicantName(), c.idNumber(), c.phone())).containsExactly(NAME, ID, PHONE);
    assertThat(cases.openCaseOf(" " + ID.toLowerCase() + " ", "CARD_APPLICATION")).as("normalised: trimmed, upper case")
        .contains("SC-P-1");
    assertThat(cases.openCaseOf(ID, "CARD_APPLICATION")).contains("SC-P-1");
    assertThat(cards.ofHolder(ID)).extracting(Card::cardId).containsExactly(card.cardId());
    assertThat(cards.withMedicalInsuranceNumber(ID)).map(Card::medicalInsuranceNumber).contains(mi);

    // the lookups stay indexed: the plans use the blind-index indexes (sequential scans off, the tables being tiny here)
    String plan = tx.execute(s -> {
      jdbc.sql("set local enable_seqscan = off").update();
      return String.join("\n", jdbc.sql("""
          explain select case_number from card_case where (id_bidx = ? or id_number = ?) and case_type = 'CARD_APPLICATION'
            and closed_at is null""").params(personal.idIndex(ID), ID).query(String.class).list())
          + String.join("\n", jdbc.sql("explain select * from card where (holder_bidx = ? or holder_id_number = ?)")
              .params(personal.idIndex(ID), ID).query(String.class).list());
    });
    assertThat(plan).containsAnyOf("card_case_id_bidx", "card_case_one_open_application").contains("card_holder_bidx")
        .doesNotContain("Seq Scan");
  }

  @Test
  void theOneOpenApplicationRuleHoldsOnTheBlindIndex() {
    newCase("SC-P-2", "甲", "110105194912310038", "13911112223");
    assertThatThrownBy(() -> newCase("SC-P-3", "乙", "110105194912310038", "13911112224"))
        .isInstanceOf(DuplicateKeyException.class).hasMessageContaining("card_case_one_open_application");
  }

  @Test
  void aValueCopiedToAnotherRowDoesNotDecrypt() {
    newCase("SC-P-4", "丙", "110105194912310054", "13911112225");
    newCase("SC-P-5", "丁", "110105194912310070", "13911112226");
    jdbc.sql("update card_case set personal = (select personal from card_case where case_number = 'SC-P-4') where case_number = 'SC-P-5'")
        .update();
    assertThatThrownBy(() -> cases.get("SC-P-5")).isInstanceOf(Envelope.CannotOpen.class)
        .hasMessageContaining("card_case/SC-P-5").hasMessageContaining("does not open under");
    assertThat(cases.get("SC-P-4").applicantName()).isEqualTo("丙");
    jdbc.sql("delete from case_step_visit where case_number = 'SC-P-5'").update();
    jdbc.sql("delete from card_case where case_number = 'SC-P-5'").update();
  }

  @Test
  void rotateAndRewrapKeepEveryValueReadableAndLeaveNoneUnderTheOldKey() {
    newCase("SC-P-6", "戊", "110105194912310097", "13911112227");
    Notifications sms = new Notifications(jdbc, (phone, text) -> "m1", audit, personal);
    tx.executeWithoutResult(s -> sms.send("SC-P-6", "SC-P-6:test", "13911112227", "card-activated", Map.of("cardTail", "1234")));
    String old = personal.envelope().keys().currentKeyId();
    long before = records.countsByKek().get(old);
    assertThat(before).isGreaterThanOrEqualTo(2);

    String made = records.rotate();
    assertThat(made).isNotEqualTo(old);
    assertThat(records.remaining()).isEqualTo(before);
    newCase("SC-P-7", "己", "110105194912310110", "13911112228"); // written meanwhile: under the new key
    assertThat(records.countsByKek()).containsEntry(made, 1L);

    List<Long> progress = new ArrayList<>();
    long rewrapped = records.rewrap(100, progress::add);
    assertThat(rewrapped).isEqualTo(before);
    assertThat(progress).as("batch by batch, what remains").hasSizeGreaterThanOrEqualTo(2);
    assertThat(progress).last().isEqualTo(0L);
    assertThat(records.remaining()).isZero();
    assertThat(records.countsByKek()).doesNotContainKey(old);
    assertThat(cases.get("SC-P-6").idNumber()).isEqualTo("110105194912310097");
    assertThat(sms.of("SC-P-6")).singleElement().satisfies(m -> assertThat((String) m.get("text")).contains("1234"));
    assertThatThrownBy(() -> records.retire(made)).hasMessageContaining("values are still under");
    records.retire(old);
    assertThat(personal.envelope().keys().keyIds()).doesNotContain(old);
    assertThat(cases.get("SC-P-6").phone()).isEqualTo("13911112227");
  }

  @Test
  void aWrongOrMissingKeyStopsTheStartSayingWhy() throws Exception {
    newCase("SC-P-8", "庚", "110105194912310137", "13911112229");
    records.checkKeysOpenStoredValues();
    // the key file lost: a new one is made (the demo) and opens nothing stored
    PersonalFields other = new PersonalFields(new Envelope(LocalKeys.file(Files.createTempDirectory("lost").resolve("records.keys"), true)),
        new BlindIndex("blind index key for tests, 32 bytes".getBytes()));
    assertThatThrownBy(() -> encryption(other).checkKeysOpenStoredValues())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not open with the record keys from key file")
        .hasMessageContaining("Restore it from its backup");
    // production never makes a key file
    MockEnvironment production = new MockEnvironment().withProperty("cardcase.mode", "production")
        .withProperty("cardcase.privacy.kek-source", "file").withProperty("cardcase.privacy.kek-file", keyDir.resolve("none.keys").toString());
    assertThatThrownBy(() -> PrivacyConfiguration.keys(production)).hasMessageContaining("does not exist")
        .hasMessageContaining("restore it from its backup");
    assertThatThrownBy(() -> PrivacyConfiguration.keys(new MockEnvironment().withProperty("cardcase.privacy.kek-source", "env")))
        .hasMessageContaining("CARDCASE_RECORD_KEYS is not set");
  }

  @Test
  void productionRefusesToStartWithoutAnExplicitKeySource() {
    assertThatThrownBy(() -> PrivacyConfiguration.keys(new MockEnvironment().withProperty("cardcase.mode", "production")))
        .hasMessageContaining("refuses to start in production mode").hasMessageContaining("cardcase.privacy.kek-source is not set");
    MockEnvironment env = new MockEnvironment().withProperty("cardcase.mode", "production")
        .withProperty("cardcase.privacy.kek-source", "env")
        .withProperty("CARDCASE_RECORD_KEYS", Base64.getEncoder().encodeToString(Aes.randomKey()));
    assertThat(PrivacyConfiguration.keys(env).currentKeyId()).startsWith("local-");
  }

  @Test
  void theKmsSimulatorKeepsItsOwnKeysAndRefusesAnUnknownId() throws Exception {
    Path dir = Files.createTempDirectory("kms");
    KmsSimulator kms = new KmsSimulator(dir, "cardcase-records");
    String v1 = kms.currentKeyId();
    assertThat(v1).isEqualTo("kms-sim:cardcase-records/1");
    Envelope e = new Envelope(kms);
    byte[] sealed = e.seal("t/1", "王小明".getBytes());
    String v2 = kms.rotate();
    assertThat(v2).isEqualTo("kms-sim:cardcase-records/2");
    byte[] again = e.rewrap("t/1", sealed);
    assertThat(Envelope.kekId(again)).isEqualTo(v2);
    assertThat(Arrays.copyOfRange(again, again.length - 20, again.length))
        .as("the ciphertext untouched").isEqualTo(Arrays.copyOfRange(sealed, sealed.length - 20, sealed.length));
    assertThat(new String(e.open("t/1", again))).isEqualTo("王小明");
    assertThat(new KmsSimulator(dir, "cardcase-records").keyIds()).as("its own store").containsExactly(v1, v2);
    assertThatThrownBy(() -> kms.unwrap("kms-sim:cardcase-records/9", new byte[60], new byte[0]))
        .isInstanceOf(KeyManagementService.Refused.class).hasMessageContaining("NotFoundException");
    kms.retire(v1);
    assertThatThrownBy(() -> e.open("t/1", sealed)).isInstanceOf(Envelope.CannotOpen.class).hasMessageContaining(v1);
  }

  @Test
  void rowsWrittenBeforeEncryptionAreEncryptedAtStartAndTheirPlainColumnsEmptied() {
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, data)
        values ('SC-P-OLD', 'CHILD_E_CARD', 'RECEIVED', 'received', 'wechat', '旧家长', '110105194912310153', 'MALE', '13911113333',
          '{"childName": "旧孩子", "childIdNumber": "110105201501010018", "noticeVersion": "2026-01"}')""").update();
    jdbc.sql("""
        insert into card (card_id, case_number, holder_id_number, holder_name, state, medical_insurance_number)
        values ('CD-OLD', 'SC-P-OLD', '110105194912310153', '旧家长', 'ACTIVE', '11100000019')""").update();
    assertThat(cases.get("SC-P-OLD").applicantName()).as("read before it is encrypted").isEqualTo("旧家长");
    assertThat(records.plainLeft()).containsEntry("card_case", 1L).containsEntry("card", 1L);

    Map<String, Long> done = records.encryptPlainRows(500);
    assertThat(done).containsEntry("card_case", 1L).containsEntry("card", 1L);
    assertThat(records.plainLeft().values()).allMatch(n -> n == 0);
    assertThat(jdbc.sql("select count(*) from card_case where applicant_name is not null or id_number is not null or phone is not null"
        + " or data::text like '%110105201501010018%'").query(Long.class).single()).isZero();
    assertThat(cases.get("SC-P-OLD").idNumber()).isEqualTo("110105194912310153");
    assertThat(cases.data("SC-P-OLD")).contains("旧孩子", "110105201501010018", "2026-01");
    assertThat(cases.openCaseByData("CHILD_E_CARD", "childIdNumber", "110105201501010018")).contains("SC-P-OLD");
    assertThat(cards.ofHolder("110105194912310153")).singleElement()
        .satisfies(c -> assertThat(c.medicalInsuranceNumber()).isEqualTo("11100000019"));
    assertThat(records.encryptPlainRows(500).values()).as("resumable: nothing twice").allMatch(n -> n == 0);
  }

  /** How fast the rows of an earlier version are encrypted at start (a generated history is written plain, then encrypted). */
  @Test
  void rateOfEncryptingRowsOfAnEarlierVersion() {
    int n = 5_000;
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, data, closed_at)
        select 'SC-RATE-' || i, 'CARD_APPLICATION', 'COMPLETED', 'end', 'web-portal', '测试' || i, '1101051949' || lpad(i::text, 8, '0'),
          'MALE', '139' || lpad(i::text, 8, '0'), '{}', now() from generate_series(1, ?) i""").param(n).update();
    long t0 = System.nanoTime();
    Map<String, Long> done = records.encryptPlainRows(500);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("personal data at rest: %d case rows of an earlier version encrypted in %d ms (%.0f rows/s)%n",
        done.get("card_case"), ms, done.get("card_case") * 1000.0 / Math.max(ms, 1));
    assertThat(done.get("card_case")).isGreaterThanOrEqualTo(n);
    assertThat(cases.openCaseOf("110105194900000042", "CARD_APPLICATION")).isEmpty();
    assertThat(cases.caseNumbersOf("110105194900000042")).containsExactly("SC-RATE-42");
  }

  /** Not a benchmark of the whole system: the cost of sealing and opening one record's personal fields. */
  @Test
  void costPerRecord() throws Exception {
    Map<String, Object> fields = Map.of("applicantName", NAME, "idNumber", ID, "phone", PHONE);
    for (int i = 0; i < 20_000; i++) {
      personal.open("card_case", "SC" + i, personal.seal("card_case", "SC" + i, fields));
    }
    int n = 50_000;
    long t0 = System.nanoTime();
    byte[][] sealed = new byte[n][];
    for (int i = 0; i < n; i++) {
      sealed[i] = personal.seal("card_case", "SC" + i, fields);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      personal.open("card_case", "SC" + i, sealed[i]);
    }
    long t2 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      personal.idIndex(ID);
    }
    long t3 = System.nanoTime();
    byte[] photo = new byte[200_000];
    long t4 = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      personal.openBytes("case_document", "x/" + i, personal.sealBytes("case_document", "x/" + i, photo));
    }
    long t5 = System.nanoTime();
    System.out.printf("personal data at rest, per record: seal %.1f µs, open %.1f µs, blind index %.1f µs; a 200 kB photo "
        + "seal+open %.0f µs; sealed size %d bytes for %d bytes of JSON%n", (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n,
        (t3 - t2) / 1e3 / n, (t5 - t4) / 1e3 / 200, sealed[0].length, new ObjectMapper().writeValueAsBytes(fields).length);
    assertThat((t2 - t0) / n).as("seal + open under a millisecond").isLessThan(1_000_000);
  }
}
