package org.cardcase.application;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.cardcase.WorkersConfiguration.Deadlines;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.cases.CaseRepository;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.processes.CardApplicationProcess;
import org.cardcase.tasks.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** The automated steps of the card application process: thin glue over the case store. */
@Configuration
public class ApplicationWorkers {
  private static final Logger log = LoggerFactory.getLogger(ApplicationWorkers.class);

  /** A handler written as a lambda: job type plus what to do. */
  record Step(String jobType, Body body) implements CaseJobHandler {
    interface Body {
      Map<String, Object> run(ActivatedJob job, String caseNumber) throws Exception;
    }

    @Override
    public Optional<Map<String, Object>> handle(ActivatedJob job) throws Exception {
      return Optional.of(body.run(job, CaseJobHandler.caseNumber(job)));
    }
  }

  /** Sets the status and audits the change once, however often the step is delivered. */
  static void status(CaseRepository cases, AuditTrail audit, String cn, String status) {
    cases.setStatus(cn, status);
    audit.append(AuditTrail.ofCase(cn), "status:" + status, "system", null, "STATUS_CHANGED", Map.of("status", status));
  }

  @Bean
  CaseJobHandler registerApplication(CaseRepository cases, ProcessLinks links, CamundaClient client, TransactionTemplate tx,
      AuditTrail audit) {
    return new Step(CardApplicationProcess.JOB_REGISTER, (job, cn) -> {
      ProcessLink link = links.find(cn).orElseThrow();
      if (link.processInstanceKey() != null && link.processInstanceKey() != job.getProcessInstanceKey()) {
        // a second instance for the same case (a start whose key was never recorded): stop it
        log.warn("case {} already runs as instance {}; cancelling duplicate {}", cn, link.processInstanceKey(), job.getProcessInstanceKey());
        client.newCancelInstanceCommand(job.getProcessInstanceKey()).send().join();
        return Map.of();
      }
      tx.executeWithoutResult(s -> {
        if (link.processInstanceKey() == null) {
          links.recordInstance(cn, job.getProcessInstanceKey());
        }
        status(cases, audit, cn, "IN_PROGRESS");
        cases.moveTo(cn, CardApplicationProcess.REGISTER);
      });
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler requestProduction(CaseRepository cases, CaseDeadlines caseDeadlines, CardLifecycle cards,
      Deadlines deadlines, Clock clock, TransactionTemplate tx, AuditTrail audit) {
    return new Step(CardApplicationProcess.JOB_REQUEST_PRODUCTION, (job, cn) -> {
      String due = tx.execute(s -> {
        status(cases, audit, cn, "IN_PRODUCTION");
        cases.moveTo(cn, CardApplicationProcess.REQUEST_PRODUCTION);
        cards.byCase(cn).ifPresent(c -> cards.move(c.cardId(), CardState.IN_PRODUCTION, "system", null,
            "approved data sent for production", "production-requested"));
        // a redelivered job gets the deadline recorded the first time
        return caseDeadlines.once(cn, CardApplicationProcess.VAR_PRODUCTION_DUE_AT, clock.instant(),
            deadlines.getProductionWorkingDays()).toString();
      });
      return Map.of(CardApplicationProcess.VAR_PRODUCTION_DUE_AT, due);
    });
  }

  @Bean
  CaseJobHandler productionOverdue(TaskStore tasks, ProcessLinks links) {
    return new Step(CardApplicationProcess.JOB_PRODUCTION_OVERDUE, (job, cn) -> {
      // a supervisor follows up; the case keeps waiting for the card
      int seq = links.find(cn).orElseThrow().waitSeq();
      tasks.upsert(cn, CardApplicationProcess.ALERT_PRODUCTION_OVERDUE, seq, 0L, "cardcase:production-overdue",
          "supervisors", Instant.now());
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler notifyCardReady(CaseRepository cases, CardLifecycle cards, TransactionTemplate tx, AuditTrail audit) {
    return new Step(CardApplicationProcess.JOB_NOTIFY_CARD_READY, (job, cn) -> {
      Object cardNumber = job.getVariablesAsMap().get("cardNumber");
      tx.executeWithoutResult(s -> {
        cards.byCase(cn).ifPresent(c -> {
          cards.move(c.cardId(), CardState.PRODUCED, "system", null, "the producer reported the card made", "produced");
          cards.recordNumbers(c.cardId(), cardNumber == null ? null : cardNumber.toString(), null);
          cards.move(c.cardId(), CardState.AWAITING_ACTIVATION, "system", null, "ready for collection at the bank branch",
              "ready-notified");
        });
        status(cases, audit, cn, "CARD_READY");
        cases.close(cn, CardApplicationProcess.END_COMPLETED);
      });
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler rejectApplication(CaseRepository cases, CardLifecycle cards, TransactionTemplate tx, AuditTrail audit) {
    return new Step(CardApplicationProcess.JOB_REJECT, (job, cn) -> {
      Object why = job.getVariablesAsMap().get("rejectReason");
      tx.executeWithoutResult(s -> {
        cards.byCase(cn).ifPresent(c -> cards.move(c.cardId(), CardState.CANCELLED, "system", null,
            "application rejected: " + (why == null ? "no reason given" : why), "rejected"));
        status(cases, audit, cn, "REJECTED");
        cases.close(cn, CardApplicationProcess.END_REJECTED);
      });
      return Map.of();
    });
  }
}
