package org.cardcase.infra.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** Up while the cluster is green or yellow (a single node is always yellow with replicas). */
public class SearchHealthIndicator implements HealthIndicator {
  private final ElasticsearchClient client;

  SearchHealthIndicator(ElasticsearchClient client) {
    this.client = client;
  }

  @Override
  public Health health() {
    try {
      HealthResponse h = client.cluster().health();
      Health.Builder b = h.status() == HealthStatus.Red ? Health.down() : Health.up();
      return b.withDetail("cluster", h.clusterName()).withDetail("status", h.status().jsonValue())
          .withDetail("nodes", h.numberOfNodes()).build();
    } catch (Exception ex) {
      return Health.down(ex).build();
    }
  }
}
