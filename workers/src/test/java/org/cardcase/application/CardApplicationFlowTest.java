package org.cardcase.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.cardcase.FlowTest;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseStatus;
import org.cardcase.cases.Cases;
import org.cardcase.flow.LinkStatements;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.processes.CardApplicationProcess;
import org.cardcase.shared.FieldErrors;
import org.cardcase.simulators.MedicalSettlementSimulator;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskNotAllowed;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every path of the card application, with real workers, simulators and PostgreSQL. */
class CardApplicationFlowTest extends FlowTest {
  @Autowired ProcessLinks links;

  @Test
  void aClerkApprovesThePhotosTheCardIsMadeOnceCollectedAndActivated() throws Exception {
    String cn = apply("王小明", id("19800101", "001"), "MALE");
    HumanTask review = awaitTask(cn, "compare-photos");
    assertThat(review.candidateGroup()).isEqualTo("verification");
    assertThat(review.dueAt()).as("due date from the working-day calendar").isNotNull();
    tasks.complete(review.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE"));

    // the bank simulator reports the card made twice: one card, one PRODUCED transition, one message
    await("card ready", () -> card(cn).state() == CardState.AWAITING_ACTIVATION);
    awaitBankCallbacksSent(cn); // the duplicate callback has arrived and been turned away
    assertThat(jdbc.sql("select count(*) from card where case_number = ?").param(cn).query(Long.class).single()).isEqualTo(1);
    assertThat(transitions(cn)).containsExactly("APPLIED", "IN_PRODUCTION", "PRODUCED", "AWAITING_ACTIVATION");
    await("told", () -> notifications(cn).contains("card-ready")); // the message follows the step's commit
    assertThat(notifications(cn)).containsExactly("card-ready");
    Card card = card(cn);
    assertThat(card.cardNumber()).matches("A\\d{8}");
    assertThat(card.medicalInsuranceNumber()).as("issued by the system, with a Luhn check digit").matches("11\\d{9}");
    assertThat(luhnValid(card.medicalInsuranceNumber())).isTrue();
    assertThat(step(cn)).isEqualTo("wait-card-activated");
    // the bank's message was consumed inside the called production process: it is marked so, and
    // a resume of the case does not publish it again
    assertThat(jdbc.sql("select count(*) from inbound_message where case_number = ? and name = 'card-produced' and not consumed")
        .param(cn).query(Long.class).single()).isZero();

    assertThat(inbox.receive("branch-1", "card-activated", cn, "card-production", Map.of("branch", "ICBC Xicheng branch"))).isTrue();
    await("case closed as active", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.ACTIVE);
    assertThat(card(cn).state()).isEqualTo(CardState.ACTIVE);
    assertThat(cards.history(card.cardId()).getLast().actor()).isEqualTo("ICBC Xicheng branch");
    await("told", () -> notifications(cn).size() == 2);
    assertThat(notifications(cn)).containsExactly("card-ready", "card-activated");
    assertThat(actions(cn)).contains("CASE_RECEIVED", "DOCUMENT_ADDED", "DOCUMENTS_CHECKED", "REGISTRY_CHECKED",
        "TASK_COMPLETED", "VERIFICATION_DECIDED", "PRODUCTION_ORDERED", "CARD_STATE_CHANGED", "NOTIFICATION_SENT");
    assertThat(audit.verify(AuditTrail.ofCase(cn)).intact()).isTrue();
    await("process ended", () -> jdbc.sql("select ended_at is not null from process_link where case_number = ?").param(cn)
        .query(Boolean.class).single());
  }

  /**
   * One case start writes the case's link once, whole (process, variables with the review's
   * deadline, model version, the claim of its start); the engine's answer adds only the instance.
   * The statements are counted as the application sends them and printed for the README's figures.
   */
  @Test
  void aCaseStartWritesItsLinkOnce() throws Exception {
    try (LinkStatements sql = new LinkStatements()) {
      String cn = apply("段正淳", id("19710707", "031"), "MALE");
      awaitTask(cn, "compare-photos");
      // the starter's statements before it sends the start are logged before the engine's answer is
      await("the engine's answer recorded", () -> sql.of(cn).stream()
          .anyMatch(s -> s.startsWith("update process_link set process_instance_key = ?, engine_generation = ?, updated_at")));
      System.out.println("process_link statements of one card application, stored until it waits for the photo comparison: "
          + sql.byKind(cn) + "\n  " + String.join("\n  ", sql.of(cn)));
      assertThat(sql.of(cn)).filteredOn(s -> s.startsWith("insert")).hasSize(1);
      // nothing adds to it before the start: no variables, claim, token or version written afterwards
      assertThat(sql.of(cn)).noneMatch(s -> s.startsWith("update process_link set variables = variables")
          || s.startsWith("update process_link set started_at = now(), start_token") || s.startsWith("update process_link set model_version"));
      ProcessLink link = links.find(cn).orElseThrow();
      assertThat(link.variables()).containsKeys("caseNumber", CardApplicationProcess.VAR_REVIEW_DUE_AT);
      assertThat(link.modelVersion()).isNotNull();
      assertThat(link.processInstanceKey()).isNotNull();
    }
  }

  @Test
  void aClearRegistryMatchNeedsNoClerk() throws Exception {
    String cn = apply("李华", id("19850202", "999"), "FEMALE");
    await("sent to production", () -> card(cn).state().ordinal() >= CardState.IN_PRODUCTION.ordinal());
    assertThat(jdbc.sql("select count(*) from human_task where case_number = ?").param(cn).query(Long.class).single()).isZero();
    assertThat(jdbc.sql("select outcome from verification_round where case_number = ? and round = 1").param(cn)
        .query(String.class).single()).isEqualTo("VERIFIED");
  }

  @Test
  void aRequestForANewPhotoIsResubmittedAndTheSameCaseContinues() throws Exception {
    String cn = apply("赵敏", id("19900303", "002"), "FEMALE");
    HumanTask first = awaitTask(cn, "compare-photos");
    tasks.complete(first.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "REQUEST_NEW_PHOTO",
        "decisionReason", "照片背景不是白色"));
    await("waits for resubmission", () -> step(cn).equals("wait-resubmission"));
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.AWAITING_RESUBMISSION);
    assertThat(notifications(cn)).containsExactly("new-photo-requested");
    assertThat(notificationText(cn, "new-photo-requested")).contains("照片背景不是白色").contains(cn);

    // bad input changes nothing; a good one continues the case in round 2
    try {
      service.resubmit(cn, new CardApplications.Resubmission("r-1", png(100, 100), null), "web-portal");
      throw new AssertionError("a 100×100 photo was accepted");
    } catch (FieldErrors e) {
      assertThat(e.errors().get("portraitPhoto")).contains("at least 358×441");
    }
    assertThat(service.resubmit(cn, new CardApplications.Resubmission("r-2", png(400, 500), null), "web-portal")).isEqualTo(2);
    assertThat(service.resubmit(cn, new CardApplications.Resubmission("r-2", png(400, 500), null), "web-portal"))
        .as("a retried resubmission is taken once").isEqualTo(2);
    HumanTask second = awaitTask(cn, "compare-photos");
    assertThat(second.id()).isNotEqualTo(first.id());
    tasks.complete(second.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE"));
    await("sent to production", () -> card(cn).state().ordinal() >= CardState.IN_PRODUCTION.ordinal());
    assertThat(jdbc.sql("select max(version) from case_document where case_number = ? and kind = 'PORTRAIT_PHOTO'").param(cn)
        .query(Integer.class).single()).isEqualTo(2);
    assertThat(jdbc.sql("select outcome from verification_round where case_number = ? order by round").param(cn)
        .query(String.class).list()).containsExactly("NEW_PHOTO_REQUESTED", "VERIFIED");
    assertThat(jdbc.sql("select decided_by from verification_round where case_number = ? and round = 2").param(cn)
        .query(String.class).single()).isEqualTo("clerk");
  }

  @Test
  void documentsThatNoLongerPassTheChecksAreRejectedWithTheReason() throws Exception {
    String cn = apply("周芷若", id("19910404", "003"), "FEMALE");
    HumanTask t = awaitTask(cn, "compare-photos");
    tasks.complete(t.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "REQUEST_NEW_PHOTO", "decisionReason", "请上传新的身份证照片"));
    await("waits for resubmission", () -> step(cn).equals("wait-resubmission"));
    // a portrait scanned at a counter that no longer passes the rules (stored behind the intake check)
    jdbc.sql("""
        insert into case_document (case_number, kind, version, content_type, bytes, size_bytes, width, height, sha256, uploaded_by)
        values (?, 'PORTRAIT_PHOTO', 9, 'image/png', ?, 10, 10, 10, 'x', 'counter')""")
        .params(cn, Base64.getDecoder().decode(png(10, 10))).update();
    service.resubmit(cn, new CardApplications.Resubmission("r-1", null, png(700, 450)), "web-portal");
    await("rejected again, told why", () -> notifications(cn).size() == 2);
    assertThat(notificationText(cn, "verification-rejected")).contains("PORTRAIT_PHOTO").contains("at least 358×441");
    assertThat(jdbc.sql("select registry_result from verification_round where case_number = ? and round = 2").param(cn)
        .query(String.class).optional()).as("the registry is not asked about unusable documents").isEmpty();
  }

  @Test
  void noSuchResidentAndNoResubmissionClosesTheCaseAsRejected() throws Exception {
    String cn = apply("张无忌", id("19920505", "990"), "MALE");
    await("waits for resubmission", () -> step(cn).equals("wait-resubmission"));
    assertThat(notificationText(cn, "verification-rejected")).contains("population registry has no resident");
    letTimePass(Duration.ofDays(45)); // past the resubmission deadline (20 working days)
    await("closed", () -> cases.get(cn).closedAt() != null);
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.REJECTED);
    assertThat(card(cn).state()).isEqualTo(CardState.CANCELLED);
    await("told", () -> notifications(cn).size() == 2);
    assertThat(notifications(cn)).containsExactly("verification-rejected", "application-rejected");
  }

  @Test
  void anUnavailableRegistryIsRetriedAndThenRaisesAnIncident() throws Exception {
    String transientCase = apply("杨过", id("19930606", "998"), "MALE");
    String downCase = apply("小龙女", id("19930606", "995"), "FEMALE");
    // a transient outage: two failures, then verified on the third attempt
    await("verified after retries", () -> card(transientCase).state().ordinal() >= CardState.IN_PRODUCTION.ordinal());
    // a lasting outage: three attempts, then an incident for an operator; the case waits there
    await("incident raised", () -> incidents().stream().anyMatch(i -> i.getElementId().equals("query-registry")
        && i.getErrorMessage().contains("unavailable")));
    assertThat(cases.get(downCase).closedAt()).isNull();
    assertThat(card(downCase).state()).isEqualTo(CardState.APPLIED);
    assertThat(audit.entries(AuditTrail.ofCase(downCase))).noneMatch(e -> e.action().equals("REGISTRY_CHECKED"));
  }

  /** Approved by a clerk and waiting for a bank that will not call back by itself (980-984). */
  String waitingForALateBank(String name, String idNumber, String sex) throws Exception {
    String cn = apply(name, idNumber, sex);
    HumanTask t = awaitTask(cn, "compare-photos");
    tasks.complete(t.id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE"));
    await("waits for the card", () -> step(cn).equals("wait-card-produced"));
    return cn;
  }

  @Test
  void lateProductionAlertsASupervisorAndTheCaseKeepsWaiting() throws Exception {
    String cn = waitingForALateBank("郭靖", id("19940707", "980"), "MALE");
    letTimePass(Duration.ofDays(20)); // past the production deadline (10 working days)
    HumanTask alert = awaitTask(cn, "alert-production-overdue");
    assertThat(alert.candidateGroup()).isEqualTo("supervisors");
    assertThat(alert.formKey()).isEqualTo("cardcase:production-overdue");
    assertThat(step(cn)).isEqualTo("wait-card-produced");
    // the supervisor finds the order lost and orders the card again: the bank makes it this time
    assertThat(tasks.complete(alert.id(), "supervisor", SUPERVISORS, Map.of("followUp", "REORDERED", "note", "order lost at the bank"))
        .caseContinued()).isTrue();
    await("card ready", () -> card(cn).state() == CardState.AWAITING_ACTIVATION);
    assertThat(actions(cn)).containsOnlyOnce("PRODUCTION_REORDERED");
    assertThat(tasks.sendPendingCompletions()).as("nothing left to carry out").isZero();
    assertThat(actions(cn)).containsOnlyOnce("PRODUCTION_REORDERED");
  }

  @Test
  void aLateBanksCallbackStillMakesTheCardReady() throws Exception {
    String cn = waitingForALateBank("郭襄", id("19940707", "982"), "FEMALE");
    inbox.receive("late-1", "card-produced", cn, "card-production", Map.of("cardNumber", "B12345678"));
    await("card ready", () -> card(cn).state() == CardState.AWAITING_ACTIVATION);
    assertThat(card(cn).cardNumber()).isEqualTo("B12345678");
  }

  static final List<String> SUPERVISORS = List.of("supervisors");
  @Autowired MedicalSettlementSimulator settlement;
  @Autowired CardApplications applications;

  Instant deadline(String cn, String name) {
    return jdbc.sql("select due_at from case_deadline where case_number = ? and name = ?").params(cn, name)
        .query(Timestamp.class).single().toInstant();
  }

  /** The card waits at the branch past the final deadline: a supervisor is asked, the case waits for the answer. */
  HumanTask escalated(String name, String idNumber) throws Exception {
    String cn = apply(name, idNumber, "FEMALE");
    if (!idNumber.startsWith("999", 14)) { // 999 is a clear match; the others need a clerk's photo comparison
      tasks.complete(awaitTask(cn, "compare-photos").id(), "clerk", CLERK_GROUPS, Map.of("photoDecision", "APPROVE"));
    }
    await("card ready", () -> card(cn).state() == CardState.AWAITING_ACTIVATION);
    await("waits at the branch", () -> step(cn).equals("wait-card-activated"));
    letTimePass(Duration.ofDays(20)); // past the reminder (10 working days)
    await("reminded", () -> notifications(cn).contains("collection-reminder"));
    assertThat(cases.get(cn).closedAt()).isNull();
    letTimePass(Duration.ofDays(80)); // past the final deadline (60 working days)
    HumanTask escalation = awaitTask(cn, "escalate-uncollected");
    assertThat(escalation.candidateGroup()).isEqualTo("supervisors");
    await("waits for the decision", () -> step(cn).equals("wait-uncollected-decision"));
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.UNCOLLECTED);
    assertThat(cases.get(cn).closedAt()).as("still open: the supervisor decides").isNull();
    return escalation;
  }

  @Test
  void anUncollectedCardIsExtendedWhenTheCitizenIsReached() throws Exception {
    HumanTask escalation = escalated("黄蓉", id("19950808", "999"));
    String cn = escalation.caseNumber();
    Instant firstFinal = deadline(cn, "collectionFinalDueAt");
    tasks.complete(escalation.id(), "supervisor", SUPERVISORS, Map.of("action", "CONTACTED", "note", "called, collects next week"));
    await("waits at the branch again", () -> step(cn).equals("wait-card-activated"));
    assertThat(cases.get(cn).status()).isEqualTo(CaseStatus.CARD_READY);
    assertThat(deadline(cn, "collectionFinalDueAt")).as("a new final deadline").isAfter(firstFinal.plus(Duration.ofDays(60)));
    await("told the new date", () -> notifications(cn).contains("collection-extended"));
    assertThat(card(cn).state()).isEqualTo(CardState.AWAITING_ACTIVATION);
    inbox.receive("act-" + cn, "card-activated", cn, "card-production", Map.of("branch", "ICBC Dongcheng"));
    await("active", () -> card(cn).state() == CardState.ACTIVE);
    await("told", () -> notifications(cn).contains("card-activated")); // the message follows the activation's commit
    assertThat(notifications(cn)).containsExactly("card-ready", "collection-reminder", "collection-extended", "card-activated");
  }

  @Test
  void anUncollectedCardIsCancelledWithItsSettlementAndALaterActivationIsRefused() throws Exception {
    HumanTask escalation = escalated("李莫愁", id("19950909", "061"));
    String cn = escalation.caseNumber();
    tasks.complete(escalation.id(), "supervisor", SUPERVISORS, Map.of("action", "CANCEL", "note", "no answer in three calls"));
    await("cancelled", () -> card(cn).state() == CardState.CANCELLED);
    await("closed", () -> cases.get(cn).closedAt() != null);
    assertThat(step(cn)).isEqualTo("card-uncollected");
    assertThat(settlement.settles(card(cn).cardId())).as("a cancelled card never pays").isFalse();
    await("told", () -> notifications(cn).contains("uncollected-card-cancelled"));
    // the branch hands the card over anyway: refused with the reason, and recorded
    assertThatThrownBy(() -> applications.checkActivatable(cn, "late-act-1", "ICBC Xicheng", "card-production"))
        .isInstanceOf(CardApplications.CardNotCollectable.class).hasMessageContaining("cancelled");
    assertThat(actions(cn)).contains("ACTIVATION_REFUSED");
    assertThat(card(cn).state()).isEqualTo(CardState.CANCELLED);
  }

  @Test
  void aCardActivatedWhileTheSupervisorDecidesIsActiveAndTheAlertIsWithdrawn() throws Exception {
    HumanTask escalation = escalated("程英", id("19951010", "063"));
    String cn = escalation.caseNumber();
    inbox.receive("act-" + cn, "card-activated", cn, "card-production", Map.of("branch", "ICBC Chaoyang"));
    await("active", () -> card(cn).state() == CardState.ACTIVE);
    await("closed", () -> cases.get(cn).closedAt() != null);
    assertThat(tasks.find(escalation.id()).orElseThrow().state()).isEqualTo("WITHDRAWN");
    assertThat(actions(cn)).contains("TASK_WITHDRAWN");
    assertThatThrownBy(() -> tasks.complete(escalation.id(), "supervisor", SUPERVISORS, Map.of("action", "CANCEL", "note", "too late")))
        .isInstanceOf(TaskNotAllowed.class);
    assertThat(card(cn).state()).isEqualTo(CardState.ACTIVE);
  }

  @Test
  void oneOpenApplicationPerPerson() throws Exception {
    String idNumber = id("19960909", "004");
    String cn = apply("令狐冲", idNumber, "MALE");
    try {
      apply("令狐冲", idNumber, "MALE");
      throw new AssertionError("a second application was accepted");
    } catch (CaseConflict e) {
      assertThat(e.openCaseNumber()).isEqualTo(cn);
    }
  }
}
