package org.cardcase.infra.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import co.elastic.clients.transport.TransportException;
import org.elasticsearch.client.ResponseException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Up while the cluster is green or yellow (a single node is always yellow with replicas). Down
 * with a {@code problem} that says what to do when Elasticsearch refuses the application's
 * credentials (401) or its user may not read the cluster's health (403).
 */
public class SearchHealthIndicator implements HealthIndicator {
  private final ElasticsearchClient client;
  private final EmbeddedElasticsearch embedded;

  SearchHealthIndicator(ElasticsearchClient client, EmbeddedElasticsearch embedded) {
    this.client = client;
    this.embedded = embedded;
  }

  @Override
  public Health health() {
    if (embedded != null && !embedded.started()) {
      return Health.down().withDetail("problem", "the embedded Elasticsearch is starting (or did not start: see the log)").build();
    }
    try {
      HealthResponse h = client.cluster().health();
      Health.Builder b = h.status() == HealthStatus.Red ? Health.down() : Health.up();
      return b.withDetail("cluster", h.clusterName()).withDetail("status", h.status().jsonValue())
          .withDetail("nodes", h.numberOfNodes()).build();
    } catch (Exception ex) {
      int status = statusOf(ex);
      if (status == 401) {
        return Health.down().withDetail("problem", "Elasticsearch refused the application's credentials (401 Unauthorized): "
            + (embedded != null ? "the password in keys/elasticsearch.passwords is not the node's"
                : "check cardcase.search.username and cardcase.search.password (or cardcase.search.api-key)"))
            .withDetail("status", 401).build();
      }
      if (status == 403) {
        return Health.down().withDetail("problem", "Elasticsearch's user for this application may not read the cluster's "
            + "health (403 Forbidden): give its role the cluster privilege monitor").withDetail("status", 403).build();
      }
      return Health.down(ex).build();
    }
  }

  /** The HTTP status of a refused request, wherever the client put it; 0 if none. */
  static int statusOf(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof ResponseException r) {
        return r.getResponse().getStatusLine().getStatusCode();
      }
      if (t instanceof TransportException te && te.statusCode() > 0) {
        return te.statusCode();
      }
      if (t instanceof co.elastic.clients.elasticsearch._types.ElasticsearchException ee) {
        return ee.status();
      }
    }
    return 0;
  }
}
