package org.cardcase.infra.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.TestPorts;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The embedded Elasticsearch with security on, started on a data directory that an earlier
 * version made with security off: its index is kept, anonymous requests get 401, the application's
 * user reads and writes the installation's indices only, the superuser's password comes from the
 * keystore, and a wrong password shows in the search health with what to do.
 */
class ElasticsearchSecurityTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void anEarlierDataDirectoryGetsSecurityOnItsNextStartAndKeepsItsIndex() throws Exception {
    InfraProperties props = new InfraProperties();
    props.setDataDir(Path.of("target", "es-security-test-" + System.nanoTime()).toAbsolutePath());
    props.getSearch().setPort(TestPorts.free());
    props.getSearch().setDistribution(Path.of(System.getProperty("cardcase.elasticsearch.distribution")));
    String url = "http://127.0.0.1:" + props.getSearch().getPort();

    // as the version before this one ran it: security off, a document indexed without credentials
    try (EmbeddedElasticsearch old = started(new EmbeddedElasticsearch(props, false))) {
      assertThat(send("PUT", url + "/cardcase-cases-v6/_doc/SC0001?refresh=true", null,
          "{\"caseNumber\":\"SC0001\",\"status\":\"CLOSED\"}").statusCode()).isEqualTo(201);
      assertThat(send("GET", url + "/_search", null, null).statusCode()).isEqualTo(200);
    }

    // this version on the same directory
    try (EmbeddedElasticsearch node = started(new EmbeddedElasticsearch(props))) {
      ElasticsearchUsers users = ElasticsearchUsers.of(props.getDataDir());
      Path file = ElasticsearchUsers.file(props.getDataDir());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(Files.exists(props.getDataDir().resolve("elasticsearch/config/elasticsearch.keystore"))).isTrue();

      // curl 127.0.0.1:<port>/_search without credentials: refused
      HttpResponse<String> anonymous = send("GET", url + "/_search", null, null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).doesNotContain("SC0001");
      assertThat(send("GET", url + "/_search", "Basic " + Base64.getEncoder()
          .encodeToString("cardcase:wrong".getBytes()), null).statusCode()).isEqualTo(401);

      // the superuser's password is the keystore's bootstrap password from the file
      assertThat(send("GET", url + "/_security/_authenticate", users.basic(ElasticsearchUsers.SUPERUSER), null).statusCode())
          .isEqualTo(200);

      // the application's user: the index made before the upgrade is there and readable, it writes and searches
      String app = users.basic(ElasticsearchUsers.APP);
      assertThat(node.username()).isEqualTo("cardcase");
      assertThat(send("GET", url + "/cardcase-cases-v6/_doc/SC0001", app, null).body()).contains("\"CLOSED\"");
      assertThat(send("PUT", url + "/cardcase-cases-v6/_doc/SC0002?refresh=true", app,
          "{\"caseNumber\":\"SC0002\",\"status\":\"RECEIVED\"}").statusCode()).isEqualTo(201);
      assertThat(send("GET", url + "/cardcase-cases-v6/_search?q=status:RECEIVED", app, null).body()).contains("SC0002");
      // … but nothing outside the installation's indices, and no user administration
      assertThat(send("PUT", url + "/other-index", app, null).statusCode()).isEqualTo(403);
      assertThat(send("GET", url + "/_security/user", app, null).statusCode()).isEqualTo(403);
      assertThat(send("PUT", url + "/_cluster/settings", app, "{\"persistent\":{\"cluster.routing.allocation.enable\":\"all\"}}")
          .statusCode()).isEqualTo(403);

      // the application's client (as SearchConfiguration builds it) and the search health
      SearchConfiguration conf = new SearchConfiguration();
      var rest = conf.searchRestClient(props, provider(node));
      assertThat(health(conf, rest, node).getStatus()).isEqualTo(Status.UP);
      rest.close();

      // a wrong password (an external cluster's settings): search is down and says why
      InfraProperties wrong = new InfraProperties();
      wrong.getSearch().setMode(InfraProperties.Mode.EXTERNAL);
      wrong.getSearch().setUrl(url);
      wrong.getSearch().setUsername("cardcase");
      wrong.getSearch().setPassword("not-the-password");
      var wrongRest = conf.searchRestClient(wrong, provider(null));
      Health down = health(conf, wrongRest, null);
      assertThat(down.getStatus()).isEqualTo(Status.DOWN);
      assertThat(down.getDetails().get("problem").toString()).contains("401").contains("cardcase.search.password");
      wrongRest.close();
    }

    // a restart reuses the passwords (the file unchanged) and the keystore
    String before = Files.readString(ElasticsearchUsers.file(props.getDataDir()));
    try (EmbeddedElasticsearch again = started(new EmbeddedElasticsearch(props))) {
      assertThat(Files.readString(ElasticsearchUsers.file(props.getDataDir()))).isEqualTo(before);
      assertThat(send("GET", url + "/cardcase-cases-v6/_count", ElasticsearchUsers.of(props.getDataDir())
          .basic(ElasticsearchUsers.APP), null).body()).contains("\"count\":2");
      assertThat(send("GET", url + "/_search", null, null).statusCode()).isEqualTo(401);
    }
  }

  static Health health(SearchConfiguration conf, RestClient rest, EmbeddedElasticsearch node) {
    return conf.searchHealthIndicator(conf.elasticsearchClient(rest), provider(node)).health();
  }

  static EmbeddedElasticsearch started(EmbeddedElasticsearch node) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!node.started()) {
      if (node.failed() || System.nanoTime() > deadline) {
        node.close();
        throw new AssertionError("Elasticsearch did not start; see its console.log");
      }
      Thread.sleep(300);
    }
    return node;
  }

  static HttpResponse<String> send(String method, String url, String auth, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static <T> ObjectProvider<T> provider(T value) {
    return new ObjectProvider<>() {
      @Override
      public T getObject() {
        return value;
      }

      @Override
      public T getObject(Object... args) {
        return value;
      }

      @Override
      public T getIfAvailable() {
        return value;
      }

      @Override
      public T getIfUnique() {
        return value;
      }
    };
  }
}
