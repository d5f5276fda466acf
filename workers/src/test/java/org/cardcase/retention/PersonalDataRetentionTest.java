package org.cardcase.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.cardcase.TestDatabase;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.cards.CurrentCards;
import org.cardcase.cases.ClosedCases;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.documents.DocumentRetention;
import org.cardcase.notifications.MessageRetention;
import org.cardcase.privacy.BlindIndex;
import org.cardcase.privacy.Envelope;
import org.cardcase.privacy.LocalKeys;
import org.cardcase.privacy.PersonalFields;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The personal-data retention job on a real PostgreSQL with the real migrations: a history of
 * cases closed long ago and recently, with cards current and replaced, photos, scans and messages.
 */
class PersonalDataRetentionTest {
  static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static JdbcClient jdbc;
  static AuditTrail audit;
  static PersonalDataRetention retention;
  static CaseDocuments documents;
  static PersonalFields personal;

  @BeforeAll
  static void start() {
    jdbc = TestDatabase.jdbc();
    audit = new AuditTrail(jdbc, CLOCK, TestAuditKeys.KEYS);
    retention = new PersonalDataRetention(jdbc, TestDatabase.tx(), audit, new ClosedCases(jdbc),
        new CurrentCards(jdbc), new DocumentRetention(jdbc),
        new MessageRetention(jdbc), CLOCK, Duration.ofDays(180), Duration.ofDays(90),
        LocalTime.of(2, 30), 2, true); // two cases per read: the keyset paging is exercised too
    try {
      personal = new PersonalFields(new Envelope(LocalKeys.file(Files.createTempDirectory("retention-keys").resolve("records.keys"), true)),
          new BlindIndex("blind index key for tests, 32 bytes".getBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    documents = new CaseDocuments(jdbc, null, audit, null, personal);
  }

  @Test
  void photosOfCasesClosedLongAgoGoTheCurrentCardsPortraitAndRecentCasesStayTheTrailSaysSoAndARerunChangesNothing() {
    // closed 400 days ago, its card replaced by a reissue since: everything goes
    caseClosed("SCRET0000001", "110105194912310011", NOW.minus(Duration.ofDays(400)));
    card("CDRET0000001", "SCRET0000001", "110105194912310011", "REPLACED");
    long oldPortrait = document("SCRET0000001", "PORTRAIT_PHOTO", 1);
    long oldIdCard = document("SCRET0000001", "ID_CARD_FRONT", 1);
    // closed 400 days ago, its card still the holder's current one: its latest portrait stays (a reissue reuses it)
    caseClosed("SCRET0000002", "110105194912310027", NOW.minus(Duration.ofDays(400)));
    card("CDRET0000002", "SCRET0000002", "110105194912310027", "ACTIVE");
    long rejectedPortrait = document("SCRET0000002", "PORTRAIT_PHOTO", 1);
    long currentPortrait = document("SCRET0000002", "PORTRAIT_PHOTO", 2);
    long idCard2 = document("SCRET0000002", "ID_CARD_FRONT", 1);
    // a lost card waiting for its replacement is still current: the reissue needs its photo
    caseClosed("SCRET0000003", "110105194912310035", NOW.minus(Duration.ofDays(400)));
    card("CDRET0000003", "SCRET0000003", "110105194912310035", "LOST");
    long lostCardPortrait = document("SCRET0000003", "PORTRAIT_PHOTO", 1);
    // closed 30 days ago: within the period; but an SMS sent 120 days ago has its text redacted
    caseClosed("SCRET0000004", "110105194912310043", NOW.minus(Duration.ofDays(30)));
    long recentScan = document("SCRET0000004", "ID_CARD_FRONT", 1);
    long oldSms = message("SCRET0000004", "ret-sms-old", NOW.minus(Duration.ofDays(120)));
    long newSms = message("SCRET0000004", "ret-sms-new", NOW.minus(Duration.ofDays(10)));
    // still open after a long time: nothing of it goes
    caseClosed("SCRET0000005", "110105194912310051", null);
    long openCaseScan = document("SCRET0000005", "ID_CARD_FRONT", 1);

    PersonalDataRetention.Run first = retention.run("test");

    assertThat(first.failure()).isNull();
    assertThat(first.finishedAt()).isNotNull();
    assertThat(first.documentsRemoved()).isGreaterThanOrEqualTo(4);
    // gone: content null, the row kept with when and why
    for (long id : new long[] {oldPortrait, oldIdCard, rejectedPortrait, idCard2}) {
      assertThat(documents.bytes(id)).as("document %d", id).isNull();
    }
    CaseDocuments.Document removed = documents.all("SCRET0000001").get(0);
    assertThat(removed.removed()).isTrue();
    assertThat(removed.removedAt()).isEqualTo(NOW);
    assertThat(removed.removedReason()).isEqualTo("retention: 180 days after the case closed on 2025-11-02");
    assertThat(removed.sha256()).isNotBlank(); // what it was stays provable
    // kept: the current card's portrait (the one a reissue takes), the lost card's, recent and open cases'
    for (long id : new long[] {currentPortrait, lostCardPortrait, recentScan, openCaseScan}) {
      assertThat(documents.bytes(id)).as("document %d", id).isNotNull();
    }
    assertThat(documents.latest("SCRET0000002", "PORTRAIT_PHOTO").orElseThrow().removed()).isFalse();
    // the old message's text redacted, the template and time kept; the recent one untouched
    assertThat(jdbc.sql("select text from notification where id = ?").param(oldSms).query().singleRow().get("text")).isNull();
    assertThat(jdbc.sql("select template from notification where id = ?").param(oldSms).query(String.class).single())
        .isEqualTo("CARD_READY");
    assertThat(jdbc.sql("select text from notification where id = ?").param(newSms).query(String.class).single())
        .contains("王小明");

    // one audit entry per case changed, saying what and why; none on the cases left alone
    AuditTrail.Entry e1 = retentionEntries("SCRET0000001").get(0);
    assertThat(retentionEntries("SCRET0000001")).hasSize(1);
    assertThat(e1.actor()).isEqualTo("system");
    assertThat(e1.detail()).containsEntry("documentsRemoved", "PORTRAIT_PHOTO v1, ID_CARD_FRONT v1")
        .containsEntry("closedAt", "2025-11-02");
    assertThat(retentionEntries("SCRET0000002")).singleElement()
        .satisfies(e -> assertThat(e.detail()).containsEntry("documentsRemoved", "PORTRAIT_PHOTO v1, ID_CARD_FRONT v1"));
    assertThat(retentionEntries("SCRET0000004")).singleElement()
        .satisfies(e -> assertThat(e.detail()).containsEntry("messagesRedacted", 1).doesNotContainKey("documentsRemoved"));
    assertThat(retentionEntries("SCRET0000003")).isEmpty();
    assertThat(retentionEntries("SCRET0000005")).isEmpty();
    assertThat(audit.verify(AuditTrail.ofCase("SCRET0000001")).intact()).isTrue();

    // a second run finds nothing due: nothing changes, nothing new in any trail
    int entriesBefore = audit.count(AuditTrail.ofCase("SCRET0000001")) + audit.count(AuditTrail.ofCase("SCRET0000002"))
        + audit.count(AuditTrail.ofCase("SCRET0000004"));
    PersonalDataRetention.Run second = retention.run("test");
    assertThat(second.id()).isGreaterThan(first.id());
    assertThat(second.cases()).isZero();
    assertThat(second.documentsRemoved()).isZero();
    assertThat(second.messagesRedacted()).isZero();
    assertThat(audit.count(AuditTrail.ofCase("SCRET0000001")) + audit.count(AuditTrail.ofCase("SCRET0000002"))
        + audit.count(AuditTrail.ofCase("SCRET0000004"))).isEqualTo(entriesBefore);
    assertThat(documents.bytes(currentPortrait)).isNotNull();

    // the card replaced later: at the next run its portrait goes too
    jdbc.sql("update card set state = 'REPLACED' where card_id = 'CDRET0000002'").update();
    retention.run("test");
    assertThat(documents.bytes(currentPortrait)).isNull();
    assertThat(retentionEntries("SCRET0000002")).hasSize(2);
  }

  @Test
  void theDailySlotIsDueUntilARunFinishedAfterItSoARestartNeitherSkipsNorRepeatsIt() {
    // 02:30 China time = 18:30 UTC the day before; NOW is 18:00 China time
    Instant todaysSlot = Instant.parse("2026-12-06T18:30:00Z");
    jdbc.sql("delete from retention_run").update();
    assertThat(retention.due(NOW)).isTrue(); // never ran: due (missed while down)
    jdbc.sql("insert into retention_run (trigger, started_at, finished_at) values ('schedule', ?, ?)")
        .params(Timestamp.from(todaysSlot.minus(Duration.ofDays(1))), Timestamp.from(todaysSlot.minus(Duration.ofDays(1))))
        .update();
    assertThat(retention.due(NOW)).isTrue(); // yesterday's run does not cover today's slot
    jdbc.sql("insert into retention_run (trigger, started_at, finished_at) values ('schedule', ?, ?)")
        .params(Timestamp.from(todaysSlot.plusSeconds(60)), Timestamp.from(todaysSlot.plusSeconds(90))).update();
    assertThat(retention.due(NOW)).isFalse(); // done today: a restart does not run it again
    assertThat(retention.due(todaysSlot.plus(Duration.ofDays(1)).plusSeconds(1))).isTrue(); // tomorrow's slot
  }

  static List<AuditTrail.Entry> retentionEntries(String caseNumber) {
    return audit.entries(AuditTrail.ofCase(caseNumber)).stream().filter(e -> e.action().equals("RETENTION_APPLIED")).toList();
  }

  static void caseClosed(String caseNumber, String idNumber, Instant closedAt) {
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone,
                               issuing_bank, created_at, closed_at)
        values (?, 'CARD_APPLICATION', ?, 'end', 'counter', '王小明', ?, 'MALE', '13800000000', 'ICBC', ?, ?)""")
        .params(caseNumber, closedAt == null ? "IN_PROGRESS" : "COMPLETED", idNumber,
            Timestamp.from((closedAt == null ? NOW.minus(Duration.ofDays(500)) : closedAt).minus(Duration.ofDays(20))),
            closedAt == null ? null : Timestamp.from(closedAt))
        .update();
  }

  static void card(String cardId, String caseNumber, String holder, String state) {
    jdbc.sql("insert into card (card_id, case_number, holder_id_number, holder_name, state) values (?, ?, ?, '王小明', ?)")
        .params(cardId, caseNumber, holder, state).update();
  }

  static long document(String caseNumber, String kind, int version) {
    byte[] bytes = ("photo of " + caseNumber + " " + kind + " v" + version).getBytes();
    return jdbc.sql("""
        insert into case_document (case_number, kind, version, content_type, bytes_sealed, size_bytes, sha256, uploaded_by)
        values (?, ?, ?, 'image/jpeg', ?, ?, ?, 'clerk') returning id""")
        .params(caseNumber, kind, version,
            personal.sealBytes(CaseDocuments.TABLE, CaseDocuments.id(caseNumber, kind, version), bytes), bytes.length,
            CaseDocuments.sha256(bytes)).query(Long.class).single();
  }

  static long message(String caseNumber, String eventKey, Instant sentAt) {
    return jdbc.sql("""
        insert into notification (case_number, event_key, recipient, medium, template, text, sent_at)
        values (?, ?, '13800000000', 'SMS', 'CARD_READY', '王小明您好，您的社保卡已制好，请到柜台领取。', ?) returning id""")
        .params(caseNumber, eventKey, Timestamp.from(sentAt)).query(Long.class).single();
  }

}
