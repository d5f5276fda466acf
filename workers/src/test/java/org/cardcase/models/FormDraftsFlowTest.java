package org.cardcase.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.cardcase.FlowTest;
import org.cardcase.flow.FormVersions;
import org.cardcase.flow.ModelVersions;
import org.cardcase.forms.FormDefinition;
import org.cardcase.shared.FieldErrors;
import org.cardcase.tasks.HumanTask;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An analyst's change to a task form, approved by a second person, becomes the form's next version:
 * the process that shows it gets a version naming it, new tasks show and check the new form, and a
 * task opened before keeps the form it had.
 */
class FormDraftsFlowTest extends FlowTest {
  @Autowired ModelDrafts drafts;
  @Autowired FormVersions forms;
  @Autowired ModelVersions versions;

  @Test
  void aNewFormVersionIsShownToNewTasksAndOpenOnesKeepTheirs() throws Exception {
    String a = apply("欧阳锋", id("19700101", "051"), "MALE");
    HumanTask before = awaitTask(a, "compare-photos");
    int verification = versions.current("real-name-verification");

    ModelDrafts.Draft draft = drafts.createForm("cardcase:compare-photos", "analyst", "ask for a note");
    assertThat(draft.form()).isTrue();
    String json = new String(drafts.bpmn(draft.id()), StandardCharsets.UTF_8)
        .replace("Do the portrait and the ID card photo show the applicant?", "Is the applicant in both photos?")
        .replace("\"components\": [", """
            "components": [
                {"id": "checkNote", "key": "checkNote", "type": "textfield", "label": "Note for the file / 备注",
                 "validate": {"maxLength": 100}},""");
    drafts.save(draft.id(), json.getBytes(StandardCharsets.UTF_8), draft.revision(), "analyst");
    assertThat(drafts.review(draft.id()).changes()).extracting(ModelDrafts.Change::elementId, ModelDrafts.Change::kind)
        .containsExactlyInAnyOrder(Tuple.tuple("checkNote", "ADDED"),
            Tuple.tuple("photoDecision", "CHANGED"));
    // a broken form cannot be saved over the draft as another form, nor proposed when unreadable
    assertThatThrownBy(() -> drafts.save(draft.id(), "{\"id\":\"pickup-late\",\"components\":[]}".getBytes(StandardCharsets.UTF_8),
        draft.revision() + 1, "analyst")).isInstanceOf(ModelDrafts.Refused.class).hasMessageContaining("otherForm");
    drafts.propose(draft.id(), "analyst", null);
    assertThatThrownBy(() -> drafts.approve(draft.id(), "analyst", null, Map.of())).hasMessageContaining("ownDraft");
    ModelDrafts.Draft done = drafts.approve(draft.id(), "admin", "ok", Map.of());
    int v = done.deployedVersion();
    assertThat(forms.latest("cardcase:compare-photos")).contains(v);
    assertThat(versions.current("real-name-verification")).as("the process showing it has a version naming it")
        .isEqualTo(verification + 1);
    assertThat(new String(versions.file("real-name-verification", verification + 1).orElseThrow(), StandardCharsets.UTF_8))
        .contains("formKey=\"cardcase:compare-photos@" + v + "\"");

    // a new case's task shows the new form and is checked against it
    String b = apply("黄药师", id("19700101", "071"), "MALE");
    HumanTask after = awaitTask(b, "compare-photos");
    assertThat(after.formKey()).isEqualTo("cardcase:compare-photos@" + v);
    FormDefinition newForm = tasks.formOf(after);
    assertThat(newForm.fields()).extracting(FormDefinition.Field::key).contains("checkNote");
    assertThat(newForm.fields().stream().filter(f -> f.key().equals("photoDecision")).findFirst().orElseThrow().label())
        .startsWith("Is the applicant in both photos?");
    tasks.complete(after.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE", "checkNote", "ok"));

    // the task opened before keeps its form: the new field is not one of its fields
    assertThat(before.formKey()).isEqualTo("cardcase:compare-photos");
    assertThat(tasks.formOf(before).fields()).extracting(FormDefinition.Field::key).doesNotContain("checkNote");
    assertThatThrownBy(() -> tasks.complete(before.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE", "checkNote", "ok")))
        .isInstanceOf(FieldErrors.class);
    tasks.complete(before.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE"));
    await("both past the review", () -> !step(a).equals("compare-photos") && !step(b).equals("compare-photos"));
    assertThat(jdbc.sql("select action from audit_entry where subject = 'form:cardcase:compare-photos' order by seq")
        .query(String.class).list()).containsSubsequence("FORM_DRAFT_CREATED", "MODEL_DRAFT_SAVED", "MODEL_DRAFT_PROPOSED",
            "FORM_VERSION_DEPLOYED");
  }
}
