package org.cardcase.api;

import java.util.List;
import java.util.Map;
import org.cardcase.flow.EngineGenerations;
import org.cardcase.flow.EngineSupervisor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The engine as supervisors and administrators see it: its state, and every start and heal. */
@RestController
public class EngineApi {
  private final EngineSupervisor supervisor;
  private final boolean faultInjection;

  public EngineApi(EngineSupervisor supervisor, @Value("${cardcase.engine.fault-injection:false}") boolean faultInjection) {
    this.supervisor = supervisor;
    this.faultInjection = faultInjection;
  }

  public record EngineReport(EngineSupervisor.Status status, List<EngineGenerations.Generation> generations) {}

  @GetMapping("/api/engine")
  EngineReport engine() {
    return new EngineReport(supervisor.status(), supervisor.history(50));
  }

  /** Replaces the in-process engine now and resumes every open case (a heal on demand). */
  @PostMapping("/api/admin/engine/replace")
  Map<String, Object> replace(Authentication user) {
    if (!supervisor.status().embedded()) {
      throw new ResponseStatusException(HttpStatus.CONFLICT, "an external engine is replaced by its operators, not by CardCase");
    }
    try {
      supervisor.replace("replaced on request by " + user.getName());
    } catch (IllegalStateException e) {
      // the engine could not be started; the supervisor keeps trying with backoff (see GET /api/engine)
      throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }
    return Map.of("generation", supervisor.status().generation());
  }

  /**
   * Breaks the in-process engine as its old crash did, for drills and the fault test. Off unless
   * {@code cardcase.engine.fault-injection=true}: a production system answers 404.
   */
  @PostMapping("/api/admin/engine/fault")
  Map<String, Object> injectFault() {
    if (!faultInjection) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "fault injection is off (cardcase.engine.fault-injection)");
    }
    long generation = supervisor.status().generation();
    supervisor.injectFault();
    return Map.of("injectedInto", generation);
  }
}
