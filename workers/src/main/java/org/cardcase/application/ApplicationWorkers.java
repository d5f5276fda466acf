package org.cardcase.application;

import static org.cardcase.processes.CardApplicationProcess.ESCALATE_UNCOLLECTED;
import static org.cardcase.processes.CardApplicationProcess.JOB_ACTIVATE_CARD;
import static org.cardcase.processes.CardApplicationProcess.JOB_CANCEL_UNCOLLECTED;
import static org.cardcase.processes.CardApplicationProcess.JOB_ESCALATE_UNCOLLECTED;
import static org.cardcase.processes.CardApplicationProcess.JOB_EXTEND_COLLECTION;
import static org.cardcase.processes.CardApplicationProcess.JOB_NOTIFY_CARD_READY;
import static org.cardcase.processes.CardApplicationProcess.JOB_NOTIFY_REJECTION;
import static org.cardcase.processes.CardApplicationProcess.JOB_REGISTER;
import static org.cardcase.processes.CardApplicationProcess.JOB_REJECT;
import static org.cardcase.processes.CardApplicationProcess.JOB_REMIND_COLLECTION;
import static org.cardcase.processes.CardApplicationProcess.MSG_UNCOLLECTED_DECIDED;
import static org.cardcase.processes.CardApplicationProcess.VAR_COLLECTION_FINAL_DUE_AT;
import static org.cardcase.processes.CardApplicationProcess.VAR_COLLECTION_REMINDER_AT;
import static org.cardcase.processes.CardApplicationProcess.VAR_RESUBMISSION_DUE_AT;
import static org.cardcase.processes.CardApplicationProcess.VAR_UNCOLLECTED_ACTION;
import static org.cardcase.processes.CardApplicationProcess.VAR_UNCOLLECTED_DECIDED_AT;
import static org.cardcase.processes.RealNameVerificationProcess.NEW_PHOTO_REQUESTED;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_OUTCOME;
import static org.cardcase.processes.RealNameVerificationProcess.VAR_REASON;

import io.camunda.client.CamundaClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.MessageInbox;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.flow.ProcessStarter;
import org.cardcase.flow.Step;
import org.cardcase.processes.CardProductionProcess;
import org.cardcase.tasks.AlertDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The automated steps of the card application. Each reads the job's variables, calls one method of
 * {@link ApplicationProgress} or {@link CardCollection} and returns variables; the methods are safe
 * to run twice.
 */
@Configuration
public class ApplicationWorkers {
  private static final Logger log = LoggerFactory.getLogger(ApplicationWorkers.class);

  @Bean
  CaseJobHandler registerApplication(ApplicationProgress progress, ProcessLinks links, CamundaClient client) {
    return new Step(JOB_REGISTER, (job, cn) -> {
      ProcessLink link = links.find(cn).orElseThrow();
      Object token = job.getVariablesAsMap().get(ProcessStarter.VAR_START_TOKEN);
      // the start token tells the instance the case runs as from one the engine took twice
      boolean duplicate = token != null ? !token.equals(link.startToken())
          : link.processInstanceKey() != null && link.processInstanceKey() != job.getProcessInstanceKey();
      if (duplicate) {
        // a second instance for the same case (a start the engine took although its answer was lost): stop it
        log.warn("case {} already runs as instance {}; cancelling duplicate {}", cn, link.processInstanceKey(), job.getProcessInstanceKey());
        client.newCancelInstanceCommand(job.getProcessInstanceKey()).send().join();
        return Map.of();
      }
      progress.register(cn, job.getProcessInstanceKey());
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler notifyRejection(ApplicationProgress progress) {
    return new Step(JOB_NOTIFY_REJECTION, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      Instant due = progress.askForResubmission(cn, String.valueOf(v.getOrDefault(VAR_REASON, "not verified")),
          NEW_PHOTO_REQUESTED.equals(v.get(VAR_OUTCOME)));
      return Map.of(VAR_RESUBMISSION_DUE_AT, due.toString());
    });
  }

  @Bean
  CaseJobHandler rejectApplication(ApplicationProgress progress) {
    return new Step(JOB_REJECT, (job, cn) -> {
      progress.reject(cn, job.getVariablesAsMap().get(VAR_REASON));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler notifyCardReady(CardCollection collection) {
    return new Step(JOB_NOTIFY_CARD_READY, (job, cn) -> {
      Object cardNumber = job.getVariablesAsMap().get(CardProductionProcess.VAR_CARD_NUMBER);
      return variables(collection.cardReady(cn, cardNumber == null ? null : cardNumber.toString()));
    });
  }

  static Map<String, Object> variables(CardCollection.Deadlines due) {
    return Map.of(VAR_COLLECTION_REMINDER_AT, due.reminderAt().toString(), VAR_COLLECTION_FINAL_DUE_AT, due.finalDueAt().toString());
  }

  @Bean
  CaseJobHandler remindCollection(CardCollection collection) {
    return new Step(JOB_REMIND_COLLECTION, (job, cn) -> {
      Object finalDue = job.getVariablesAsMap().get(VAR_COLLECTION_FINAL_DUE_AT);
      collection.remind(cn, finalDue == null ? null : Instant.parse(finalDue.toString()));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler escalateUncollected(CardCollection collection) {
    return new Step(JOB_ESCALATE_UNCOLLECTED, (job, cn) -> {
      collection.escalateUncollected(cn, job.getVariablesAsMap().get(VAR_COLLECTION_FINAL_DUE_AT));
      return Map.of();
    });
  }

  /** The supervisor's decision on an uncollected card goes to the waiting case as a message: the process decides what follows. */
  @Bean
  AlertDecision uncollectedCardDecision(MessageInbox inbox, Clock clock) {
    // stored once under the task's id: a retry sends the same decision with the same time
    return AlertDecision.on(ESCALATE_UNCOLLECTED, (task, result, decidedBy) ->
        inbox.receive("uncollected-decided:" + task.id(), MSG_UNCOLLECTED_DECIDED, task.caseNumber(), decidedBy,
            Map.of(VAR_UNCOLLECTED_ACTION, String.valueOf(result.get("action")), VAR_UNCOLLECTED_DECIDED_AT,
                clock.instant().toString())));
  }

  @Bean
  CaseJobHandler cancelUncollected(CardCollection collection) {
    return new Step(JOB_CANCEL_UNCOLLECTED, (job, cn) -> {
      collection.cancelUncollected(cn);
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler extendCollection(CardCollection collection) {
    return new Step(JOB_EXTEND_COLLECTION, (job, cn) -> {
      // counted from the decision, so a redelivered step computes the same new deadlines
      Instant decided = Instant.parse(String.valueOf(job.getVariablesAsMap().get(VAR_UNCOLLECTED_DECIDED_AT)));
      return variables(collection.extend(cn, decided));
    });
  }

  @Bean
  CaseJobHandler activateCard(CardCollection collection) {
    return new Step(JOB_ACTIVATE_CARD, (job, cn) -> {
      collection.activate(cn, String.valueOf(job.getVariablesAsMap().getOrDefault("branch", "bank branch")));
      return Map.of();
    });
  }
}
