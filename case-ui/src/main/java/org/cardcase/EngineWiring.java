package org.cardcase;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.flow.EngineHost;
import org.cardcase.flow.EngineSupervisor;
import org.cardcase.flow.ScratchEngines;
import org.cardcase.infra.engine.EmbeddedEngine;
import org.cardcase.infra.engine.ScratchEngine;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Connects the engine glue (workers) to the engine this application runs with (infra): the
 * in-process engine when there is one, an external cluster otherwise. Also the engine's health,
 * which says what the supervisor found by doing real work, not whether a port answers.
 */
@Configuration
public class EngineWiring {

  @Bean
  EngineHost engineHost(ObjectProvider<EmbeddedEngine> embedded) {
    EmbeddedEngine engine = embedded.getIfAvailable();
    return engine == null ? EngineHost.external()
        : EngineHost.inProcess(engine::start, engine::failure, engine::lastProgress, engine::onFailure,
            engine::injectFault);
  }

  /** Scratch engines for trying a draft on recent cases: in-process engines of their own, gone after the try. */
  @Bean
  ScratchEngines scratchEngines() {
    return () -> {
      ScratchEngine engine = ScratchEngine.start();
      return ScratchEngines.Scratch.of(engine.client(), engine::close);
    };
  }

  /** Component {@code engine} of /actuator/health (and of readiness): DOWN while the engine cannot work. */
  @Bean
  HealthIndicator engineHealthIndicator(EngineSupervisor supervisor) {
    return () -> {
      EngineSupervisor.Status s = supervisor.status();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("state", s.state().name());
      d.put("mode", s.embedded() ? "embedded" : "external");
      if (s.embedded()) {
        d.put("generation", s.generation());
        d.put("heals", s.heals());
        // the key layout allows 2 047 generations: said early, long before they run out
        d.put("generationsLeft", EngineSupervisor.generationsLeft(s.generation()));
        String low = EngineSupervisor.generationWarning(s.generation());
        if (low != null) {
          d.put("generationWarning", low);
        }
      }
      d.put("since", s.since().toString());
      if (s.reason() != null) {
        d.put("reason", s.reason());
      }
      if (s.lastProbeOk() != null) {
        d.put("lastProbeOk", s.lastProbeOk().toString());
      }
      if (s.lastProbeMillis() != null) {
        d.put("lastProbeMillis", s.lastProbeMillis());
      }
      if (s.failedAttempts() > 0) {
        // a heal (or the start) under way that has not succeeded yet: one at a time, with backoff
        d.put("failedAttempts", s.failedAttempts());
        d.put("lastError", s.lastAttemptError());
        if (s.nextAttemptAt() != null) {
          d.put("nextAttemptAt", s.nextAttemptAt().toString());
        }
      }
      d.put("resuming", s.resuming());
      if (s.resuming() || s.toResume() > 0) {
        d.put("casesToResume", s.toResume());
        d.put("casesResumed", s.resumed());
        d.put("resumeFailures", s.resumeFailures());
      }
      return (s.serving() ? Health.up() : Health.down()).withDetails(d).build();
    };
  }
}
