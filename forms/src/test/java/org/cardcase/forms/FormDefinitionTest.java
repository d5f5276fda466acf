package org.cardcase.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FormDefinitionTest {
  final FormDefinition compare = FormDefinition.forFormKey("cardcase:compare-photos");

  @Test
  void approvalNeedsOnlyTheDecision() {
    assertThat(compare.validate(Map.of("photoDecision", "APPROVE"))).isEmpty();
  }

  @Test
  void aRejectionOrARequestForANewPhotoMustSayWhy() {
    assertThat(compare.validate(Map.of("photoDecision", "REJECT"))).containsOnlyKeys("decisionReason");
    assertThat(compare.validate(Map.of("photoDecision", "REQUEST_NEW_PHOTO"))).containsOnlyKeys("decisionReason");
    assertThat(compare.validate(Map.of("photoDecision", "REQUEST_NEW_PHOTO", "decisionReason", "模糊")).get("decisionReason"))
        .as("too short to help the applicant").contains("at least 4");
    assertThat(compare.validate(Map.of("photoDecision", "REJECT", "decisionReason", "照片与身份证不是同一人"))).isEmpty();
  }

  @Test
  void unknownValuesAndFieldsAreRefused() {
    assertThat(compare.validate(Map.of("photoDecision", "MAYBE")).get("photoDecision")).contains("APPROVE");
    assertThat(compare.validate(Map.of("photoDecision", "APPROVE", "approvedBy", "me"))).containsOnlyKeys("approvedBy");
    assertThat(compare.validate(Map.of())).as("nothing chosen: the reason shows too").containsOnlyKeys("photoDecision", "decisionReason");
  }

  @Test
  void supervisorAlertsNeedAFollowUpAndANote() {
    FormDefinition overdue = FormDefinition.forFormKey("cardcase:production-overdue");
    assertThat(overdue.validate(Map.of())).containsOnlyKeys("followUp", "note");
    assertThat(overdue.validate(Map.of("followUp", "CONTACTED", "note", "银行答复下周出卡"))).isEmpty();
    FormDefinition uncollected = FormDefinition.forFormKey("cardcase:card-uncollected");
    assertThat(uncollected.validate(Map.of("action", "CANCEL", "note", "本人已出国定居"))).isEmpty();
  }

  @Test
  void anUnknownFormIsAnError() {
    assertThatThrownBy(() -> FormDefinition.forFormKey("cardcase:review-application")).hasMessageContaining("no form");
  }
}
