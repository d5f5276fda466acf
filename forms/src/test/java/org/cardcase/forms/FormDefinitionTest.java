package org.cardcase.forms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FormDefinitionTest {
  final FormDefinition review = FormDefinition.forFormKey("cardcase:review-application");

  @Test
  void approvalNeedsOnlyTheDecision() {
    assertThat(review.validate(Map.of("reviewOutcome", "APPROVED"))).isEmpty();
  }

  @Test
  void aRejectionMustSayWhy() {
    assertThat(review.validate(Map.of("reviewOutcome", "REJECTED"))).containsOnlyKeys("rejectReason");
    assertThat(review.validate(Map.of("reviewOutcome", "REJECTED", "rejectReason", "照片模糊"))).isEmpty();
  }

  @Test
  void unknownValuesAndFieldsAreRefused() {
    assertThat(review.validate(Map.of("reviewOutcome", "MAYBE")).get("reviewOutcome")).contains("APPROVED");
    assertThat(review.validate(Map.of("reviewOutcome", "APPROVED", "approvedBy", "me"))).containsOnlyKeys("approvedBy");
    assertThat(review.validate(Map.of())).containsOnlyKeys("reviewOutcome");
  }
}
