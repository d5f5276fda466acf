package org.cardcase.loss;

import static org.cardcase.processes.LossReportProcess.JOB_CLOSE_FORMALISED;
import static org.cardcase.processes.LossReportProcess.JOB_REMIND_FORMAL_REPORT;
import static org.cardcase.processes.LossReportProcess.JOB_RESUME_SETTLEMENT;
import static org.cardcase.processes.LossReportProcess.JOB_STOP_SETTLEMENT;
import static org.cardcase.processes.LossReportProcess.VAR_CARD_ID;
import static org.cardcase.processes.LossReportProcess.VAR_FORMAL_REMINDER_AT;

import java.util.Map;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The steps of a provisional loss report: each reads the job's variables and calls one method of {@link LossReports}. */
@Configuration
public class LossReportWorkers {

  static String cardId(Map<String, Object> vars) {
    Object id = vars.get(VAR_CARD_ID);
    if (id == null) {
      throw new IllegalStateException("the loss report has no cardId variable");
    }
    return id.toString();
  }

  @Bean
  CaseJobHandler stopSettlement(LossReports reports) {
    return new Step(JOB_STOP_SETTLEMENT, (job, cn) ->
        Map.of(VAR_FORMAL_REMINDER_AT, reports.stopSettlement(cn, cardId(job.getVariablesAsMap())).toString()));
  }

  @Bean
  CaseJobHandler remindFormalReport(LossReports reports) {
    return new Step(JOB_REMIND_FORMAL_REPORT, (job, cn) -> {
      reports.remindFormalReport(cn);
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler resumeSettlement(LossReports reports) {
    return new Step(JOB_RESUME_SETTLEMENT, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      reports.resumeSettlement(cn, cardId(v), String.valueOf(v.getOrDefault("withdrawReason", "card found")));
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler closeFormalised(LossReports reports) {
    return new Step(JOB_CLOSE_FORMALISED, (job, cn) -> {
      reports.closeFormalised(cn);
      return Map.of();
    });
  }
}
