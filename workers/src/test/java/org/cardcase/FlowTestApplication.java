package org.cardcase;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
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
      return java.time.ZoneOffset.UTC;
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
  com.fasterxml.jackson.databind.ObjectMapper objectMapper() {
    return new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules();
  }

  /** Scratch engines and (below) the in-process engine, wired as the application wires them (case-ui's EngineWiring). */
  @Bean
  org.cardcase.flow.ScratchEngines scratchEngines() {
    return () -> {
      org.cardcase.infra.engine.ScratchEngine engine = org.cardcase.infra.engine.ScratchEngine.start();
      return org.cardcase.flow.ScratchEngines.Scratch.of(engine.client(), engine::close);
    };
  }

  @org.springframework.context.annotation.Bean
  org.cardcase.flow.EngineHost engineHost(org.cardcase.infra.engine.EmbeddedEngine engine) {
    return org.cardcase.flow.EngineHost.inProcess(engine::start, engine::failure, engine::lastProgress, engine::onFailure,
            engine::injectFault);
  }

  @Bean
  @Primary
  MovableClock movableClock() {
    return new MovableClock();
  }
}
