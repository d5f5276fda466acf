package org.cardcase.counter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.cardcase.FlowTest;
import org.cardcase.application.CardApplication;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CardState;
import org.cardcase.childcard.ChildCards;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.verification.PhotosOnFile;
import org.cardcase.verification.PopulationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The photo on file and the hall lookups, with the real workers, simulators and PostgreSQL: the registry's photo on
 * file is shown (to the citizen under their channel's assertion, to the counter clerk for the ID card
 * presented) and audited before it is chosen; the hall's counter looks up, by the ID card alone, the
 * child e-cards of a parent, the medical insurance number and the person's cases, each look audited.
 */
class HallLookupsFlowTest extends FlowTest {
  static final TaskQueue.Person COUNTER_CLERK = new TaskQueue.Person("clerk", List.of("CLERK"), List.of("counter"));
  static final TaskQueue.Person VERIFICATION_CLERK = new TaskQueue.Person("clerk2", List.of("CLERK"), List.of("verification"));
  static final TaskQueue.Person ANALYST = new TaskQueue.Person("analyst", List.of("ANALYST"), List.of("counter"));

  @Autowired PhotosOnFile photos;
  @Autowired PopulationRegistry registry;
  @Autowired CounterLookups lookups;
  @Autowired ChildCards childCards;
  @Autowired CitizenAssertions assertions;
  @Autowired ChannelIdentitySimulator identity;

  CitizenAssertions.Proof proof(String channel, String idNumber) {
    String method = Channels.AUTHENTICATION.get(channel).get(0);
    return assertions.verify(channel, identity.assertionFor(channel, idNumber, method), idNumber);
  }

  @Test
  void theCitizenAndTheClerkSeeThePhotoOnFileBeforeItIsChosenAndEachLookIsAudited() throws Exception {
    String idNumber = id("19930303", "031");
    CitizenAssertions.Proof proof = proof("web-portal", idNumber);
    PhotosOnFile.Shown shown = photos.showTo(proof);
    assertThat(shown.photo()).as("the registry's own photo").isEqualTo(registry.photoOnFile(idNumber));
    assertThat(shown.contentType()).isEqualTo("image/png");
    assertThat(shown.width()).isEqualTo(358);
    assertThat(shown.height()).isEqualTo(441);
    assertThat(shown.idNumber()).doesNotContain(idNumber.substring(6, 14));
    List<AuditTrail.Entry> trail = photos.trail(idNumber);
    assertThat(trail).singleElement().satisfies(e -> {
      assertThat(e.subject()).isEqualTo("person:" + personal.idDigest(idNumber)).doesNotContain(idNumber)
          .doesNotContain(CitizenAssertions.subjectOf(idNumber).substring("sha256:".length()));
      assertThat(e.action()).isEqualTo("PERSONAL_DATA_VIEWED");
      assertThat(e.actor()).isEqualTo("web-portal");
      assertThat(e.detail()).containsEntry("assertionId", proof.assertionId()).containsEntry("authenticatedBy", "WEB_LOGIN")
          .containsEntry("photoSha256", shown.sha256()).containsEntry("fields", "photoOnFile");
    });

    // the counter clerk sees it for the ID card presented; a clerk of another group or an analyst does not
    PhotosOnFile.Shown atCounter = photos.showAtCounter(idNumber.toLowerCase(), COUNTER_CLERK, "counter");
    assertThat(atCounter.sha256()).isEqualTo(shown.sha256());
    assertThatThrownBy(() -> photos.showAtCounter(idNumber, VERIFICATION_CLERK, "counter")).isInstanceOf(PhotosOnFile.NotAtCounter.class);
    assertThatThrownBy(() -> photos.showAtCounter(idNumber, ANALYST, "counter")).isInstanceOf(PhotosOnFile.NotAtCounter.class);
    assertThat(photos.trail(idNumber)).hasSize(2).last().satisfies(e -> {
      assertThat(e.actor()).isEqualTo("clerk");
      assertThat(e.channel()).isEqualTo("counter");
      assertThat(e.detail()).containsEntry("authenticatedBy", "ID_CARD");
    });

    // the photo shown is the photo chosen: the case's portrait has the digest the citizen saw
    String sex = IdNumber.check(idNumber, LocalDate.now()).idNumber().sex().name();
    String cn = service.submit(new CardApplication("任盈盈", idNumber, sex, "13812345678", "ICBC", "web-portal", null, png(700, 450),
        true), "web-portal");
    assertThat(jdbc.sql("select sha256 from case_document where case_number = ? and kind = 'PORTRAIT_PHOTO'").param(cn)
        .query(String.class).single()).isEqualTo(shown.sha256());

    // nobody on file: said so, nothing shown
    String none = id("19930303", "991");
    assertThatThrownBy(() -> photos.showTo(proof("web-portal", none))).isInstanceOf(PhotosOnFile.NoPhotoOnFile.class);
    assertThat(photos.trail(none)).isEmpty();
  }

  @Test
  void theCounterReadsTheIdCardAndSeesTheChildECardsTheNumberAndTheCasesEachLookAudited() throws Exception {
    String parent = id("19860606", "999");
    String applied = activeCardHolder("程灵素", parent);
    String kid = id("20200202", "027");
    ChildCards.Letter letter = childCards.letter(parent, "程灵素", "程小素", kid);
    String childCase = childCards.request(new ChildCards.Request(parent, "程灵素", "13600000000", "程小素", kid, png(900, 700), true,
        ChildCards.NOTICE_VERSION, letter.sha256(), "程灵素"), "nhsa-app");
    await("e-card issued", () -> cases.get(childCase).closedAt() != null);

    // the reader types the number as read (lower-case x, spaces): checked as GB 11643
    CounterLookups.Result r = lookups.lookUp("  " + parent.toLowerCase() + " ", COUNTER_CLERK);
    assertThat(r.medicalInsuranceNumber()).as("in full: the clerk holds the ID card").matches("\\d{11}")
        .isEqualTo(card(applied).medicalInsuranceNumber());
    assertThat(r.cardState()).isEqualTo("ACTIVE");
    assertThat(r.holderName()).isEqualTo("程**");
    assertThat(r.childECards()).singleElement().satisfies(c -> {
      assertThat(c.caseNumber()).isEqualTo(childCase);
      assertThat(c.eCard()).startsWith("EC");
      assertThat(c.childName()).isEqualTo("程**");
      assertThat(c.childIdNumber()).doesNotContain(kid.substring(6, 14));
    });
    assertThat(r.cases()).extracting(f -> f.record().caseNumber()).containsExactly(childCase, applied);

    // each look is in the case's trail under the clerk's name, at the counter, by the ID card
    for (var pair : List.of(List.of(applied, "NUMBER_LOOKED_UP"), List.of(childCase, "CHILD_CARD_LOOKED_UP"),
        List.of(applied, "PROGRESS_LOOKED_UP"))) {
      assertThat(audit.entries(AuditTrail.ofCase(pair.get(0))).stream().filter(e -> e.action().equals(pair.get(1))))
          .as(pair.toString()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("clerk");
            assertThat(e.channel()).isEqualTo("counter");
            assertThat(e.detail()).containsEntry("authenticatedBy", "ID_CARD");
          });
    }

    // only the counter's clerks: refused before anything is read or written
    long before = jdbc.sql("select count(*) from audit_entry").query(Long.class).single();
    assertThatThrownBy(() -> lookups.lookUp(parent, VERIFICATION_CLERK)).isInstanceOf(PhotosOnFile.NotAtCounter.class);
    assertThatThrownBy(() -> lookups.lookUp(parent, ANALYST)).isInstanceOf(PhotosOnFile.NotAtCounter.class);
    assertThat(jdbc.sql("select count(*) from audit_entry").query(Long.class).single()).isEqualTo(before);

    // a misread number is refused at its field with the rule
    String misread = parent.substring(0, 17) + (parent.charAt(17) == '0' ? '1' : '0');
    assertThatThrownBy(() -> lookups.lookUp(misread, COUNTER_CLERK))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("idNumber"));

    // a person with no card and no child: nothing, and the screen says so
    CounterLookups.Result nobody = lookups.lookUp(id("19700707", "123"), COUNTER_CLERK);
    assertThat(nobody.medicalInsuranceNumber()).isNull();
    assertThat(nobody.childECards()).isEmpty();
    assertThat(nobody.cases()).isEmpty();
    assertThat(card(applied).state()).isEqualTo(CardState.ACTIVE);
  }
}
