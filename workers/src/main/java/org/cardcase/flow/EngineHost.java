package org.cardcase.flow;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Where the workflow engine runs, as the engine glue needs to know it. The application wires an
 * adapter: the in-process engine (which starts empty, can fail, and can be replaced) or an external
 * Camunda 8 cluster (which keeps its own state and is never replaced by us).
 */
public interface EngineHost {

  /** True when the engine runs inside this application: it starts with no state and can be replaced. */
  boolean embedded();

  /** Starts the engine as this generation with empty state, replacing a running one (embedded only). */
  void start(long generation);

  /** Why the engine cannot work, as far as its host knows without asking it; empty when it seems fine. */
  Optional<String> failure();

  /**
   * When the engine last made progress on its own work, if its host can tell (the in-process engine
   * can; an external one cannot). A slow probe with recent progress is a busy engine, not a dead one.
   */
  Optional<Instant> lastProgress();

  /** Told (on an engine thread, so be quick) when the engine fails by itself. */
  void onFailure(Consumer<String> listener);

  /** Breaks the running engine as a real crash would: for fault drills and tests (embedded only). */
  void injectFault();

  /** An engine inside this application, given by what its host can do (the application wires the real one). */
  static EngineHost inProcess(LongConsumer start, Supplier<Optional<String>> failure,
      Supplier<Instant> lastProgress, Consumer<Consumer<String>> onFailure,
      Runnable injectFault) {
    return new EngineHost() {
      @Override
      public boolean embedded() {
        return true;
      }

      @Override
      public void start(long generation) {
        start.accept(generation);
      }

      @Override
      public Optional<String> failure() {
        return failure.get();
      }

      @Override
      public Optional<Instant> lastProgress() {
        return Optional.of(lastProgress.get());
      }

      @Override
      public void onFailure(Consumer<String> listener) {
        onFailure.accept(listener);
      }

      @Override
      public void injectFault() {
        injectFault.run();
      }
    };
  }

  /** A Camunda 8 cluster run by someone else: it keeps its state, and only the probe can tell it is away. */
  static EngineHost external() {
    return new EngineHost() {
      @Override
      public boolean embedded() {
        return false;
      }

      @Override
      public void start(long generation) {
        throw new UnsupportedOperationException("an external engine is started by its operators");
      }

      @Override
      public Optional<String> failure() {
        return Optional.empty();
      }

      @Override
      public Optional<Instant> lastProgress() {
        return Optional.empty();
      }

      @Override
      public void onFailure(Consumer<String> listener) {
        // an external engine does not tell us; the probe finds out
      }

      @Override
      public void injectFault() {
        throw new UnsupportedOperationException("faults can be injected only into the in-process engine");
      }
    };
  }
}
