package org.cardcase.family;

import static org.cardcase.processes.FamilyBindingProcess.JOB_CHECK;
import static org.cardcase.processes.FamilyBindingProcess.JOB_LINK;
import static org.cardcase.processes.FamilyBindingProcess.JOB_REFUSE;
import static org.cardcase.processes.FamilyBindingProcess.VAR_ALLOWED;
import static org.cardcase.processes.FamilyBindingProcess.VAR_REFUSAL;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.cardcase.flow.CaseJobHandler;
import org.cardcase.flow.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The steps of a family binding: each reads the job's variables and calls one method of {@link FamilyBindings}. */
@Configuration
public class FamilyWorkers {

  @Bean
  CaseJobHandler checkFamilyBinding(FamilyBindings bindings) {
    return new Step(JOB_CHECK, (job, cn) -> {
      Optional<String> refusal = bindings.check(cn);
      Map<String, Object> out = new HashMap<>(); // no refusal: null
      out.put(VAR_ALLOWED, refusal.isEmpty());
      out.put(VAR_REFUSAL, refusal.orElse(null));
      return out;
    });
  }

  @Bean
  CaseJobHandler createFamilyLink(FamilyBindings bindings) {
    return new Step(JOB_LINK, (job, cn) -> {
      bindings.link(cn);
      return Map.of();
    });
  }

  @Bean
  CaseJobHandler refuseFamilyBinding(FamilyBindings bindings) {
    return new Step(JOB_REFUSE, (job, cn) -> {
      bindings.refuse(cn, String.valueOf(job.getVariablesAsMap().getOrDefault(VAR_REFUSAL, "not allowed")));
      return Map.of();
    });
  }
}
