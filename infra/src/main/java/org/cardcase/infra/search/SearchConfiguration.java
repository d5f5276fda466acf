package org.cardcase.infra.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.cardcase.infra.InfraProperties;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Elasticsearch, the search and dashboard read model. Embedded by default (a child node from the
 * official distribution); with {@code cardcase.search.mode=external} it connects to
 * {@code cardcase.search.url}.
 */
@AutoConfiguration(before = ElasticsearchRestClientAutoConfiguration.class)
@EnableConfigurationProperties(InfraProperties.class)
public class SearchConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "cardcase.search.mode", havingValue = "embedded", matchIfMissing = true)
  EmbeddedElasticsearch embeddedElasticsearch(InfraProperties props) {
    return new EmbeddedElasticsearch(props);
  }

  @Bean(destroyMethod = "close")
  RestClient searchRestClient(InfraProperties props, ObjectProvider<EmbeddedElasticsearch> embedded) {
    EmbeddedElasticsearch local = embedded.getIfAvailable();
    InfraProperties.Search s = props.getSearch();
    String url = local != null ? local.url() : s.getUrl();
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("cardcase.search.mode=external needs cardcase.search.url");
    }
    RestClientBuilder b = RestClient.builder(HttpHost.create(url));
    // embedded: the application's own user on the node (security is on); external: as configured
    String username = local != null ? local.username() : s.getUsername();
    String password = local != null ? local.password() : s.getPassword();
    if (username != null && !username.isBlank()) {
      BasicCredentialsProvider creds = new BasicCredentialsProvider();
      creds.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(username, password == null ? "" : password));
      // sent with every request, not only after a 401 challenge (no extra round trip, and the
      // answer to a wrong password is the 401 itself)
      b.setDefaultHeaders(new Header[] {new BasicHeader("Authorization",
          "Basic " + Base64.getEncoder().encodeToString((username + ":" + (password == null ? "" : password))
              .getBytes(StandardCharsets.UTF_8)))});
      b.setHttpClientConfigCallback(h -> h.setDefaultCredentialsProvider(creds));
    }
    if (local == null && s.getApiKey() != null && !s.getApiKey().isBlank()) {
      b.setDefaultHeaders(new Header[] {
          new BasicHeader("Authorization", "ApiKey " + s.getApiKey().strip())});
    }
    return b.build();
  }

  @Bean
  ElasticsearchClient elasticsearchClient(RestClient searchRestClient) {
    ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    return new ElasticsearchClient(new RestClientTransport(searchRestClient, new JacksonJsonpMapper(mapper)));
  }

  @Bean
  SearchHealthIndicator searchHealthIndicator(ElasticsearchClient client, ObjectProvider<EmbeddedElasticsearch> embedded) {
    return new SearchHealthIndicator(client, embedded.getIfAvailable());
  }
}
