package org.cardcase;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.cardcase.flow.EngineHost;
import org.cardcase.flow.ScratchEngines;
import org.cardcase.infra.engine.EmbeddedEngine;
import org.cardcase.infra.engine.ScratchEngine;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The workers with the real in-process engine and a real PostgreSQL, as the application runs
 * them, minus the web layer. Its clock moves with the engine's, so deadlines computed by the
 * workers and timers fired by the engine agree when a test lets time pass.
 */
@SpringBootApplication
public class FlowTestApplication {

  /** A clock that a test can move forward (together with the engine's). */
  public static class MovableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    public void advance(Duration d) {
      offset = offset.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return Clock.offset(Clock.system(zone), offset);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }

  /** The web application gets this from Spring MVC's auto-configuration; without the web layer, we make it. */
  @Bean
  ObjectMapper objectMapper() {
    return new ObjectMapper().findAndRegisterModules();
  }

  /** Scratch engines and (below) the in-process engine, wired as the application wires them (case-ui's EngineWiring). */
  @Bean
  ScratchEngines scratchEngines() {
    return () -> {
      ScratchEngine engine = ScratchEngine.start();
      return ScratchEngines.Scratch.of(engine.client(), engine::close);
    };
  }

  @Bean
  EngineHost engineHost(EmbeddedEngine engine) {
    return EngineHost.inProcess(engine::start, engine::failure, engine::lastProgress, engine::onFailure,
            engine::injectFault);
  }

  @Bean
  @Primary
  MovableClock movableClock() {
    return new MovableClock();
  }
}
