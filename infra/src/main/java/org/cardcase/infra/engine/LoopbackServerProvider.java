package org.cardcase.infra.engine;

import io.grpc.ServerBuilder;
import io.grpc.ServerProvider;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/**
 * The in-process engine builds its gateway with {@code ServerBuilder.forPort}, which listens on all
 * interfaces. This provider outranks Netty's own so that the gateway listens on 127.0.0.1 only:
 * the embedded engine has no authentication and must not be reachable from the network.
 */
public class LoopbackServerProvider extends ServerProvider {

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 10; // Netty's provider has 5
  }

  @Override
  protected ServerBuilder<?> builderForPort(int port) {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
  }
}
