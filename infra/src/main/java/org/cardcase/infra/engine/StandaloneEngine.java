package org.cardcase.infra.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The engine assembly as a process of its own, reached over gRPC like any external Zeebe gateway.
 * It is how the external mode is tested without a Camunda cluster (none can run on these
 * machines); it is not a production broker: its state lives as long as the process.
 *
 * <pre>java -cp cardcase.jar -Dloader.main=org.cardcase.infra.engine.StandaloneEngine \
 *   org.springframework.boot.loader.launch.PropertiesLauncher PORT STATE_DIR</pre>
 */
public final class StandaloneEngine {
  private StandaloneEngine() {}

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 26500;
    Path dir = Path.of(args.length > 1 ? args[1] : "data/standalone-engine");
    EmbeddedEngine engine = new EmbeddedEngine(new EmbeddedEngine.Settings("127.0.0.1", port, dir, 256L << 20,
        Duration.ofSeconds(1), false));
    engine.start(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      engine.close();
      stopped.countDown();
    }));
    System.out.println("standalone engine listening on " + engine.grpcAddress());
    stopped.await();
  }
}
