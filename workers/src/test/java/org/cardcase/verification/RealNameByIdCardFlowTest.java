package org.cardcase.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.cardcase.FlowTest;
import org.cardcase.application.CardApplication;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CardState;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.junit.jupiter.api.Test;

/**
 * Real-name verification as guide 001 has it: the ID card photo is compared with the registry, the
 * portrait with both, and the applicant may take the registry's photo on file instead of uploading
 * a portrait. The registry simulator's answers go by the ID number's sequence code.
 */
class RealNameByIdCardFlowTest extends FlowTest {

  CardApplication onFile(String name, String idNumber, String portrait) throws Exception {
    String sex = IdNumber.check(idNumber, LocalDate.now()).idNumber().sex().name();
    return new CardApplication(name, idNumber, sex, "13812345678", "ICBC", "web-portal", portrait, png(700, 450), true);
  }

  @Test
  void thePhotoOnFileIsTheCardsPhotoAndAMatchingIdCardVerifiesWithoutAClerk() throws Exception {
    String idNumber = id("19910101", "031"); // an uploaded portrait of this person would need a clerk (similarity 0.72)
    assertThatThrownBy(() -> service.submit(onFile("林平之", idNumber, png(400, 500)), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("portraitPhoto")).contains("not both"));
    String cn = service.submit(onFile("林平之", idNumber, null), "web-portal");
    await("verified by the registry alone", () -> card(cn).state().ordinal() >= CardState.IN_PRODUCTION.ordinal());
    assertThat(jdbc.sql("select count(*) from human_task where case_number = ?").param(cn).query(Long.class).single())
        .as("no photo comparison: the portrait is the registry's own photo and the ID card matches it").isZero();
    assertThat(jdbc.sql("select uploaded_by from case_document where case_number = ? and kind = 'PORTRAIT_PHOTO'").param(cn)
        .query(String.class).single()).isEqualTo("population-registry");
    assertThat(audit.entries(AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("REGISTRY_CHECKED"))
        .findFirst().orElseThrow().detail().toString()).contains("idCardSimilarity");

    String noResident = id("19910101", "991");
    assertThatThrownBy(() -> service.submit(onFile("岳灵珊", noResident, null), "web-portal"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("usePhotoOnFile")).contains("no photo on file"));
  }

  @Test
  void anIdCardPhotoUnlikeTheRegistrysGoesToAClerkEvenWithAClearPortrait() throws Exception {
    String idNumber = id("19920202", "941");
    String cn = service.submit(onFile("令狐冲", idNumber, null), "web-portal");
    awaitTask(cn, "compare-photos");
    assertThat(jdbc.sql("select photo_similarity from verification_round where case_number = ?").param(cn)
        .query(Double.class).single()).as("the weakest comparison: the ID card photo's").isLessThan(0.5);
  }
}
