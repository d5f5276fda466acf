package org.cardcase.reissue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.cardcase.FlowTest;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.CalendarChange;
import org.cardcase.calendar.CalendarDay;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar.Kind;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseStatus;
import org.cardcase.documents.CaseDocuments;
import org.cardcase.incidents.Incidents;
import org.cardcase.loss.LossReports;
import org.cardcase.production.CardOrder;
import org.cardcase.shared.FieldErrors;
import org.cardcase.simulators.IssuingBankSimulator;
import org.cardcase.simulators.ProvincialCentreSimulator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The reissue's second pass: a pickup date that stays true across a calendar change, a replacement ordered with a
 * photo, the person who made the reissue collects, a delegate only in special circumstances, a voucher that ends only
 * when the card is collected or the reissue cancelled. A context of its own: the first test sets the date to
 * 11 December 2026 and adds a 2027 arrangement; the others follow it in time.
 */
@TestPropertySource(properties = "cardcase.flow-test.context=reissue-second-pass")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReissueSecondPassFlowTest extends FlowTest {
  @Autowired LossReports lossReports;
  @Autowired Reissues reissues;
  @Autowired Vouchers vouchers;
  @Autowired VoucherPrints voucherPrints;
  @Autowired CalendarStore calendar;
  @Autowired CaseDocuments documents;
  @Autowired IssuingBankSimulator bank;
  @Autowired ProvincialCentreSimulator provincialCentre;
  @Autowired Incidents incidents;

  Reissues.Request holderInPerson(String holder, String name, String phone) throws Exception {
    return new Reissues.Request(holder, name, phone, null, "HOLDER", null, null, true, null, png(700, 450), null,
        png(800, 1000), "clerk", null);
  }

  String pdfText(String certificate) throws Exception {
    try (var doc = Loader.loadPDF(voucherPrints.print(certificate, "clerk", "counter"))) {
      return new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
    }
  }

  @Test
  @Order(1)
  void aCollectionDateCountedIntoAnUnpublishedYearIsProvisionalAndMovesWithTheCalendarEverywhere() throws Exception {
    // Friday 11 December 2026, 10:00 in China; the calendar has 2025 and 2026 only
    Duration toFriday = Duration.between(clock.instant(), Instant.parse("2026-12-11T02:00:00Z"));
    assertThat(toFriday).as("the test starts before 11 December 2026").isPositive();
    letTimePass(toFriday);
    String holder = id("19760101", "982"); // this bank does not call back by itself: the card is made when the test says
    activeCardHolder("张无忌", holder);
    lossReports.report(new LossReports.Report(holder, null, "张无忌", "13900000021"), "96102");
    Reissues.Accepted a = reissues.accept(holderInPerson(holder, "张无忌", "13900000021"), "counter");
    // 14-18, 21-25, 28-31 December (14) and, in an ordinary week, Friday 1 January 2027 (15)
    assertThat(a.pickupDate()).isEqualTo("2027-01-01");
    assertThat(a.pickupDateProvisional()).isTrue();
    Vouchers.Voucher v = vouchers.find(a.certificateNumber()).orElseThrow();
    assertThat(v.pickupProvisional()).as("the certificate says its date is provisional").isTrue();
    assertThat(notificationText(a.caseNumber(), "reissue-accepted")).contains("2027-01-01", "暂定", "2027年节假日安排尚未公布");
    assertThat(pdfText(a.certificateNumber())).contains("受理日期2026年12月11日", "2027年1月1日起（暂定）", "2027年节假日安排尚未公布");

    // the 2027 arrangement is published and loaded (test data): New Year's Day is a holiday
    CalendarChange change = calendar.saveYear(2027, List.of(new CalendarDay(LocalDate.of(2027, 1, 1), Kind.HOLIDAY, "New Year")),
        "test arrangement", "2027 arrangement published", "admin");
    assertThat(change.deadlinesRecomputed()).isGreaterThanOrEqualTo(1);
    Vouchers.Voucher moved = vouchers.find(a.certificateNumber()).orElseThrow();
    assertThat(moved.pickupDate()).as("the certificate follows the case's deadline").isEqualTo(LocalDate.of(2027, 1, 4));
    assertThat(moved.pickupProvisional()).isFalse();
    assertThat(actions(a.caseNumber())).contains("DEADLINE_RECOMPUTED", "PICKUP_DATE_MOVED");
    await("the citizen is told the new date", () -> notifications(a.caseNumber()).contains("pickup-date-changed"));
    assertThat(notificationText(a.caseNumber(), "pickup-date-changed")).contains("2027-01-04", a.certificateNumber())
        .doesNotContain("暂定");
    assertThat(pdfText(a.certificateNumber())).contains("2027年1月4日起").doesNotContain("暂定");
    // the same arrangement saved again moves nothing and tells nobody twice
    calendar.saveYear(2027, List.of(new CalendarDay(LocalDate.of(2027, 1, 1), Kind.HOLIDAY, "New Year")), "test arrangement",
        "saved again", "admin");
    assertThat(notifications(a.caseNumber()).stream().filter("pickup-date-changed"::equals)).hasSize(1);

    // the hand-over follows the recomputed date: not on 1 January, from 4 January
    await("in production", () -> step(a.caseNumber()).equals("wait-card-produced"));
    inbox.receive("test-produced-" + a.caseNumber(), "card-produced", a.caseNumber(), "card-production",
        Map.of("cardNumber", "B76010198"));
    await("the new card is ready", () -> step(a.caseNumber()).equals("wait-pickup"));
    assertThat(notificationText(a.caseNumber(), "replacement-ready")).contains("2027-01-04").doesNotContain("暂定");
    letTimePass(Duration.between(clock.instant(), Instant.parse("2027-01-01T02:00:00Z")));
    assertThatThrownBy(() -> reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), holder, true, "clerk2"),
        "counter")).isInstanceOf(CaseConflict.class).hasMessageContaining("collected from 2027-01-04");
    letTimePass(Duration.between(clock.instant(), Instant.parse("2027-01-04T02:00:00Z")));
    reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), holder, true, "clerk2"), "counter");
    await("handed over", () -> cases.get(a.caseNumber()).closedAt() != null);

    // a release that ships a year the calendar lacks loads it at start; a year already there (corrected) is kept
    List<Integer> added = calendar.loadShippedYears("date,kind,occasion\n2027-01-01,holiday,New Year\n2027-01-04,holiday,Test\n"
        + "2028-01-03,holiday,New Year\n");
    assertThat(added).containsExactly(2028);
    assertThat(calendar.current().isLoaded(LocalDate.of(2028, 6, 1))).isTrue();
    assertThat(calendar.current().isWorkingDay(LocalDate.of(2028, 1, 3))).isFalse();
    assertThat(calendar.current().isWorkingDay(LocalDate.of(2027, 1, 4))).as("the administrator's 2027 is kept").isTrue();
  }

  @Test
  @Order(2)
  void aDelegateInASpecialCircumstanceMakesTheReissueWithTheLastCardsPhotoAndCollectsTheCard() throws Exception {
    String holder = id("19770202", "023");
    String applied = activeCardHolder("赵敏", holder);
    lossReports.report(new LossReports.Report(holder, null, "赵敏", "13900000023"), "96102");
    String delegate = id("19880808", "025");
    Reissues.Request noReason = new Reissues.Request(holder, "赵敏", "13900000023", null, "DELEGATE", "小昭", delegate, true, true,
        png(700, 450), png(700, 450), png(800, 1000), "clerk", null, null, null, null);
    assertThatThrownBy(() -> reissues.accept(noReason, "counter")).isInstanceOfSatisfying(FieldErrors.class,
        e -> assertThat(e.errors().get("delegateCircumstance")).contains("special circumstances"));
    Reissues.Request otherUnsaid = new Reissues.Request(holder, "赵敏", "13900000023", null, "DELEGATE", "小昭", delegate, true, true,
        png(700, 450), png(700, 450), png(800, 1000), "clerk", null, "OTHER", " ", null);
    assertThatThrownBy(() -> reissues.accept(otherUnsaid, "counter")).isInstanceOfSatisfying(FieldErrors.class,
        e -> assertThat(e.errors()).containsKey("delegateCircumstanceNote"));
    assertThat(cases.openCaseOf(holder, Reissues.TYPE)).as("a refused request changes nothing").isEmpty();

    Reissues.Accepted a = reissues.accept(new Reissues.Request(holder, "赵敏", "13900000023", null, "DELEGATE", "小昭", delegate,
        true, true, png(700, 450), png(700, 450), png(800, 1000), "clerk", null, "HIGH_MOBILITY", "长期在外地施工", null), "counter");
    assertThat(a.portraitSource()).isEqualTo("LAST_CARD");
    String data = cases.data(a.caseNumber());
    assertThat(data).contains("\"delegateCircumstance\": \"HIGH_MOBILITY\"", "长期在外地施工");
    AuditTrail.Entry received = audit.entries(AuditTrail.ofCase(a.caseNumber())).get(0);
    assertThat(received.action()).isEqualTo("CASE_RECEIVED");
    assertThat(received.detail()).containsEntry("delegateCircumstance", "HIGH_MOBILITY")
        .containsEntry("delegateCircumstanceNote", "长期在外地施工").containsEntry("applicant", "DELEGATE");

    // the replacement is ordered with the photo of the last card, and both producers keep its digest
    byte[] lastPhoto = documents.bytes(documents.latest(applied, "PORTRAIT_PHOTO").orElseThrow().id());
    await("the new card is ready", () -> step(a.caseNumber()).equals("wait-pickup"));
    String newCard = card(a.caseNumber()).cardId();
    assertThat(bank.portraitDigestOf(newCard)).contains(CaseDocuments.sha256(lastPhoto));
    assertThat(provincialCentre.portraitDigestOf(newCard)).contains(CaseDocuments.sha256(lastPhoto));

    // the delegate who made it collects with their own ID card and the certificate; someone else may not
    letTimePass(Duration.between(clock.instant(), LocalDate.parse(a.pickupDate()).atTime(10, 0)
        .atZone(ZoneId.of("Asia/Shanghai")).toInstant()));
    String stranger = id("19900101", "027");
    assertThatThrownBy(() -> reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), stranger, true, "clerk2"),
        "counter")).isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("idNumber")).contains("delegate"));
    reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), delegate, true, "clerk2"), "counter");
    await("handed over to the delegate", () -> cases.get(a.caseNumber()).closedAt() != null);
    assertThat(audit.entries(AuditTrail.ofCase(a.caseNumber())).stream().filter(e -> e.action().equals("REPLACEMENT_COLLECTED"))
        .map(e -> e.detail().get("collectedBy")).toList()).containsExactly("DELEGATE");
    assertThat(vouchers.find(a.certificateNumber()).orElseThrow().state()).isEqualTo(Vouchers.State.USED);
  }

  @Test
  @Order(3)
  void aNewPhotoTakenAtTheCounterIsTheOneOrderedAndAProducerRefusesAnOrderWithoutAPhoto() throws Exception {
    String holder = id("19780303", "029");
    activeCardHolder("周芷若", holder);
    lossReports.report(new LossReports.Report(holder, null, "周芷若", "13900000029"), "96102");
    String photo = png(420, 520);
    Reissues.Accepted a = reissues.accept(new Reissues.Request(holder, "周芷若", "13900000029", null, "HOLDER", null, null, true,
        null, png(700, 450), null, png(800, 1000), "clerk", null, null, null, photo), "counter");
    assertThat(a.portraitSource()).isEqualTo("NEW_PHOTO");
    await("ordered", () -> bank.portraitDigestOf(card(a.caseNumber()).cardId()).isPresent());
    assertThat(bank.portraitDigestOf(card(a.caseNumber()).cardId())).contains(CaseDocuments.sha256(Base64.getDecoder().decode(photo)));

    CardOrder noPhoto = new CardOrder(a.caseNumber(), "CARD-NO-PHOTO", "周芷若", holder, "ICBC", null, new byte[0]);
    assertThatThrownBy(() -> bank.order(noPhoto)).hasMessageContaining("no photo");
    assertThatThrownBy(() -> provincialCentre.submit(noPhoto)).hasMessageContaining("no photo");
    assertThat(bank.portraitDigestOf("CARD-NO-PHOTO")).isEmpty();
  }

  @Test
  @Order(4)
  void aCancelledReissueRevokesItsVoucherWithTheReason() throws Exception {
    String holder = id("19790404", "031");
    activeCardHolder("殷离", holder);
    lossReports.report(new LossReports.Report(holder, null, "殷离", "13900000031"), "96102");
    Reissues.Accepted a = reissues.accept(holderInPerson(holder, "殷离", "13900000031"), "counter");
    // a reissue whose photo is gone before production (as one opened before photos were ordered): the producers refuse it
    jdbc.sql("delete from case_document where case_number = ? and kind = 'PORTRAIT_PHOTO'").param(a.caseNumber()).update();
    Incidents.Incident[] incident = new Incidents.Incident[1];
    await("the producers refused the order without a photo", () -> {
      incident[0] = incidents.ofCase(a.caseNumber()).stream().filter(i -> i.closedAt() == null).findFirst().orElse(null);
      return incident[0] != null;
    });
    assertThat(incident[0].error()).contains("no photo");
    assertThat(vouchers.find(a.certificateNumber()).orElseThrow().state()).isEqualTo(Vouchers.State.VALID);

    incidents.cancelCase(incident[0].id(), "supervisor", "holder found the old card and withdrew");
    Vouchers.Voucher v = vouchers.find(a.certificateNumber()).orElseThrow();
    assertThat(v.state()).isEqualTo(Vouchers.State.REVOKED);
    assertThat(v.endReason()).contains("holder found the old card and withdrew");
    assertThat(v.endedAt()).isNotNull();
    assertThat(cases.get(a.caseNumber()).status()).isEqualTo(CaseStatus.CANCELLED);
    assertThat(audit.entries(AuditTrail.ofCase(a.caseNumber())).stream().filter(e -> e.action().equals("VOUCHER_ENDED"))
        .map(e -> e.detail().get("state")).toList()).containsExactly("REVOKED");
    assertThat(pdfText(a.certificateNumber())).contains("已作废", "作废原因：reissuecancelled:holderfoundtheoldcardandwithdrew");
  }

  @Test
  @Order(5)
  void theRulesTheGuidesDoNotMakeAreTheGuidesOrSaidAsTheCentresOwn() throws Exception {
    // guide 004: the holder in person shows the ID card; a copy is asked only with a delegate (configurable, off by default)
    String holder = id("19800505", "033");
    activeCardHolder("杨逍", holder);
    LossReports.Reported r = lossReports.report(new LossReports.Report(holder, null, "杨逍", "13900000033"), "96102");
    await("told the report number", () -> notifications(r.reportNumber()).contains("loss-reported"));
    // the SMS promises no deadline that leads nowhere: the report stays in force, one reminder follows
    assertThat(notificationText(r.reportNumber(), "loss-reported")).contains("挂失持续有效", "提醒一次").doesNotContain("请于");
    await("waits", () -> step(r.reportNumber()).equals("wait-loss-resolution"));
    letTimePass(Duration.ofDays(10)); // past 5 working days
    await("reminded", () -> notifications(r.reportNumber()).contains("formal-report-reminder"));
    assertThat(notificationText(r.reportNumber(), "formal-report-reminder")).contains("挂失继续有效", "唯一一次提醒");
    Reissues.Accepted a = reissues.accept(new Reissues.Request(holder, "杨逍", "13900000033", null, "HOLDER", null, null, true, null,
        null, null, png(800, 1000), "clerk", null), "counter");
    assertThat(jdbc.sql("select count(*) from case_document where case_number = ? and kind = 'ID_CARD_COPY'").param(a.caseNumber())
        .query(Long.class).single()).as("no copy of the holder's ID card was asked for").isZero();

    // the centre's own rule: a card never activated needs no provisional report first; the record says so
    String fresh = id("19810606", "035");
    String applied = apply("范遥", fresh, null);
    await("verified or waiting for a clerk", () -> !tasks.open(applied).isEmpty() || step(applied).equals("wait-card-activated"));
    tasks.open(applied).stream().filter(t -> t.elementId().equals("compare-photos")).findFirst()
        .ifPresent(t -> tasks.complete(t.id(), "clerk", List.of("verification"), Map.of("photoDecision", "APPROVE")));
    await("at the branch, never activated", () -> step(applied).equals("wait-card-activated"));
    Reissues.Accepted b = reissues.accept(new Reissues.Request(fresh, "范遥", "13900000035", null, "HOLDER", null, null, true, null,
        null, null, png(800, 1000), "clerk", null), "counter");
    assertThat(b.provisionalReport()).isNull();
    assertThat(cases.data(b.caseNumber())).contains("NOT_NEEDED: the card was never activated (the centre's rule)");
  }
}
