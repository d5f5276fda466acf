package org.cardcase.infra.engine;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what the engine's threads log as failures (errors, and warnings with an exception). */
final class EngineLogWatch implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.camunda.zeebe");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  static EngineLogWatch start() {
    EngineLogWatch w = new EngineLogWatch();
    w.appender.start();
    w.logger.addAppender(w.appender);
    return w;
  }

  List<String> failures() {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
              || (e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ")"))
          .toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
