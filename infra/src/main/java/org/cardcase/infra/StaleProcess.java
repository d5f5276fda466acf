package org.cardcase.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM killed hard (kill -9, power loss of the container) leaves its child servers running and
 * holding their data directories. Before an embedded server starts we stop the one a previous run
 * left behind, found through the pid file that server wrote itself.
 */
public final class StaleProcess {
  private static final Logger log = LoggerFactory.getLogger(StaleProcess.class);

  private StaleProcess() {}

  /** Stops the process named on the first line of {@code pidFile}, if it still runs. */
  public static void stopIfRunning(Path pidFile, String what, Duration patience) {
    stop(pidFile, what, patience, true);
  }

  /**
   * Stops the process named in {@code pidFile} as part of this run's own stop (a child its launcher
   * did not take down with it): said at INFO, since nothing was left behind by anyone.
   */
  public static void stopOwn(Path pidFile, String what, Duration patience) {
    stop(pidFile, what, patience, false);
  }

  private static void stop(Path pidFile, String what, Duration patience, boolean stale) {
    Optional<ProcessHandle> handle = read(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    if (handle.isEmpty()) {
      return;
    }
    ProcessHandle p = handle.get();
    if (stale) {
      log.warn("{} left running by an earlier run (pid {}); stopping it", what, p.pid());
    } else {
      log.info("stopping {} (pid {})", what, p.pid());
    }
    p.destroy();
    long deadline = System.nanoTime() + patience.toNanos();
    while (p.isAlive() && System.nanoTime() < deadline) {
      sleep(200);
    }
    if (p.isAlive()) {
      log.warn("{} (pid {}) did not stop in {}; killing it", what, p.pid(), patience);
      p.destroyForcibly();
      while (p.isAlive()) {
        sleep(100);
      }
    }
  }

  private static Optional<Long> read(Path pidFile) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
      return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
