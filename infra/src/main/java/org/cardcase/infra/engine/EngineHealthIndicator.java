package org.cardcase.infra.engine;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.Topology;
import java.time.Duration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** Reports the engine as up when its gateway answers a topology request. */
public class EngineHealthIndicator implements HealthIndicator {
  private final CamundaClient client;

  EngineHealthIndicator(CamundaClient client) {
    this.client = client;
  }

  @Override
  public Health health() {
    try {
      Topology t = client.newTopologyRequest().requestTimeout(Duration.ofSeconds(3)).send().join();
      return Health.up()
          .withDetail("brokers", t.getBrokers().size())
          .withDetail("partitions", t.getPartitionsCount())
          .withDetail("gatewayVersion", String.valueOf(t.getGatewayVersion()))
          .build();
    } catch (RuntimeException ex) {
      return Health.down(ex).build();
    }
  }
}
