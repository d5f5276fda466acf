package org.cardcase.processes;

import static io.camunda.zeebe.process.test.assertions.BpmnAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.zeebe.client.ZeebeClient;
import io.camunda.zeebe.client.api.response.ActivatedJob;
import io.camunda.zeebe.client.api.response.ProcessInstanceEvent;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.extension.ZeebeProcessTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The card application and verification models on the real engine, with the test standing in for
 * the workers: it checks the paths the models allow (the workers module runs them with the real
 * workers and PostgreSQL).
 */
@ZeebeProcessTest
class CardApplicationProcessTest {
  private ZeebeTestEngine engine;
  private ZeebeClient client;

  @BeforeEach
  void deploy() {
    client.newDeployResourceCommand().addResourceFromClasspath(CardApplicationProcess.RESOURCE)
        .addResourceFromClasspath(RealNameVerificationProcess.RESOURCE)
        .addResourceFromClasspath(CardProductionProcess.RESOURCE).send().join();
  }

  private ProcessInstanceEvent start() {
    Map<String, Object> vars = new HashMap<>();
    vars.put("caseNumber", "SC-TEST-1");
    vars.put(CardApplicationProcess.VAR_REVIEW_DUE_AT, in(3));
    vars.put(CardApplicationProcess.VAR_RESUBMISSION_DUE_AT, in(20));
    return client.newCreateInstanceCommand().bpmnProcessId(CardApplicationProcess.PROCESS_ID).latestVersion()
        .variables(vars).send().join();
  }

  /** How far the tests have moved the engine's clock past the wall clock. */
  private Duration moved = Duration.ZERO;

  /** A deadline counted on the engine's clock, as the workers count it from the time they run. */
  private String in(int days) {
    return Instant.now().plus(moved).plus(Duration.ofDays(days)).toString();
  }

  private void advance(int days) {
    engine.increaseTime(Duration.ofDays(days));
    moved = moved.plus(Duration.ofDays(days));
  }

  private ActivatedJob complete(String type, Map<String, Object> vars) throws Exception {
    engine.waitForIdleState(Duration.ofSeconds(5));
    List<ActivatedJob> jobs = client.newActivateJobsCommand().jobType(type).maxJobsToActivate(1).send().join().getJobs();
    assertThat(jobs).as("a job of type %s", type).hasSize(1);
    client.newCompleteCommand(jobs.get(0)).variables(vars).send().join();
    engine.waitForIdleState(Duration.ofSeconds(5));
    return jobs.get(0);
  }

  private void publish(String message) throws Exception {
    publish(message, Map.of());
  }

  private void publish(String message, Map<String, Object> variables) throws Exception {
    client.newPublishMessageCommand().messageName(message).correlationKey("SC-TEST-1").variables(variables).send().join();
    engine.waitForIdleState(Duration.ofSeconds(5));
  }

  /** Registry inconclusive, a clerk decides. */
  private void verifyByClerk(String decision) throws Exception {
    complete(RealNameVerificationProcess.JOB_CHECK_DOCUMENTS, Map.of(RealNameVerificationProcess.VAR_DOCUMENTS_OK, true));
    complete(RealNameVerificationProcess.JOB_QUERY_REGISTRY,
        Map.of(RealNameVerificationProcess.VAR_OUTCOME, RealNameVerificationProcess.INCONCLUSIVE));
    assertThat(complete(CaseFlow.CHECKPOINT_LISTENER, Map.of()).getElementId()).isEqualTo(RealNameVerificationProcess.COMPARE_PHOTOS);
    ActivatedJob task = complete(CaseFlow.USER_TASK_JOB, Map.of(RealNameVerificationProcess.VAR_PHOTO_DECISION, decision));
    assertThat(task.getCustomHeaders()).containsEntry("io.camunda.zeebe:candidateGroups", "[\"verification\"]")
        .containsEntry("io.camunda.zeebe:formKey", "cardcase:compare-photos");
    complete(RealNameVerificationProcess.JOB_RECORD_OUTCOME, Map.of(RealNameVerificationProcess.VAR_OUTCOME,
        decision.equals("APPROVE") ? RealNameVerificationProcess.VERIFIED : RealNameVerificationProcess.REJECTED,
        "photoDecision", decision));
  }

  private void produceAndNotify() throws Exception {
    complete(CardProductionProcess.JOB_REQUEST_PRODUCTION, Map.of(CardProductionProcess.VAR_PRODUCTION_DUE_AT, in(14)));
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    publish(CardProductionProcess.MSG_CARD_PRODUCED);
    complete(CardApplicationProcess.JOB_NOTIFY_CARD_READY, Map.of(CardApplicationProcess.VAR_COLLECTION_REMINDER_AT, in(14),
        CardApplicationProcess.VAR_COLLECTION_FINAL_DUE_AT, in(90)));
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
  }

  @Test
  void verifiedApplicationIsProducedCollectedAndActivated() throws Exception {
    ProcessInstanceEvent pi = start();
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    verifyByClerk("APPROVE");
    produceAndNotify();
    assertThat(pi).isWaitingAtElements(CardApplicationProcess.WAIT_CARD_ACTIVATED);
    publish(CardApplicationProcess.MSG_CARD_ACTIVATED);
    complete(CardApplicationProcess.JOB_ACTIVATE_CARD, Map.of());
    complete(CaseFlow.PROCESS_ENDED_LISTENER, Map.of());
    assertThat(pi).hasPassedElement(CardApplicationProcess.END_COMPLETED).isCompleted();
  }

  @Test
  void aRejectedApplicantCanResubmitAndTheCaseContinues() throws Exception {
    ProcessInstanceEvent pi = start();
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    verifyByClerk("REJECT");
    complete(CardApplicationProcess.JOB_NOTIFY_REJECTION, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    assertThat(pi).isWaitingAtElements(CardApplicationProcess.WAIT_RESUBMISSION);
    publish(CardApplicationProcess.MSG_RESUBMITTED);
    // the second round: documents and registry conclusive this time
    complete(RealNameVerificationProcess.JOB_CHECK_DOCUMENTS, Map.of(RealNameVerificationProcess.VAR_DOCUMENTS_OK, true));
    complete(RealNameVerificationProcess.JOB_QUERY_REGISTRY,
        Map.of(RealNameVerificationProcess.VAR_OUTCOME, RealNameVerificationProcess.VERIFIED));
    complete(RealNameVerificationProcess.JOB_RECORD_OUTCOME, Map.of(RealNameVerificationProcess.VAR_OUTCOME,
        RealNameVerificationProcess.VERIFIED));
    complete(CardProductionProcess.JOB_REQUEST_PRODUCTION, Map.of(CardProductionProcess.VAR_PRODUCTION_DUE_AT, in(14)));
    assertThat(pi).hasPassedElement(CardApplicationProcess.WAIT_RESUBMISSION).isWaitingAtElements(CardApplicationProcess.PRODUCE_CARD);
  }

  @Test
  void unusableDocumentsSkipTheRegistryAndNoResubmissionClosesTheCase() throws Exception {
    ProcessInstanceEvent pi = start();
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    complete(RealNameVerificationProcess.JOB_CHECK_DOCUMENTS, Map.of(RealNameVerificationProcess.VAR_DOCUMENTS_OK, false));
    complete(RealNameVerificationProcess.JOB_RECORD_OUTCOME, Map.of(RealNameVerificationProcess.VAR_OUTCOME,
        RealNameVerificationProcess.REJECTED));
    complete(CardApplicationProcess.JOB_NOTIFY_REJECTION, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    advance(21);
    complete(CardApplicationProcess.JOB_REJECT, Map.of());
    complete(CaseFlow.PROCESS_ENDED_LISTENER, Map.of());
    assertThat(pi).hasPassedElement(CardApplicationProcess.END_REJECTED)
        .hasNotPassedElement(CardApplicationProcess.PRODUCE_CARD).isCompleted();
  }

  @Test
  void lateProductionAlertsAndAnUncollectedCardIsRemindedThenEscalated() throws Exception {
    ProcessInstanceEvent pi = start();
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    verifyByClerk("APPROVE");
    complete(CardProductionProcess.JOB_REQUEST_PRODUCTION, Map.of(CardProductionProcess.VAR_PRODUCTION_DUE_AT, in(14)));
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    advance(15);
    complete(CardProductionProcess.JOB_PRODUCTION_OVERDUE, Map.of());
    assertThat(pi).isWaitingAtElements(CardApplicationProcess.PRODUCE_CARD);
    publish(CardProductionProcess.MSG_CARD_PRODUCED);
    complete(CardApplicationProcess.JOB_NOTIFY_CARD_READY, Map.of(CardApplicationProcess.VAR_COLLECTION_REMINDER_AT, in(30),
        CardApplicationProcess.VAR_COLLECTION_FINAL_DUE_AT, in(90)));
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    advance(31);
    complete(CardApplicationProcess.JOB_REMIND_COLLECTION, Map.of());
    assertThat(pi).isWaitingAtElements(CardApplicationProcess.WAIT_CARD_ACTIVATED);
    advance(60);
    complete(CardApplicationProcess.JOB_ESCALATE_UNCOLLECTED, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    assertThat(pi).isWaitingAtElements(CardApplicationProcess.WAIT_UNCOLLECTED_DECISION);
    // the supervisor reached the citizen: the wait at the branch starts again with new deadlines
    publish(CardApplicationProcess.MSG_UNCOLLECTED_DECIDED, Map.of(CardApplicationProcess.VAR_UNCOLLECTED_ACTION, "CONTACTED"));
    complete(CardApplicationProcess.JOB_EXTEND_COLLECTION, Map.of(CardApplicationProcess.VAR_COLLECTION_REMINDER_AT, in(30),
        CardApplicationProcess.VAR_COLLECTION_FINAL_DUE_AT, in(90)));
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    assertThat(pi).isWaitingAtElements(CardApplicationProcess.WAIT_CARD_ACTIVATED);
    // missed again: this time the supervisor cancels the card
    advance(40);
    complete(CardApplicationProcess.JOB_REMIND_COLLECTION, Map.of());
    advance(60);
    complete(CardApplicationProcess.JOB_ESCALATE_UNCOLLECTED, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    publish(CardApplicationProcess.MSG_UNCOLLECTED_DECIDED, Map.of(CardApplicationProcess.VAR_UNCOLLECTED_ACTION, "CANCEL"));
    complete(CardApplicationProcess.JOB_CANCEL_UNCOLLECTED, Map.of());
    complete(CaseFlow.PROCESS_ENDED_LISTENER, Map.of());
    assertThat(pi).hasPassedElement(CardApplicationProcess.END_UNCOLLECTED).hasPassedElement(CardApplicationProcess.EXTEND_COLLECTION)
        .hasNotPassedElement(CardApplicationProcess.ACTIVATE_CARD).isCompleted();
  }

  @Test
  void aCardActivatedWhileTheSupervisorDecidesIsActivated() throws Exception {
    ProcessInstanceEvent pi = start();
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    verifyByClerk("APPROVE");
    complete(CardProductionProcess.JOB_REQUEST_PRODUCTION, Map.of(CardProductionProcess.VAR_PRODUCTION_DUE_AT, in(14)));
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    publish(CardProductionProcess.MSG_CARD_PRODUCED);
    complete(CardApplicationProcess.JOB_NOTIFY_CARD_READY, Map.of(CardApplicationProcess.VAR_COLLECTION_REMINDER_AT, in(300),
        CardApplicationProcess.VAR_COLLECTION_FINAL_DUE_AT, in(90)));
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    advance(91);
    complete(CardApplicationProcess.JOB_ESCALATE_UNCOLLECTED, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    publish(CardApplicationProcess.MSG_CARD_ACTIVATED);
    complete(CardApplicationProcess.JOB_ACTIVATE_CARD, Map.of());
    complete(CaseFlow.PROCESS_ENDED_LISTENER, Map.of());
    assertThat(pi).hasPassedElement(CardApplicationProcess.ACTIVATED_WHILE_DECIDING)
        .hasPassedElement(CardApplicationProcess.END_COMPLETED).hasNotPassedElement(CardApplicationProcess.END_UNCOLLECTED).isCompleted();
  }
}
