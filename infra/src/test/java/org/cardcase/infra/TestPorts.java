package org.cardcase.infra;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the components a test starts. Each is below the kernel's ephemeral range (32768 and
 * up), so no outgoing connection can take it between this call and the listener's bind: a port
 * from {@code new ServerSocket(0)} comes from that range and lost exactly that race in CI (the
 * engine gateway found its port in use). The port 100 above is free too (the embedded
 * Elasticsearch's transport port), and no port is handed out twice in one test JVM.
 */
public final class TestPorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private TestPorts() {}

  public static int free() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      if (bindable(port) && bindable(port + 100) && HANDED_OUT.add(port)) {
        HANDED_OUT.add(port + 100);
        return port;
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32100");
  }

  private static boolean bindable(int port) {
    if (HANDED_OUT.contains(port)) {
      return false;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
