package org.cardcase.infra.engine;

import io.camunda.client.CamundaClient;
import io.camunda.client.CamundaClientBuilder;
import io.camunda.client.CamundaClientConfiguration;
import io.camunda.client.impl.CamundaClientImpl;
import io.camunda.search.clients.SearchClientsProxy;
import io.camunda.security.auth.BrokerRequestAuthorizationConverter;
import io.camunda.security.configuration.SecurityConfiguration;
import io.camunda.zeebe.db.AccessMetricsConfiguration;
import io.camunda.zeebe.db.ConsistencyChecksSettings;
import io.camunda.zeebe.db.ZeebeDb;
import io.camunda.zeebe.db.impl.rocksdb.RocksDbConfiguration;
import io.camunda.zeebe.db.impl.rocksdb.ZeebeRocksDbFactory;
import io.camunda.zeebe.db.impl.rocksdb.ZeebeRocksDbFactory.SharedRocksDbResources;
import io.camunda.zeebe.engine.Engine;
import io.camunda.zeebe.engine.EngineConfiguration;
import io.camunda.zeebe.engine.processing.EngineProcessors;
import io.camunda.zeebe.engine.processing.message.command.SubscriptionCommandSender;
import io.camunda.zeebe.logstreams.log.LogStream;
import io.camunda.zeebe.process.test.api.RecordStreamSource;
import io.camunda.zeebe.process.test.engine.GatewayAssembly;
import io.camunda.zeebe.protocol.Protocol;
import io.camunda.zeebe.protocol.ZbColumnFamilies;
import io.camunda.zeebe.scheduler.ActorScheduler;
import io.camunda.zeebe.scheduler.clock.ControlledActorClock;
import io.camunda.zeebe.stream.api.StreamProcessorLifecycleAware;
import io.camunda.zeebe.stream.impl.ControllableStreamClockImpl;
import io.camunda.zeebe.stream.impl.StreamProcessor;
import io.camunda.zeebe.stream.impl.state.DbKeyGenerator;
import io.camunda.zeebe.util.FeatureFlags;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Zeebe engine inside the application: Zeebe's own stream processor and engine processors,
 * its production state store (RocksDB, on disk under {@code data/engine}) and the test engine's
 * gRPC gateway on 127.0.0.1, over a log of ours that is thread-safe and truncated once processed
 * ({@link ConcurrentLogStorage}). The engine's logic is Zeebe's; the assembly is ours.
 *
 * <p>Each start is a new <em>generation</em> with empty state: the application gives it every open
 * case back from PostgreSQL (the system of record). Keys of generation {@code g} start at
 * {@code g × 2^40}, so a key remembered from an earlier generation is never another thing's key in
 * this one: a stale job completion is refused (NOT_FOUND) instead of completing someone else's job.
 */
public class EmbeddedEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);
  private static final int PARTITION = 1;
  /** Keys per generation: 2^40 (a trillion), 2^11 generations before the partition's key space ends. */
  static final int GENERATION_SHIFT = 40;
  /** The highest generation number keys can carry: 2 047 (51-bit keys, 2^40 keys a generation). */
  public static final long LAST_GENERATION = (1L << (Protocol.KEY_BITS - GENERATION_SHIFT)) - 1;

  public record Settings(String host, int port, Path stateDir, long stateMemoryBytes, Duration truncateInterval,
      boolean keepRecords) {}

  private final Settings settings;
  /** One clock for every generation, so a test's moved time survives a replacement. */
  private final ControlledActorClock clock = new ControlledActorClock();
  private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "engine-housekeeping");
    t.setDaemon(true);
    return t;
  });
  private SharedRocksDbResources rocksResources;
  private volatile Running running;
  private volatile Consumer<String> failureListener = f -> {};
  /**
   * The in-process channels of the application's clients. While no engine runs, each call finds no
   * server and the channel backs off from reconnecting (up to two minutes); once an engine runs
   * again they are told to connect at once.
   */
  private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
  /** The stream processor's last processed position, and when it last moved (read every truncation round). */
  private volatile long processedPosition = -1;
  private volatile Instant processedMovedAt = Instant.now();

  /** One generation: everything that is thrown away when the engine is replaced. */
  private record Running(long generation, Instant startedAt, ActorScheduler scheduler, ConcurrentLogStorage storage,
      LogStream logStream, ZeebeDb<ZbColumnFamilies> db, GatewayAssembly gateway, StreamProcessor processor,
      RecordStreamSource records, Path stateDir, FailureFlag failure) {}

  private static final class FailureFlag {
    volatile String reason;
  }

  public EmbeddedEngine(Settings settings) {
    this.settings = settings;
    housekeeping.scheduleWithFixedDelay(this::truncateLog, settings.truncateInterval().toMillis(),
        settings.truncateInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Called (on an engine thread) when the running generation's stream processor dies. */
  public void onFailure(Consumer<String> listener) {
    this.failureListener = listener;
  }

  /**
   * Starts generation {@code generation} with empty state, replacing the running one if there is
   * one. Returns when the gateway accepts requests and the stream processor runs.
   */
  public synchronized void start(long generation) {
    if (generation < 1 || generation > LAST_GENERATION) {
      throw new IllegalArgumentException("engine generation out of range: " + generation);
    }
    stop();
    long t0 = System.nanoTime();
    if (rocksResources == null) {
      rocksResources = SharedRocksDbResources.allocate(settings.stateMemoryBytes());
    }
    Path dir = settings.stateDir().resolve("generation-" + generation);
    deleteStateDirectories();
    // a start that fails (the port is taken, the disk is full) leaves nothing behind: no scheduler
    // threads, no open RocksDB (whose lock would refuse the next attempt), no half-bound gateway
    ActorScheduler scheduler = null;
    LogStream logStream = null;
    ZeebeDb<ZbColumnFamilies> db = null;
    GatewayAssembly gateway = null;
    StreamProcessor processor = null;
    boolean opening = false;
    try {
      scheduler = ActorScheduler.newActorScheduler().setActorClock(clock).setSchedulerName("engine-" + generation).build();
      scheduler.start();
      ConcurrentLogStorage storage = new ConcurrentLogStorage();
      logStream = LogStream.builder().withPartitionId(PARTITION).withLogStorage(storage).withClock(clock)
          .withMeterRegistry(new SimpleMeterRegistry()).build();
      db = new ZeebeRocksDbFactory<ZbColumnFamilies>(
          new RocksDbConfiguration().setMemoryLimit(settings.stateMemoryBytes()), new ConsistencyChecksSettings(),
          new AccessMetricsConfiguration(AccessMetricsConfiguration.Kind.NONE, PARTITION), SimpleMeterRegistry::new,
          rocksResources, 1).createDb(dir.toFile());
      seedKeys(db, generation);
      gateway = GatewayAssembly.create(logStream, PARTITION, settings.host(), settings.port(), inProcessName());
      FailureFlag failure = new FailureFlag();
      processor = streamProcessor(logStream, db, scheduler, gateway, failure, generation);
      RecordStreamSource records = settings.keepRecords() ? GatewayAssembly.recordStream(logStream, PARTITION) : null;
      try {
        gateway.grpcServer().start();
        gateway.inProcessServer().start();
      } catch (IOException e) {
        throw new UncheckedIOException("engine gateway could not listen on " + settings.host() + ":" + settings.port()
            + " (" + rootMessage(e) + ")", e);
      }
      opening = true;
      processor.openAsync(false).join();
      processedPosition = -1;
      processedMovedAt = Instant.now();
      running = new Running(generation, Instant.now(), scheduler, storage, logStream, db, gateway, processor, records, dir,
          failure);
    } catch (RuntimeException | Error e) {
      log.warn("Zeebe engine generation {} did not start: {}", generation, rootMessage(e));
      discard(gateway, opening ? processor : null, logStream, scheduler, db, dir);
      throw e;
    }
    // a client that found no engine during an outage would otherwise wait out its reconnect backoff
    channels.forEach(ManagedChannel::resetConnectBackoff);
    log.info("Zeebe engine generation {} started on {}:{} (RocksDB state in {}, {} ms)", generation, settings.host(),
        settings.port(), dir, (System.nanoTime() - t0) / 1_000_000);
  }

  /** What a failed start had built, closed in reverse order; each part may be missing. */
  private void discard(GatewayAssembly gateway, StreamProcessor processor, LogStream logStream, ActorScheduler scheduler,
      ZeebeDb<ZbColumnFamilies> db, Path dir) {
    if (gateway != null) {
      quietly("gateway", () -> {
        gateway.grpcServer().shutdownNow();
        gateway.inProcessServer().shutdownNow();
      });
    }
    if (processor != null) {
      quietly("stream processor", () -> {
        if (!processor.isFailed()) {
          processor.closeAsync().join(10, TimeUnit.SECONDS);
        }
      });
    }
    if (logStream != null) {
      quietly("log stream", logStream::close);
    }
    if (scheduler != null) {
      ActorScheduler s = scheduler;
      quietly("scheduler", () -> s.stop().get(10, TimeUnit.SECONDS));
    }
    if (db != null) {
      quietly("state store", db::close);
    }
    quietly("state directory", () -> deleteTree(dir));
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** Keys of this generation start at generation × 2^40 (see the class comment). */
  private static void seedKeys(ZeebeDb<ZbColumnFamilies> db, long generation) {
    var context = db.createContext();
    context.runInTransaction(() -> new DbKeyGenerator(PARTITION, db, context)
        .setKeyIfHigher(Protocol.encodePartitionId(PARTITION, generation << GENERATION_SHIFT)));
  }

  private StreamProcessor streamProcessor(LogStream logStream, ZeebeDb<ZbColumnFamilies> db, ActorScheduler scheduler,
      GatewayAssembly gateway, FailureFlag failure, long generation) {
    SecurityConfiguration security = new SecurityConfiguration();
    security.getAuthorizations().setEnabled(false);
    return StreamProcessor.builder()
        .logStream(logStream)
        .zeebeDb(db)
        .commandResponseWriter(gateway.responseWriter())
        .partitionCommandSender(gateway.commandSender())
        .recordProcessors(List.of(new Engine(ctx -> EngineProcessors.createEngineProcessors(ctx, 1,
            new SubscriptionCommandSender(ctx.getPartitionId(), gateway.commandSender()), gateway.commandSender(),
            FeatureFlags.createDefault(), gateway.jobStreamer(), SearchClientsProxy.noop(),
            new BrokerRequestAuthorizationConverter(security)), new EngineConfiguration(), security)))
        .addLifecycleListener(new StreamProcessorLifecycleAware() {
          @Override
          public void onFailed() {
            failure.reason = "the engine's stream processor failed (generation " + generation + ")";
            log.error("{}: every job activation and command would wait in vain from now on", failure.reason);
            failureListener.accept(failure.reason);
          }
        })
        .actorSchedulingService(scheduler)
        .clock(new ControllableStreamClockImpl(clock))
        .meterRegistry(new SimpleMeterRegistry())
        .build();
  }

  /** Why the running generation cannot work any more, if it cannot; empty while it is healthy. */
  public Optional<String> failure() {
    Running r = running;
    if (r == null) {
      return Optional.of("the engine is not running");
    }
    if (r.failure().reason != null) {
      return Optional.of(r.failure().reason);
    }
    if (r.processor().isFailed() || r.processor().isClosed()) {
      return Optional.of("the engine's stream processor is " + (r.processor().isFailed() ? "failed" : "closed"));
    }
    return Optional.empty();
  }

  /**
   * When the engine last processed a record it had not processed before: a slow probe with recent
   * progress means a busy engine, not a dead one.
   */
  public Instant lastProgress() {
    return processedMovedAt;
  }

  public long generation() {
    Running r = running;
    return r == null ? 0 : r.generation();
  }

  /**
   * Breaks the running engine the way the test engine broke (its stream processor's read fails and
   * the actor dies): for fault tests and drills only.
   */
  public void injectFault() {
    Running r = running;
    if (r != null) {
      r.storage().failNextRead("fault injected: log read failed");
      // a read happens on the next record; write one so the failure comes now, not on the next request
      r.processor().onRecordAvailable();
    }
  }

  public String grpcAddress() {
    return "http://" + settings.host() + ":" + settings.port();
  }

  /** The in-process gateway's name: the same for every generation, so a client's channel finds the next one. */
  public String inProcessName() {
    return "cardcase-engine-" + settings.port();
  }

  /**
   * A client of this engine that talks to it in-process (no TCP, HTTP/2 or protobuf copies): what
   * the application uses. Configure everything else on the builder as for any client.
   */
  public CamundaClient inProcessClient(CamundaClientBuilder builder) {
    builder.grpcAddress(URI.create(grpcAddress())).preferRestOverGrpc(false)
        .restAddress(URI.create("http://127.0.0.1:1")); // this engine has no REST API
    ManagedChannel channel = InProcessChannelBuilder.forName(inProcessName())
        .maxInboundMessageSize(64 << 20).build();
    channels.add(channel);
    return new CamundaClientImpl((CamundaClientConfiguration) builder, channel);
  }

  /** Moves the engine's clock; only the in-process engine can do this (tests, demos). */
  public void increaseTime(Duration by) {
    clock.addTime(by);
  }

  /** The retained records of the running generation (kept only with {@code keepRecords}, for tests). */
  public RecordStreamSource recordStream() {
    Running r = running;
    if (r == null || r.records() == null) {
      throw new IllegalStateException("records are kept only with cardcase.engine.keep-records=true");
    }
    return r.records();
  }

  /** Size of the retained log: bounded by what is not yet processed, not by what was ever written. */
  public int retainedLogBlocks() {
    Running r = running;
    return r == null ? 0 : r.storage().retainedBlocks();
  }

  public long retainedLogBytes() {
    Running r = running;
    return r == null ? 0 : r.storage().retainedBytes();
  }

  private void truncateLog() {
    Running r = running;
    if (r == null || r.failure().reason != null) {
      return;
    }
    try {
      long processed = r.processor().getLastProcessedPositionAsync().join(5, TimeUnit.SECONDS);
      if (processed != processedPosition) {
        processedPosition = processed;
        processedMovedAt = Instant.now();
      }
      if (r.records() != null) {
        r.records().getRecords(); // tests keep every record: read them before the blocks go
      }
      if (processed > 0) {
        r.storage().truncateBelow(processed);
      }
    } catch (Exception e) {
      log.debug("log truncation skipped: {}", e.toString());
    }
  }

  /** Stops the running generation, if any, and frees its state. */
  public synchronized void stop() {
    Running r = running;
    running = null;
    if (r == null) {
      return;
    }
    quietly("gateway", () -> {
      r.gateway().grpcServer().shutdownNow();
      r.gateway().inProcessServer().shutdownNow();
      r.gateway().grpcServer().awaitTermination(5, TimeUnit.SECONDS);
      r.gateway().inProcessServer().awaitTermination(5, TimeUnit.SECONDS);
    });
    quietly("stream processor", () -> {
      if (!r.processor().isFailed()) {
        r.processor().closeAsync().join(10, TimeUnit.SECONDS);
      }
    });
    quietly("log stream", r.logStream()::close);
    quietly("scheduler", () -> r.scheduler().stop().get(10, TimeUnit.SECONDS));
    quietly("state store", r.db()::close);
    quietly("state directory", () -> deleteTree(r.stateDir()));
    log.info("Zeebe engine generation {} stopped", r.generation());
  }

  @Override
  public synchronized void close() {
    stop();
    housekeeping.shutdownNow();
    if (rocksResources != null) {
      rocksResources.close();
      rocksResources = null;
    }
  }

  /** State of an earlier run (the JVM was killed) is never reused: each generation starts empty. */
  private void deleteStateDirectories() {
    try {
      Files.createDirectories(settings.stateDir());
      try (Stream<Path> old = Files.list(settings.stateDir())) {
        for (Path p : old.toList()) {
          deleteTree(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the engine's state directory " + settings.stateDir(), e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      log.warn("stopping the engine's {}: {}", what, e.toString());
    }
  }
}
