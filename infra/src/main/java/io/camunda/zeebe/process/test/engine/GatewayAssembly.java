package io.camunda.zeebe.process.test.engine;

import io.camunda.zeebe.engine.processing.streamprocessor.JobStreamer;
import io.camunda.zeebe.logstreams.log.LogStream;
import io.camunda.zeebe.process.test.api.RecordStreamSource;
import io.camunda.zeebe.stream.api.CommandResponseWriter;
import io.camunda.zeebe.stream.api.InterPartitionCommandSender;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/**
 * CardCase's own code in the test engine's package, because the gRPC gateway that package offers
 * (command writer, request store, job streamer, response writer) is package-private. It only wires
 * those parts to a log stream of ours; the log storage, the state store and the stream processor
 * are assembled in {@code org.cardcase.infra.engine.EmbeddedEngine}. Nothing here is copied.
 */
public final class GatewayAssembly {
  private final Server grpcServer;
  private final Server inProcessServer;
  private final CommandResponseWriter responseWriter;
  private final InterPartitionCommandSender commandSender;
  private final JobStreamer jobStreamer;

  private GatewayAssembly(Server grpcServer, Server inProcessServer, CommandResponseWriter responseWriter,
      InterPartitionCommandSender commandSender, JobStreamer jobStreamer) {
    this.grpcServer = grpcServer;
    this.inProcessServer = inProcessServer;
    this.responseWriter = responseWriter;
    this.commandSender = commandSender;
    this.jobStreamer = jobStreamer;
  }

  /**
   * The gateway twice: on 127.0.0.1 only (the embedded engine has no authentication), for tools
   * such as a modeler; and in-process under {@code inProcessName}, for the application itself.
   */
  public static GatewayAssembly create(LogStream logStream, int partitionId, String host, int port, String inProcessName) {
    CommandWriter writer = new CommandWriter(logStream.newLogStreamWriter());
    GatewayRequestStore requests = new GatewayRequestStore();
    InMemoryJobStreamer jobStreamer = new InMemoryJobStreamer(writer);
    GrpcToLogStreamGateway gateway = new GrpcToLogStreamGateway(writer, partitionId, 1, port, requests, jobStreamer);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port)).addService(gateway).build();
    Server inProcess = InProcessServerBuilder.forName(inProcessName).addService(gateway).build();
    return new GatewayAssembly(server, inProcess, new GrpcResponseWriter(gateway, requests, null), new CommandSender(writer),
        jobStreamer);
  }

  /** Every record of the log that is still retained (tests and diagnostics). */
  public static RecordStreamSource recordStream(LogStream logStream, int partitionId) {
    return new RecordStreamSourceImpl(logStream.newLogStreamReader(), partitionId);
  }

  public Server grpcServer() {
    return grpcServer;
  }

  public Server inProcessServer() {
    return inProcessServer;
  }

  public CommandResponseWriter responseWriter() {
    return responseWriter;
  }

  public InterPartitionCommandSender commandSender() {
    return commandSender;
  }

  public JobStreamer jobStreamer() {
    return jobStreamer;
  }
}
