package org.cardcase.production;

import static org.cardcase.processes.CardProductionProcess.ALERT_PRODUCTION_OVERDUE;
import static org.cardcase.processes.CardProductionProcess.JOB_PRODUCTION_OVERDUE;
import static org.cardcase.processes.CardProductionProcess.JOB_REQUEST_PRODUCTION;
import static org.cardcase.processes.CardProductionProcess.VAR_PRODUCTION_DUE_AT;

import java.util.Map;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.cardcase.tasks.AlertDecision;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The steps of card production: each calls one method of {@link CardProduction}. */
@Configuration
public class ProductionWorkers {

  @Bean
  CaseJobHandler requestProduction(CardProduction production) {
    return new Step(JOB_REQUEST_PRODUCTION, (job, cn) -> Map.of(VAR_PRODUCTION_DUE_AT, production.request(cn).toString()));
  }

  /**
   * A supervisor's decision on the production-overdue alert: REORDERED places the order with the
   * bank again (the case keeps waiting for the card, and takes it from whichever order reports
   * first); CONTACTED is the record of the follow-up, nothing more to do.
   */
  @Bean
  AlertDecision productionOverdueDecision(CardProduction production) {
    return AlertDecision.on(ALERT_PRODUCTION_OVERDUE, (task, result, decidedBy) -> {
      if ("REORDERED".equals(result.get("followUp"))) {
        production.reorder(task.caseNumber(), task.id(), decidedBy);
      }
    });
  }

  @Bean
  CaseJobHandler productionOverdue(CardProduction production) {
    return new Step(JOB_PRODUCTION_OVERDUE, (job, cn) -> {
      production.overdue(cn);
      return Map.of();
    });
  }
}
