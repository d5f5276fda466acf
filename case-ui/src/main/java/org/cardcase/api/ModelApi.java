package org.cardcase.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.cardcase.flow.ModelRules;
import org.cardcase.shared.FieldErrors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Checks a BPMN model (made in Camunda Desktop Modeler or by hand) against what this system needs
 * before it could be deployed: the engine's design-time validation and this system's rules, each
 * problem at its element. Analysts and administrators; nothing is stored or deployed.
 */
@RestController
public class ModelApi {
  /** Larger than any model of these processes by far; a bigger upload is refused before it is parsed. */
  static final int MAX_BYTES = 2 * 1024 * 1024;
  private final ModelRules rules;

  public ModelApi(ModelRules rules) {
    this.rules = rules;
  }

  public record Check(boolean deployable, List<ModelRules.Problem> problems) {}

  @PostMapping(value = "/api/models/check", consumes = {"application/xml", "text/xml", "application/octet-stream"})
  Check check(@RequestBody(required = false) byte[] bpmn) {
    if (bpmn == null || bpmn.length == 0) {
      throw FieldErrors.of("model", "send the .bpmn file as the request body");
    }
    if (bpmn.length > MAX_BYTES) {
      throw FieldErrors.of("model", "at most " + MAX_BYTES / 1024 + " KB");
    }
    List<ModelRules.Problem> problems = rules.check(bpmn);
    return new Check(problems.isEmpty(), problems);
  }

  /** The job types this system has workers for (what a service task may name). */
  @GetMapping("/api/models/job-types")
  Set<String> jobTypes() {
    return rules.jobTypes();
  }
}
