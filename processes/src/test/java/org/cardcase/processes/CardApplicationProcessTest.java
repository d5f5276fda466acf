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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The card application model on the real engine, with the test standing in for the workers:
 * it checks the paths the model allows, not what the workers do (the workers module does that).
 */
@ZeebeProcessTest
class CardApplicationProcessTest {
  private ZeebeTestEngine engine;
  private ZeebeClient client;

  @BeforeEach
  void deploy() {
    client.newDeployResourceCommand().addResourceFromClasspath(CardApplicationProcess.RESOURCE).send().join();
  }

  private ProcessInstanceEvent start(Instant productionDueAt) {
    return client.newCreateInstanceCommand().bpmnProcessId(CardApplicationProcess.PROCESS_ID).latestVersion()
        .variables(Map.of("caseNumber", "SC-TEST-1",
            CardApplicationProcess.VAR_REVIEW_DUE_AT, Instant.now().plus(Duration.ofDays(3)).toString(),
            CardApplicationProcess.VAR_PRODUCTION_DUE_AT, productionDueAt.toString()))
        .send().join();
  }

  private ActivatedJob complete(String type, Map<String, Object> vars) throws Exception {
    engine.waitForIdleState(Duration.ofSeconds(5));
    List<ActivatedJob> jobs = client.newActivateJobsCommand().jobType(type).maxJobsToActivate(1).send().join().getJobs();
    assertThat(jobs).as("a job of type %s", type).hasSize(1);
    client.newCompleteCommand(jobs.get(0)).variables(vars).send().join();
    engine.waitForIdleState(Duration.ofSeconds(5));
    return jobs.get(0);
  }

  @Test
  void approvedApplicationWaitsForProductionThenNotifiesTheApplicant() throws Exception {
    ProcessInstanceEvent pi = start(Instant.now().plus(Duration.ofDays(30)));
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    ActivatedJob checkpoint = complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    assertThat(checkpoint.getElementId()).isEqualTo(CardApplicationProcess.REVIEW);
    ActivatedJob review = complete(CaseFlow.USER_TASK_JOB, Map.of(CardApplicationProcess.VAR_REVIEW_OUTCOME, "APPROVED"));
    assertThat(review.getCustomHeaders()).containsEntry("io.camunda.zeebe:candidateGroups", "[\"verification\"]");
    complete(CardApplicationProcess.JOB_REQUEST_PRODUCTION, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    assertThat(pi).isWaitingAtElements(CardApplicationProcess.WAIT_CARD_PRODUCED);

    client.newPublishMessageCommand().messageName(CardApplicationProcess.MSG_CARD_PRODUCED)
        .correlationKey("SC-TEST-1").send().join();
    complete(CardApplicationProcess.JOB_NOTIFY_CARD_READY, Map.of());
    complete(CaseFlow.PROCESS_ENDED_LISTENER, Map.of());
    assertThat(pi).hasPassedElement(CardApplicationProcess.END_COMPLETED).isCompleted();
  }

  @Test
  void rejectedApplicationEndsWithoutProduction() throws Exception {
    ProcessInstanceEvent pi = start(Instant.now().plus(Duration.ofDays(30)));
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    complete(CaseFlow.USER_TASK_JOB, Map.of(CardApplicationProcess.VAR_REVIEW_OUTCOME, "REJECTED"));
    complete(CardApplicationProcess.JOB_REJECT, Map.of());
    complete(CaseFlow.PROCESS_ENDED_LISTENER, Map.of());
    assertThat(pi).hasPassedElement(CardApplicationProcess.END_REJECTED)
        .hasNotPassedElement(CardApplicationProcess.REQUEST_PRODUCTION).isCompleted();
  }

  @Test
  void productionDeadlineAlertsWithoutCancellingTheWait() throws Exception {
    ProcessInstanceEvent pi = start(Instant.now().plus(Duration.ofDays(10)));
    complete(CardApplicationProcess.JOB_REGISTER, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());
    complete(CaseFlow.USER_TASK_JOB, Map.of(CardApplicationProcess.VAR_REVIEW_OUTCOME, "APPROVED"));
    complete(CardApplicationProcess.JOB_REQUEST_PRODUCTION, Map.of());
    complete(CaseFlow.CHECKPOINT_LISTENER, Map.of());

    engine.increaseTime(Duration.ofDays(11));
    complete(CardApplicationProcess.JOB_PRODUCTION_OVERDUE, Map.of());
    assertThat(pi).hasPassedElement(CardApplicationProcess.ALERT_PRODUCTION_OVERDUE)
        .isWaitingAtElements(CardApplicationProcess.WAIT_CARD_PRODUCED);
  }
}
