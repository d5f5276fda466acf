package org.cardcase.infra.engine;

import io.camunda.client.CamundaClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.util.FileSystemUtils;

/**
 * A throwaway in-process engine for trying a model out: a port of its own, a temporary directory,
 * a small state store; closing it stops the engine and deletes its files.
 */
public final class ScratchEngine implements AutoCloseable {
  private final EmbeddedEngine engine;
  private final CamundaClient client;
  private final Path dir;

  private ScratchEngine(EmbeddedEngine engine, CamundaClient client, Path dir) {
    this.engine = engine;
    this.client = client;
    this.dir = dir;
  }

  public static ScratchEngine start() {
    try {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path dir = Files.createTempDirectory("cardcase-scratch-engine");
      EmbeddedEngine engine = new EmbeddedEngine(new EmbeddedEngine.Settings("127.0.0.1", port, dir, 32L << 20,
          Duration.ofMinutes(10), false));
      engine.start(1);
      CamundaClient client = engine.inProcessClient(CamundaClient.newClientBuilder().applyEnvironmentVariableOverrides(false)
          .defaultJobWorkerStreamEnabled(true).defaultJobPollInterval(Duration.ofMillis(100)));
      return new ScratchEngine(engine, client, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("a scratch engine could not start", e);
    }
  }

  public CamundaClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    engine.close();
    FileSystemUtils.deleteRecursively(dir.toFile());
  }
}
