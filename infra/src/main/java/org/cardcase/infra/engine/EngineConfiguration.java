package org.cardcase.infra.engine;

import io.camunda.client.CamundaClient;
import io.camunda.client.CamundaClientBuilder;
import io.camunda.client.CredentialsProvider;
import java.net.URI;
import java.time.Duration;
import org.cardcase.infra.InfraProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The workflow engine client. Embedded by default (the in-process engine); with
 * {@code cardcase.engine.mode=external} it connects to a Camunda 8 cluster instead.
 */
@AutoConfiguration
@EnableConfigurationProperties(InfraProperties.class)
public class EngineConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "cardcase.engine.mode", havingValue = "embedded", matchIfMissing = true)
  EmbeddedEngine embeddedEngine(InfraProperties props) {
    return new EmbeddedEngine(props.getEngine().getPort());
  }

  @Bean(destroyMethod = "close")
  CamundaClient camundaClient(InfraProperties props, ObjectProvider<EmbeddedEngine> embedded) {
    InfraProperties.Engine e = props.getEngine();
    EmbeddedEngine local = embedded.getIfAvailable();
    CamundaClientBuilder b = CamundaClient.newClientBuilder()
        .defaultRequestTimeout(Duration.ofSeconds(20))
        // modest concurrency: the in-process engine is not built for many blocking workers
        .numJobWorkerExecutionThreads(2)
        .defaultJobWorkerMaxJobsActive(8);
    if (local != null) {
      b.grpcAddress(URI.create(local.grpcAddress())).preferRestOverGrpc(false)
          .restAddress(URI.create("http://127.0.0.1:1")); // the in-process engine has no REST API
    } else {
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
    }
    return b.build();
  }

  @Bean
  EngineHealthIndicator engineHealthIndicator(CamundaClient client) {
    return new EngineHealthIndicator(client);
  }
}
