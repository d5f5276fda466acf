package org.cardcase.reissue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.Result;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.cardcase.FlowTest;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.CalendarDay;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar.Kind;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseStatus;
import org.cardcase.loss.LossReports;
import org.cardcase.shared.FieldErrors;
import org.cardcase.simulators.MedicalSettlementSimulator;
import org.cardcase.tasks.HumanTask;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Loss reporting and reissue with the real workers, simulators and PostgreSQL. A context of its
 * own: one test moves time to February 2027, ahead of where the other flow tests leave it.
 */
@TestPropertySource(properties = "cardcase.flow-test.context=loss-and-reissue")
class LossAndReissueFlowTest extends FlowTest {
  @Autowired LossReports lossReports;
  @Autowired Reissues reissues;
  @Autowired Vouchers vouchers;
  @Autowired VoucherPrints voucherPrints;
  @Autowired MedicalSettlementSimulator settlement;
  @Autowired CalendarStore calendar;


  LossReports.Reported reportLoss(String idNumber, String name) {
    return lossReports.report(new LossReports.Report(idNumber, null, name, "13900000000"), "96102");
  }

  @Test
  void aProvisionalReportStopsSettlementAtOnceAndIsWithdrawnWhenTheCardTurnsUp() throws Exception {
    String holder = id("19800101", "001");
    String applied = activeCardHolder("陈家洛", holder);
    Card c = card(applied);
    assertThat(settlement.settles(c.cardId())).isTrue();

    assertThatThrownBy(() -> lossReports.report(new LossReports.Report(holder, null, "陈家洛", "13900000000"), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("channel"));
    assertThatThrownBy(() -> lossReports.report(new LossReports.Report(holder, null, "陈家", "13900000000"), "96102"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("holderName")).contains("does not match"));

    LossReports.Reported r = reportLoss(holder, "陈家洛");
    assertThat(r.settlementStopped()).isTrue();
    assertThat(settlement.settles(c.cardId())).as("stopped at once").isFalse();
    assertThat(card(applied).state()).isEqualTo(CardState.SUSPENDED);
    assertThatThrownBy(() -> reportLoss(holder, "陈家洛")).isInstanceOfSatisfying(CaseConflict.class,
        e -> assertThat(e.openCaseNumber()).isEqualTo(r.reportNumber()));
    await("citizen told the report number", () -> notifications(r.reportNumber()).contains("loss-reported"));
    assertThat(notificationText(r.reportNumber(), "loss-reported")).contains(r.reportNumber());

    await("waits for withdrawal or formal report", () -> step(r.reportNumber()).equals("wait-loss-resolution"));
    lossReports.withdraw(r.reportNumber(), holder, "card found at home", "96102");
    await("withdrawn", () -> cases.get(r.reportNumber()).closedAt() != null);
    assertThat(cases.get(r.reportNumber()).status()).isEqualTo(CaseStatus.WITHDRAWN);
    assertThat(card(applied).state()).isEqualTo(CardState.ACTIVE);
    assertThat(settlement.settles(c.cardId())).isTrue();
    await("told", () -> notifications(r.reportNumber()).contains("loss-withdrawn"));
  }

  @Test
  void noFormalReportInTimeRemindsTheCitizen() throws Exception {
    String holder = id("19810202", "003");
    activeCardHolder("霍青桐", holder);
    LossReports.Reported r = reportLoss(holder, "霍青桐");
    await("waits", () -> step(r.reportNumber()).equals("wait-loss-resolution"));
    letTimePass(Duration.ofDays(21)); // past 5 working days, even across a Spring Festival
    await("reminded", () -> notifications(r.reportNumber()).contains("formal-report-reminder"));
    assertThat(cases.get(r.reportNumber()).closedAt()).isNull();
  }

  @Test
  void aDelegatesFormalReportIssuesAVoucherAndTheNewCardIsCollected15WorkingDaysLater() throws Exception {
    // an administrator loads an arrangement for 2027 (test data: Spring Festival 6-12 Feb, make-up Saturday 20 Feb)
    calendar.saveYear(2027, List.of(
        new CalendarDay(LocalDate.of(2027, 1, 1), Kind.HOLIDAY, "New Year"),
        new CalendarDay(LocalDate.of(2027, 2, 6), Kind.HOLIDAY, "Spring Festival"),
        new CalendarDay(LocalDate.of(2027, 2, 7), Kind.HOLIDAY, "Spring Festival"),
        new CalendarDay(LocalDate.of(2027, 2, 8), Kind.HOLIDAY, "Spring Festival"),
        new CalendarDay(LocalDate.of(2027, 2, 9), Kind.HOLIDAY, "Spring Festival"),
        new CalendarDay(LocalDate.of(2027, 2, 10), Kind.HOLIDAY, "Spring Festival"),
        new CalendarDay(LocalDate.of(2027, 2, 11), Kind.HOLIDAY, "Spring Festival"),
        new CalendarDay(LocalDate.of(2027, 2, 12), Kind.HOLIDAY, "Spring Festival"),
        new CalendarDay(LocalDate.of(2027, 2, 20), Kind.WORKDAY, "Spring Festival")), "test arrangement", "flow test", "admin");
    // the acceptance date is fixed: Monday 1 February 2027, 10:00 in China
    Duration toAcceptance = Duration.between(clock.instant(), Instant.parse("2027-02-01T02:00:00Z"));
    assertThat(toAcceptance).as("the other tests of this context moved time less than that").isPositive();
    letTimePass(toAcceptance);

    String holder = id("19820303", "005");
    String applied = activeCardHolder("袁承志", holder);
    Card old = card(applied);
    LossReports.Reported provisional = reportLoss(holder, "袁承志");
    await("provisional report waits", () -> step(provisional.reportNumber()).equals("wait-loss-resolution"));

    String delegate = id("19850505", "007");
    Reissues.Request bad = new Reissues.Request(holder, "袁承志", "13900000001", null, "DELEGATE", "温青青", holder, true, false,
        png(700, 450), null, png(800, 1000), "clerk", null);
    assertThatThrownBy(() -> reissues.accept(bad, "counter")).isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors())
        .containsKeys("delegateIdNumber", "delegateIdOriginalChecked", "delegateIdCopy"));
    assertThat(card(applied).state()).as("a refused request changes nothing").isEqualTo(CardState.SUSPENDED);

    Reissues.Accepted a = reissues.accept(new Reissues.Request(holder, "袁承志", "13900000001", null, "DELEGATE", "温青青", delegate,
        true, true, png(700, 450), png(700, 450), png(800, 1000), "clerk", null, "LONG_WORKING_HOURS", "夜班工作", null), "counter");
    assertThat(a.provisionalReport()).as("the formal report follows the phone report").isEqualTo(provisional.reportNumber());
    // 2-5 Feb (4), 6-14 Feb off, 15-19 Feb (9), Saturday 20 Feb make-up (10), 22-26 Feb (15)
    assertThat(a.pickupDate()).isEqualTo("2027-02-26");
    assertThat(a.pickupDateProvisional()).isFalse();
    assertThat(vouchers.find(a.certificateNumber()).orElseThrow().state()).isEqualTo(Vouchers.State.VALID);
    assertThat(Vouchers.wellFormed(a.certificateNumber())).isTrue();
    // the printed certificate: Chinese text embedded, holder masked, pickup date and place, and a QR code a hospital scans
    byte[] pdf = voucherPrints.print(a.certificateNumber(), "clerk", "counter");
    try (var doc = Loader.loadPDF(pdf)) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("社会保障卡领卡凭证", "临时就医凭证", a.certificateNumber(), a.caseNumber(), "袁*",
          "2027年2月26日起", "15个工作日", "有效").doesNotContain("袁承志", holder);
      BufferedImage page = new PDFRenderer(doc).renderImageWithDPI(0, 150);
      Result scanned = new MultiFormatReader().decode(new BinaryBitmap(
          new HybridBinarizer(new BufferedImageLuminanceSource(page))));
      assertThat(scanned.getBarcodeFormat()).isEqualTo(BarcodeFormat.QR_CODE);
      assertThat(scanned.getText()).as("the code a hospital scans is the certificate number").isEqualTo(a.certificateNumber());
    }
    assertThat(actions(a.caseNumber())).contains("CERTIFICATE_PRINTED");
    assertThat(cards.find(old.cardId()).orElseThrow().state()).isIn(CardState.LOST, CardState.REPLACED);
    await("the provisional report became formal", () -> cases.get(provisional.reportNumber()).closedAt() != null);
    assertThat(cases.get(provisional.reportNumber()).status()).isEqualTo(CaseStatus.FORMALISED);
    assertThat(notificationText(a.caseNumber(), "reissue-accepted")).contains(a.certificateNumber()).contains("2027-02-26");
    assertThatThrownBy(() -> reissues.accept(new Reissues.Request(holder, "袁承志", "13900000001", null, "HOLDER", null, null,
        true, null, png(700, 450), null, png(800, 1000), "clerk", null), "counter")).isInstanceOf(RuntimeException.class);

    await("the new card is ready", () -> step(a.caseNumber()).equals("wait-pickup"));
    assertThat(notifications(a.caseNumber())).contains("replacement-ready");
    // the holder or the delegate who made the reissue collects (guide 004); nobody else
    String stranger = id("19860606", "009");
    assertThatThrownBy(() -> reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), stranger, true, "clerk2"),
        "counter")).isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("idNumber"));
    // the card is made early, but it is collected only from the pickup date (guide 004)
    assertThatThrownBy(() -> reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), holder, true, "clerk2"),
        "counter")).isInstanceOf(CaseConflict.class).hasMessageContaining("collected from 2027-02-26");
    assertThat(vouchers.find(a.certificateNumber()).orElseThrow().state()).isEqualTo(Vouchers.State.VALID);
    letTimePass(Duration.between(clock.instant(), Instant.parse("2027-02-26T01:00:00Z")));
    reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), holder, true, "clerk2"), "counter");
    await("handed over", () -> cases.get(a.caseNumber()).closedAt() != null);
    Card replacement = card(a.caseNumber());
    assertThat(replacement.state()).isEqualTo(CardState.ACTIVE);
    assertThat(replacement.replacesCardId()).isEqualTo(old.cardId());
    assertThat(vouchers.find(a.certificateNumber()).orElseThrow().state()).as("the voucher stops working").isEqualTo(Vouchers.State.USED);
    assertThat(cards.history(old.cardId()).stream().map(t -> t.to().name()).toList())
        .containsExactly("APPLIED", "IN_PRODUCTION", "PRODUCED", "AWAITING_ACTIVATION", "ACTIVE", "SUSPENDED", "LOST", "REPLACED",
            "CANCELLED");
    assertThat(cards.history(old.cardId()).get(6).actor()).isEqualTo("clerk");
    assertThat(new ObjectMapper().readTree(cases.data(a.caseNumber())).path("delegateIdNumber").asText())
        .isEqualTo(delegate);
    assertThat(jdbc.sql("select data::text from card_case where case_number = ?").param(a.caseNumber())
        .query(String.class).single()).as("sealed with the case's personal data, not in data").doesNotContain("delegateIdNumber", delegate);
    assertThat(jdbc.sql("select count(*) from case_document where case_number = ?").param(a.caseNumber()).query(Long.class).single())
        .as("holder's and delegate's ID copies, the replacement form and the portrait the replacement is made with").isEqualTo(4);
  }

  @Test
  void aCardNotReadyOnTheCollectionDateAlertsASupervisorAndTheCitizenGetsANewDate() throws Exception {
    String holder = id("19830404", "981"); // this bank does not call back by itself
    activeCardHolder("李沅芷", holder);
    // no provisional report yet: refused, unless the counter takes it in the same visit (guide 004: provisional first)
    Reissues.Request noProvisional = new Reissues.Request(holder, "李沅芷", "13900000002", null, "HOLDER", null, null, true, null,
        png(700, 450), null, png(800, 1000), "clerk", null);
    assertThatThrownBy(() -> reissues.accept(noProvisional, "counter")).isInstanceOf(CaseConflict.class)
        .hasMessageContaining("follows a provisional one");
    assertThat(cases.openCaseOf(holder, Reissues.TYPE)).as("a refused request changes nothing").isEmpty();
    assertThat(cases.openCaseOf(holder, LossReports.TYPE)).isEmpty();
    Reissues.Accepted a = reissues.accept(new Reissues.Request(holder, "李沅芷", "13900000002", null, "HOLDER", null, null, true, null,
        png(700, 450), null, png(800, 1000), "clerk", true), "counter");
    assertThat(a.provisionalReport()).as("both reports taken in one visit").isNotNull();
    await("the provisional report of this visit became formal", () -> cases.get(a.provisionalReport()).closedAt() != null);
    assertThat(cases.get(a.provisionalReport()).status()).isEqualTo(CaseStatus.FORMALISED);
    assertThat(cases.get(a.provisionalReport()).channel()).isEqualTo("counter");
    assertThat(audit.entries(AuditTrail.ofCase(a.caseNumber())).get(0).actor())
        .as("the clerk who took it, not the channel").isEqualTo("clerk");
    assertThat(audit.entries(AuditTrail.ofCase(a.provisionalReport())).get(0).actor()).isEqualTo("clerk");
    assertThat(jdbc.sql("select data->>'provisionalReport' from card_case where case_number = ?").param(a.caseNumber())
        .query(String.class).single()).as("the reissue's record shows both").isEqualTo(a.provisionalReport());
    await("in production", () -> step(a.caseNumber()).equals("wait-card-produced"));
    letTimePass(Duration.ofDays(25)); // past the pickup date (15 working days)
    HumanTask alert = awaitTask(a.caseNumber(), "alert-pickup-late");
    assertThat(alert.candidateGroup()).isEqualTo("supervisors");
    await("citizen told the new date", () -> notifications(a.caseNumber()).contains("pickup-delayed"));
    Vouchers.Voucher v = vouchers.find(a.certificateNumber()).orElseThrow();
    assertThat(v.pickupDate()).isAfter(LocalDate.parse(a.pickupDate()));
    assertThat(v.state()).as("still a valid medical voucher meanwhile").isEqualTo(Vouchers.State.VALID);
    assertThat(notificationText(a.caseNumber(), "pickup-delayed")).contains(v.pickupDate().toString());
  }
}
