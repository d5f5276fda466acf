package org.cardcase.childcard;

import static org.cardcase.processes.ChildCardProcess.JOB_CHECK;
import static org.cardcase.processes.ChildCardProcess.JOB_ISSUE;
import static org.cardcase.processes.ChildCardProcess.JOB_REFUSE;
import static org.cardcase.processes.ChildCardProcess.VAR_CHECKS_CONCLUSIVE;
import static org.cardcase.processes.ChildCardProcess.VAR_CHECKS_OK;
import static org.cardcase.processes.ChildCardProcess.VAR_CHECK_PROBLEM;
import static org.cardcase.processes.ChildCardProcess.VAR_REVIEW_REASON;

import java.util.HashMap;
import java.util.Map;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The steps of a child e-card application: each reads the job's variables and calls one method of {@link ChildCards}. */
@Configuration
public class ChildCardWorkers {

  @Bean
  CaseJobHandler checkChildApplication(ChildCards childCards) {
    return new Step(JOB_CHECK, (job, cn) -> {
      ChildCards.Check found = childCards.check(cn);
      Map<String, Object> out = new HashMap<>(); // the problem may be null
      out.put(VAR_CHECKS_OK, found.ok());
      out.put(VAR_CHECKS_CONCLUSIVE, found.conclusive());
      out.put(VAR_CHECK_PROBLEM, found.problem());
      return out;
    });
  }

  @Bean
  CaseJobHandler issueChildECard(ChildCards childCards) {
    return new Step(JOB_ISSUE, (job, cn) -> Map.of("childECard", childCards.issue(cn)));
  }

  @Bean
  CaseJobHandler refuseChildCard(ChildCards childCards) {
    return new Step(JOB_REFUSE, (job, cn) -> {
      Map<String, Object> v = job.getVariablesAsMap();
      String reason = String.valueOf(Boolean.FALSE.equals(v.get(VAR_CHECKS_OK)) ? v.get(VAR_CHECK_PROBLEM)
          : v.getOrDefault(VAR_REVIEW_REASON, "not approved"));
      childCards.refuse(cn, reason);
      return Map.of();
    });
  }
}
