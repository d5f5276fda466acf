package org.cardcase.reissue;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.cardcase.FlowTest;
import org.cardcase.assertions.AssertionRefused;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardState;
import org.cardcase.cards.MedicalInsuranceNumbers;
import org.cardcase.cases.CaseStatus;
import org.cardcase.loss.LossReports;
import org.cardcase.shared.FieldErrors;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.cardcase.tasks.HumanTask;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A replacement card nobody collects (guide 004): reminded and escalated like an
 * uncollected new card; its pickup certificate stays a medical voucher until the card is collected; the card
 * keeps the holder's medical insurance number. A context of its own: time moves months.
 */
@TestPropertySource(properties = "cardcase.flow-test.context=uncollected-reissue")
class UncollectedReissueFlowTest extends FlowTest {
  @Autowired LossReports lossReports;
  @Autowired Reissues reissues;
  @Autowired Vouchers vouchers;
  @Autowired MedicalInsuranceNumbers numbers;
  @Autowired CitizenAssertions assertions;
  @Autowired ChannelIdentitySimulator identity;

  static String jti(String token) {
    try {
      return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aReissuedCardNeverCollectedIsRemindedThenEscalatedAndItsVoucherLastsUntilCollection() throws Exception {
    String holder = id("19840606", "011");
    String applied = activeCardHolder("胡斐", holder);
    String number = card(applied).medicalInsuranceNumber();
    assertThat(number).isNotNull();
    lossReports.report(new LossReports.Report(holder, null, "胡斐", "13900000003"), "96102");
    Reissues.Accepted a = reissues.accept(new Reissues.Request(holder, "胡斐", "13900000003", null, "HOLDER", null, null, true, null,
        png(700, 450), null, png(800, 1000), "clerk", null), "counter");
    await("the replacement is ready", () -> step(a.caseNumber()).equals("wait-pickup"));
    Card replacement = card(a.caseNumber());
    assertThat(replacement.medicalInsuranceNumber()).as("the person's one number is kept on a reissue").isEqualTo(number);

    letTimePass(Duration.ofDays(40)); // past the pickup date and 10 more working days
    await("reminded", () -> notifications(a.caseNumber()).contains("replacement-reminder"));
    assertThat(vouchers.find(a.certificateNumber()).orElseThrow().state()).as("still a voucher").isEqualTo(Vouchers.State.VALID);
    assertThat(step(a.caseNumber())).isEqualTo("wait-pickup");

    letTimePass(Duration.ofDays(100)); // past 60 working days after the pickup date
    HumanTask alert = awaitTask(a.caseNumber(), "escalate-uncollected-replacement");
    assertThat(alert.candidateGroup()).isEqualTo("supervisors");
    // guide 004 makes the certificate a voucher "during the replacement period", i.e. until the new card is
    // collected; it does not expire while the card waits at the counter
    Vouchers.Voucher kept = vouchers.find(a.certificateNumber()).orElseThrow();
    assertThat(kept.state()).as("still a medical voucher while the card waits at the counter").isEqualTo(Vouchers.State.VALID);
    assertThat(kept.endedAt()).isNull();
    assertThat(actions(a.caseNumber())).doesNotContain("VOUCHER_ENDED");
    assertThat(cases.get(a.caseNumber()).status()).isEqualTo(CaseStatus.UNCOLLECTED);
    await("citizen told", () -> notifications(a.caseNumber()).contains("replacement-uncollected"));
    assertThat(notificationText(a.caseNumber(), "replacement-uncollected")).contains(a.certificateNumber()).contains("仍可作为临时就医凭证")
        .doesNotContain("停止");

    // the card stays at the counter: the citizen can still collect it, without a voucher
    await("kept at the counter", () -> step(a.caseNumber()).equals("wait-late-pickup"));
    reissues.pickUp(a.caseNumber(), new Reissues.Pickup(a.certificateNumber(), holder, true, "clerk2"), "counter");
    await("handed over late", () -> cases.get(a.caseNumber()).closedAt() != null);
    assertThat(card(a.caseNumber()).state()).isEqualTo(CardState.ACTIVE);
    assertThat(vouchers.find(a.certificateNumber()).orElseThrow().state()).as("ends when the card is collected")
        .isEqualTo(Vouchers.State.USED);
  }

  @Test
  void theNumberIsGivenInFullOnlyToAChannelThatAuthenticatedTheCitizenAndEachLookupIsAudited() throws Exception {
    String holder = id("19850707", "013");
    String applied = activeCardHolder("程灵素", holder);
    String number = card(applied).medicalInsuranceNumber();
    int before = audit.entries(AuditTrail.ofCase(applied)).size();

    MedicalInsuranceNumbers.Lookup masked = numbers.masked(holder, "12333");
    assertThat(masked.full()).isFalse();
    assertThat(masked.medicalInsuranceNumber()).isNotEqualTo(number).endsWith(number.substring(number.length() - 4));
    // the 12333 line authenticated the caller by PIN: its identity service signs that, and the signature is believed
    String token = identity.assertionFor("12333", holder, "PHONE_PIN");
    MedicalInsuranceNumbers.Lookup full = numbers.lookup(assertions.verify("12333", token, holder));
    assertThat(full.full()).isTrue();
    assertThat(full.medicalInsuranceNumber()).isEqualTo(number);
    // the terminal's own ID card reader, in process
    assertThat(numbers.lookup(holder, "terminal", "id_card").medicalInsuranceNumber()).isEqualTo(number);
    // the web portal cannot have authenticated anyone by PIN, even signing so
    String byPin = identity.sign("web-portal", identity.claims("web-portal", holder, "PHONE_PIN").build());
    Assertions.assertThatThrownBy(() -> numbers.lookup(assertions.verify("web-portal", byPin, holder)))
        .isInstanceOfSatisfying(AssertionRefused.class, e -> {
          assertThat(e.code()).isEqualTo(AssertionRefused.Code.METHOD_NOT_ALLOWED);
          assertThat(e.getMessage()).contains("WEB_LOGIN");
        });
    Assertions.assertThatThrownBy(() -> numbers.lookup(holder, "web-portal", "PHONE_PIN"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("authenticatedBy")).contains("WEB_LOGIN"));
    assertThat(audit.entries(AuditTrail.ofCase(applied)).stream()
        .filter(e -> e.action().equals("NUMBER_LOOKED_UP")).count()).as("one entry per lookup").isEqualTo(3);
    // the refused lookups wrote nothing (the case's process may add entries of its own meanwhile: only the channels' count)
    assertThat(audit.entries(AuditTrail.ofCase(applied)).stream().skip(before)
        .filter(e -> List.of("web-portal", "12333", "terminal", "hospital").contains(e.actor())).count()).isEqualTo(3);
    assertThat(audit.entries(AuditTrail.ofCase(applied)).stream()
        .filter(e -> e.action().equals("NUMBER_LOOKED_UP")).map(e -> e.detail().get("assertionId")).toList())
        .as("the assertion's id with the lookup it allowed").containsExactly(null, jti(token), null);
  }
}
