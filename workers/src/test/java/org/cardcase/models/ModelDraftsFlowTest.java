package org.cardcase.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.cardcase.FlowTest;
import org.cardcase.cards.CardState;
import org.cardcase.flow.EngineSupervisor;
import org.cardcase.flow.ModelVersions;
import org.cardcase.tasks.HumanTask;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An analyst's draft of the card application becomes its next version only with a second person's
 * approval; a draft that drops the element cases wait at is refused until that element is mapped,
 * and the cases waiting there move to the new version; other running cases stay on their version,
 * also when the engine is replaced and every open case is resumed.
 */
class ModelDraftsFlowTest extends FlowTest {
  @Autowired ModelDrafts drafts;
  @Autowired ModelVersions versions;
  @Autowired EngineSupervisor supervisor;

  @Test
  void aSecondPersonApprovesWaitingCasesAreMappedAndOthersFinishOnTheirVersion() throws Exception {
    int v1 = versions.current("card-application");
    // A waits for a clerk inside the verification; C, verified, waits for a late bank
    String a = apply("王小明", id("19800101", "011"), "MALE");
    HumanTask review = awaitTask(a, "compare-photos");
    String c = apply("李华", id("19850101", "982"), "FEMALE");
    await("C verified or waiting for a clerk", () -> !tasks.open(c).isEmpty() || card(c).state() != CardState.APPLIED);
    tasks.open(c).stream().filter(t -> t.elementId().equals("compare-photos")).findFirst()
        .ifPresent(t -> tasks.complete(t.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE")));
    await("C waits for the bank", () -> step(c).equals("wait-card-produced"));

    // the analyst renames the verification's call activity: an element A waits in is gone
    ModelDrafts.Draft draft = drafts.create("card-application", "analyst", "verification renamed");
    // and gives the collection reminder 12 working days instead of 10
    String xml = new String(drafts.bpmn(draft.id()), StandardCharsets.UTF_8).replace("\"verify-identity\"", "\"check-identity\"")
        .replaceFirst("(?s)(id=\"collection-reminder-due\".*?cardcase:workingDays\" value=)\"10\"", "$1\"12\"");
    assertThat(xml).contains("value=\"12\"");
    ModelDrafts.Draft saved = drafts.save(draft.id(), xml.getBytes(StandardCharsets.UTF_8), draft.revision(), "analyst");
    assertThat(saved.revision()).isEqualTo(draft.revision() + 1);
    // a second editor who started from the first revision does not overwrite it
    assertThatThrownBy(() -> drafts.save(draft.id(), xml.getBytes(StandardCharsets.UTF_8), draft.revision(), "analyst2"))
        .isInstanceOf(ModelDrafts.Conflict.class)
        .satisfies(e -> assertThat(((ModelDrafts.Conflict) e).current().savedBy()).isEqualTo("analyst"));
    assertThat(drafts.editing(draft.id(), "analyst")).isEmpty();
    assertThat(drafts.editing(draft.id(), "analyst2")).containsExactly("analyst");

    ModelDrafts.Review review1 = drafts.review(draft.id());
    assertThat(review1.changes()).extracting(ModelDrafts.Change::elementId, ModelDrafts.Change::kind)
        .contains(Tuple.tuple("check-identity", "ADDED"),
            Tuple.tuple("verify-identity", "REMOVED"));
    assertThat(review1.waiting()).filteredOn(w -> w.elementId().equals("verify-identity"))
        .singleElement().satisfies(w -> {
          assertThat(w.kept()).isFalse();
          assertThat(w.cases()).isGreaterThanOrEqualTo(1);
        });

    drafts.propose(draft.id(), "analyst", "verification renamed");
    assertThatThrownBy(() -> drafts.approve(draft.id(), "analyst", "mine", Map.of()))
        .isInstanceOf(ModelDrafts.Refused.class).hasMessageContaining("ownDraft");
    assertThatThrownBy(() -> drafts.approve(draft.id(), "admin", "ok", Map.of()))
        .isInstanceOf(ModelDrafts.Refused.class).hasMessageContaining("unmapped").hasMessageContaining("verify-identity");
    assertThatThrownBy(() -> drafts.approve(draft.id(), "admin", "ok", Map.of("verify-identity", "nowhere")))
        .isInstanceOf(ModelDrafts.Refused.class).hasMessageContaining("mappedToNothing");
    assertThat(versions.current("card-application")).as("nothing deployed by a refusal").isEqualTo(v1);

    ModelDrafts.Draft deployed = drafts.approve(draft.id(), "admin", "ok", Map.of("verify-identity", "check-identity"));
    int v2 = deployed.deployedVersion();
    assertThat(v2).isEqualTo(v1 + 1);
    assertThat(versions.current("card-application")).isEqualTo(v2);
    assertThat(actions(a)).contains("CASE_MIGRATED");
    assertThat(actions(c)).doesNotContain("CASE_MIGRATED");
    assertThat(jdbc.sql("select action from audit_entry where subject = 'model:card-application' order by seq")
        .query(String.class).list()).containsSubsequence("MODEL_DRAFT_CREATED", "MODEL_DRAFT_SAVED", "MODEL_DRAFT_PROPOSED",
            "MODEL_VERSION_DEPLOYED");

    // A was moved into the new version, still at its photo review (the same task); new cases start on v2
    await("A runs on v2", () -> modelVersion(a) == v2 && waitElement(a).equals("check-identity/compare-photos"));
    String b = apply("张伟", id("19900101", "021"), "MALE");
    awaitTask(b, "compare-photos");
    assertThat(modelVersion(b)).isEqualTo(v2);
    assertThat(modelVersion(c)).isEqualTo(v1);

    // the engine starts empty: every kept version is deployed again and each case resumed on its own
    supervisor.replace("model versions test");
    await("all resumed", () -> jdbc.sql("select count(*) from process_link where case_number in (?, ?, ?) and resumed_count > 0")
        .params(a, b, c).query(Integer.class).single() == 3);
    assertThat(modelVersion(c)).as("C resumed on the version it ran on").isEqualTo(v1);
    assertThat(modelVersion(a)).isEqualTo(v2);
    assertThat(jdbc.sql("""
        select detail->>'modelVersion' from audit_entry where subject = ? and action = 'CASE_RESUMED' order by seq desc limit 1""")
        .param("case:" + c).query(String.class).single()).isEqualTo(String.valueOf(v1));

    // and each finishes: A's photo review is the task it had; C's card comes and is collected
    HumanTask still = awaitTask(a, "compare-photos");
    assertThat(still.id()).isEqualTo(review.id());
    tasks.complete(still.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE"));
    await("A past its review", () -> !step(a).equals("compare-photos"));
    inbox.receive("test-produced-" + c, "card-produced", c, "card-production", Map.of("cardNumber", "C19850101"));
    await("C at the branch", () -> step(c).equals("wait-card-activated"));
    assertThat(jdbc.sql("select working_days from case_deadline where case_number = ? and name = 'collectionReminderAt'")
        .param(c).query(Integer.class).single()).as("C's reminder as its version 1 says, not version 2's 12").isEqualTo(10);
    inbox.receive("test-activated-" + c, "card-activated", c, "card-production", Map.of("branch", "test branch"));
    await("C active", () -> card(c).state() == CardState.ACTIVE);
  }

  @Test
  void noOneWhoSavedARevisionApprovesItEvenWhenAColleagueSavedOverTheirEdit() {
    int before = versions.current("family-binding");
    ModelDrafts.Draft draft = drafts.create("family-binding", "analyst", "four eyes are two people");
    String xml = new String(drafts.bpmn(draft.id()), StandardCharsets.UTF_8);
    // analyst2 edits the colleague's draft; the colleague's editor then saves over that edit
    ModelDrafts.Draft theirs = drafts.save(draft.id(), (xml + "<!-- analyst2's edit -->").getBytes(StandardCharsets.UTF_8),
        draft.revision(), "analyst2");
    ModelDrafts.Draft last = drafts.save(draft.id(), (xml + "<!-- saved over it -->").getBytes(StandardCharsets.UTF_8),
        theirs.revision(), "analyst");
    assertThat(last.createdBy()).isEqualTo("analyst");
    assertThat(last.savedBy()).as("analyst2 is neither its creator nor its last saver").isEqualTo("analyst");
    assertThat(drafts.contributors(draft.id())).containsExactly("analyst", "analyst2");
    assertThat(drafts.contributedBy(draft.id(), "analyst2")).isTrue();
    assertThat(drafts.contributedBy(draft.id(), "admin")).isFalse();
    drafts.propose(draft.id(), "analyst", null);

    assertThatThrownBy(() -> drafts.approve(draft.id(), "analyst2", "looks fine", Map.of()))
        .isInstanceOf(ModelDrafts.Refused.class)
        .satisfies(e -> {
          assertThat(((ModelDrafts.Refused) e).reason()).isEqualTo("ownDraft");
          assertThat(((ModelDrafts.Refused) e).detail()).isEqualTo("analyst2");
        });
    assertThat(drafts.find(draft.id()).status()).isEqualTo("PROPOSED");
    assertThat(versions.current("family-binding")).as("nothing deployed by the refusal").isEqualTo(before);
    // as one of its authors, analyst2 takes it back for editing rather than turning it down as a second person
    assertThat(drafts.reject(draft.id(), "analyst2", "one more change").status()).isEqualTo("DRAFT");
    assertThat(actionsOn(draft)).contains("MODEL_DRAFT_WITHDRAWN").doesNotContain("MODEL_DRAFT_REJECTED");
    drafts.propose(draft.id(), "analyst", null);

    // a third person, who made and saved nothing of it, approves it
    ModelDrafts.Draft deployed = drafts.approve(draft.id(), "admin", "ok", Map.of());
    assertThat(deployed.status()).isEqualTo("DEPLOYED");
    assertThat(deployed.decidedBy()).isEqualTo("admin");
    assertThat(versions.current("family-binding")).isEqualTo(before + 1);
  }

  /** The audit trail's actions on this draft. */
  private List<String> actionsOn(ModelDrafts.Draft d) {
    return jdbc.sql("select action from audit_entry where subject = ? and detail->>'draft' = ? order by seq")
        .params("model:" + d.processId(), String.valueOf(d.id())).query(String.class).list();
  }

  @Test
  void aDraftThatBreaksARuleCannotBeProposed() {
    ModelDrafts.Draft draft = drafts.create("card-application", "analyst", null);
    String xml = new String(drafts.bpmn(draft.id()), StandardCharsets.UTF_8)
        .replaceFirst("(?s)(<bpmn:receiveTask id=\"wait-card-activated\"[^>]*>)\\s*<bpmn:extensionElements>.*?</bpmn:extensionElements>", "$1");
    drafts.save(draft.id(), xml.getBytes(StandardCharsets.UTF_8), draft.revision(), "analyst");
    assertThat(drafts.review(draft.id()).problems()).extracting(p -> p.elementId()).contains("wait-card-activated");
    assertThatThrownBy(() -> drafts.propose(draft.id(), "analyst", null)).isInstanceOf(ModelDrafts.Refused.class)
        .hasMessageContaining("problems");
    assertThat(drafts.find(draft.id()).status()).isEqualTo("DRAFT");
    // a file of another process cannot be saved over it
    assertThatThrownBy(() -> drafts.save(draft.id(), versions.file("card-production", versions.current("card-production"))
        .orElseThrow(), draft.revision() + 1, "analyst")).isInstanceOf(ModelDrafts.Refused.class).hasMessageContaining("otherProcess");
    assertThatThrownBy(() -> drafts.upload("<not-bpmn/>".getBytes(StandardCharsets.UTF_8), "analyst", null))
        .isInstanceOf(ModelDrafts.Refused.class);
    assertThat(List.of(drafts.find(draft.id()).revision())).containsExactly(draft.revision() + 1);
  }

  private int modelVersion(String cn) {
    return jdbc.sql("select model_version from process_link where case_number = ?").param(cn).query(Integer.class).single();
  }

  private String waitElement(String cn) {
    return jdbc.sql("select wait_element from process_link where case_number = ?").param(cn).query(String.class).single();
  }
}
