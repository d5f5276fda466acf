package org.cardcase.infra.engine;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.engine.EngineFactory;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Zeebe stream processor, in process, with an in-memory log and a gRPC gateway on
 * 127.0.0.1. It forgets everything when the JVM stops: the application resumes open cases from
 * PostgreSQL (see the workers' recovery).
 */
public class EmbeddedEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);
  private final ZeebeTestEngine engine;
  private final int port;

  public EmbeddedEngine(int port) {
    long started = System.nanoTime();
    this.port = port;
    this.engine = EngineFactory.create(port);
    engine.start();
    log.info("Zeebe engine (in-process, in-memory) started on 127.0.0.1:{} ({} ms)",
        port, (System.nanoTime() - started) / 1_000_000);
  }

  public String grpcAddress() {
    return "http://127.0.0.1:" + port;
  }

  /** Moves the engine's clock; only the in-process engine can do this (tests, demos). */
  public void increaseTime(Duration by) {
    engine.increaseTime(by);
  }

  /** Everything the engine recorded (incidents, timers, ...): for tests and diagnostics. */
  public io.camunda.zeebe.process.test.api.RecordStreamSource recordStream() {
    return engine.getRecordStreamSource();
  }

  @Override
  public void close() {
    engine.stop();
  }
}
