package org.cardcase.api;

import java.util.List;
import java.util.Map;
import org.cardcase.incidents.Incidents;
import org.cardcase.shared.FieldErrors;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Steps that failed for good: supervisors and administrators list them and act (retry the step, or
 * cancel the case with a reason); analysts may look. Roles are enforced in the security configuration.
 */
@RestController
public class IncidentApi {
  private final Incidents incidents;

  public IncidentApi(Incidents incidents) {
    this.incidents = incidents;
  }

  /** Open incidents, newest first; with {@code case}, every incident of that case, closed ones included. */
  @GetMapping("/api/incidents")
  List<Incidents.Incident> list(@RequestParam(name = "case", required = false) String caseNumber,
      @RequestParam(defaultValue = "200") int limit) {
    if (limit < 1 || limit > 1000) {
      throw FieldErrors.of("limit", "between 1 and 1000");
    }
    return caseNumber == null ? incidents.open(limit) : incidents.ofCase(caseNumber);
  }

  @PostMapping("/api/incidents/{id}/retry")
  Incidents.Outcome retry(@PathVariable long id, Authentication user) {
    return incidents.retry(id, user.getName());
  }

  public record Cancellation(String reason) {}

  @PostMapping("/api/incidents/{id}/case-cancellation")
  Incidents.Outcome cancelCase(@PathVariable long id, @RequestBody Cancellation body, Authentication user) {
    String reason = body == null ? null : body.reason();
    if (reason == null || reason.strip().length() < 5) {
      throw FieldErrors.of("reason", "say why the case is cancelled (at least 5 characters)");
    }
    return incidents.cancelCase(id, user.getName(), reason);
  }
}
