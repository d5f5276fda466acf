package org.cardcase.infra.engine;

import io.camunda.client.CamundaClient;
import io.camunda.client.CamundaClientBuilder;
import io.camunda.client.CredentialsProvider;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.cardcase.infra.InfraProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The workflow engine client. Embedded by default (the in-process engine, started by the
 * application once it knows which generation it is); with {@code cardcase.engine.mode=external} it
 * connects to a Camunda 8 cluster instead.
 */
@AutoConfiguration
@EnableConfigurationProperties(InfraProperties.class)
public class EngineConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "cardcase.engine.mode", havingValue = "embedded", matchIfMissing = true)
  EmbeddedEngine embeddedEngine(InfraProperties props) {
    InfraProperties.Engine e = props.getEngine();
    return new EmbeddedEngine(new EmbeddedEngine.Settings("127.0.0.1", e.getPort(), props.getDataDir().resolve("engine"),
        e.getStateMemory().toBytes(), Duration.ofSeconds(1), e.isKeepRecords()));
  }

  @Bean(destroyMethod = "close")
  CamundaClient camundaClient(InfraProperties props, ObjectProvider<EmbeddedEngine> embedded) {
    InfraProperties.Engine e = props.getEngine();
    EmbeddedEngine local = embedded.getIfAvailable();
    // Job handlers wait on outside systems (the registry, the provincial centre) and on PostgreSQL:
    // on virtual threads a waiting handler costs almost nothing, so many jobs can be in flight.
    ScheduledThreadPoolExecutor handlers = new ScheduledThreadPoolExecutor(e.getJobHandlerConcurrency(),
        Thread.ofVirtual().name("job-handler-", 0).factory());
    CamundaClientBuilder b = CamundaClient.newClientBuilder()
        .applyEnvironmentVariableOverrides(false)
        .defaultRequestTimeout(e.getRequestTimeout())
        .jobWorkerExecutor(handlers, true)
        // jobs are pushed to the workers as they are created; polling is only the fallback
        .defaultJobWorkerStreamEnabled(true);
    if (local != null) {
      return local.inProcessClient(b);
    }
    if (e.getGrpcAddress() == null || e.getGrpcAddress().isBlank()) {
      throw new IllegalStateException("cardcase.engine.mode=external needs cardcase.engine.grpc-address");
    }
    b.grpcAddress(URI.create(e.getGrpcAddress())).preferRestOverGrpc(e.isPreferRestOverGrpc());
    if (e.getRestAddress() != null && !e.getRestAddress().isBlank()) {
      b.restAddress(URI.create(e.getRestAddress()));
    }
    if (e.getClientId() != null && !e.getClientId().isBlank()) {
      b.credentialsProvider(CredentialsProvider.newCredentialsProviderBuilder()
          .clientId(e.getClientId())
          .clientSecret(e.getClientSecret())
          .audience(e.getAudience())
          .authorizationServerUrl(e.getAuthorizationServerUrl())
          .build());
    }
    return b.build();
  }
}
