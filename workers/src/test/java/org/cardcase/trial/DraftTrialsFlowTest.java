package org.cardcase.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cardcase.FlowTest;
import org.cardcase.models.ModelDrafts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A draft tried on recent cases on a scratch engine, before anyone approves it: a case the draft
 * would send elsewhere is shown with both paths, a case it would treat alike is not, and a changed
 * deadline is shown with both numbers of working days; the running cases are not touched.
 */
class DraftTrialsFlowTest extends FlowTest {
  @Autowired ModelDrafts drafts;
  @Autowired DraftTrials trials;

  @Test
  void aDraftThatRoutesVerifiedCasesElsewhereIsCaughtOnRecentCases() throws Exception {
    // A: verified by a clerk, its card made, waiting at the branch; B: waiting for its photo review
    String a = apply("郭靖", id("19750101", "081"), "MALE");
    tasks.complete(awaitTask(a, "compare-photos").id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE"));
    await("A at the branch", () -> step(a).equals("wait-card-activated"));
    String b = apply("黄蓉", id("19750101", "092"), "FEMALE");
    awaitTask(b, "compare-photos");

    // the draft sends verified cases to the resubmission (a mistake) and reminds two working days later than the
    // current version (which another test of the same engine may have changed from the shipped 10)
    ModelDrafts.Draft draft = drafts.create("card-application", "analyst", "try me");
    String current = new String(drafts.bpmn(draft.id()), StandardCharsets.UTF_8);
    Matcher reminder = Pattern.compile("(?s)(id=\"collection-reminder-due\".*?cardcase:workingDays\" value=)\"(\\d+)\"").matcher(current);
    assertThat(reminder.find()).as("the collection reminder's working days in the current model").isTrue();
    int reminderDays = Integer.parseInt(reminder.group(2));
    String xml = current
        .replace("=verificationOutcome = \"VERIFIED\"", "=verificationOutcome = \"VERIFIED_TWICE\"")
        .replaceFirst(reminder.pattern().pattern(), "$1\"" + (reminderDays + 2) + "\"");
    drafts.save(draft.id(), xml.getBytes(StandardCharsets.UTF_8), draft.revision(), "analyst");
    String steps = "select count(*) from audit_entry where action = 'STEP_ENTERED' and subject in (?, ?)";
    long stepsBefore = jdbc.sql(steps).params("case:" + a, "case:" + b).query(Long.class).single();

    DraftTrials.Trial trial = trials.run(draft.id(), "analyst");

    DraftTrials.CaseTrial ta = trial.results().stream().filter(t -> t.caseNumber().equals(a)).findFirst().orElseThrow();
    assertThat(ta.recordedPath()).containsExactly("compare-photos", "wait-card-produced", "wait-card-activated");
    assertThat(ta.draftPath()).containsExactly("compare-photos", "wait-resubmission");
    assertThat(ta.samePath()).isFalse();
    assertThat(ta.deadlines()).containsExactly(new DraftTrials.DeadlineChange("collectionReminderAt", reminderDays, reminderDays + 2));
    DraftTrials.CaseTrial tb = trial.results().stream().filter(t -> t.caseNumber().equals(b)).findFirst().orElseThrow();
    assertThat(tb.recordedPath()).containsExactly("compare-photos");
    assertThat(tb.samePath()).as("B has had no decision yet: the draft treats it alike").isTrue();
    assertThat(trial.differentPath()).isGreaterThanOrEqualTo(1);
    // the real cases are where they were, and nothing was recorded for them
    assertThat(step(a)).isEqualTo("wait-card-activated");
    assertThat(step(b)).isEqualTo("compare-photos");
    assertThat(jdbc.sql(steps).params("case:" + a, "case:" + b).query(Long.class).single()).isEqualTo(stepsBefore);
    assertThat(actions(a)).doesNotContain("CASE_RESUMED");
    assertThat(jdbc.sql("select count(*) from audit_entry where subject = 'model:card-application' and action = 'MODEL_DRAFT_TRIED'")
        .query(Long.class).single()).isGreaterThanOrEqualTo(1);
  }
}
