package org.cardcase.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.cardcase.security.ProductionSettings.Finding;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The settings a production start refuses, each with the property and the change; a safe set refuses nothing. */
class ProductionSettingsTest {

  /** Everything external with credentials, the web server on loopback: nothing to refuse. */
  static MockEnvironment safe() {
    MockEnvironment env = new MockEnvironment()
        .withProperty("cardcase.mode", "production")
        .withProperty("server.address", "127.0.0.1")
        .withProperty("cardcase.postgres.mode", "external")
        .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/cardcase")
        .withProperty("cardcase.search.mode", "external")
        .withProperty("cardcase.search.url", "https://es:9200")
        .withProperty("cardcase.search.username", "cardcase")
        .withProperty("cardcase.search.password", "secret")
        .withProperty("cardcase.engine.mode", "external")
        .withProperty("cardcase.engine.grpc-address", "https://zeebe:26500")
        .withProperty("cardcase.privacy.kek-source", "env");
    ProductionSettings.defaults("production").forEach((k, v) -> {
      if (!env.containsProperty(k)) {
        env.setProperty(k, v.toString());
      }
    });
    return env;
  }

  static List<String> where(MockEnvironment env) {
    return ProductionSettings.check(env).stream().map(Finding::where).toList();
  }

  @Test
  void aSafeProductionSetIsAcceptedAndTheDemoIsNeverRefused() {
    assertThat(ProductionSettings.check(safe())).isEmpty();
    assertThat(ProductionSettings.check(new MockEnvironment())).isEmpty();
    assertThat(ProductionSettings.mode(new MockEnvironment())).isEqualTo("demo");
  }

  @Test
  void defaultsFollowTheMode() {
    assertThat(ProductionSettings.defaults("production"))
        .containsEntry("cardcase.demo-accounts", "false").containsEntry("cardcase.simulators.enabled", "false");
    assertThat(ProductionSettings.defaults("demo")).isEmpty();
  }

  @Test
  void eachUnsafeSettingIsNamedWithItsChange() {
    assertThat(where(safe().withProperty("cardcase.demo-accounts", "true"))).containsExactly("cardcase.demo-accounts");
    assertThat(where(safe().withProperty("cardcase.simulators.enabled", "true"))).containsExactly("cardcase.simulators.enabled");
    assertThat(where(safe().withProperty("cardcase.postgres.mode", "embedded"))).containsExactly("cardcase.postgres.mode");
    assertThat(where(safe().withProperty("cardcase.search.mode", "embedded"))).containsExactly("cardcase.search.mode");
    assertThat(where(safe().withProperty("cardcase.engine.mode", "embedded"))).containsExactly("cardcase.engine.mode");
    assertThat(where(safe().withProperty("cardcase.search.password", ""))).containsExactly("cardcase.search.username");
    assertThat(where(safe().withProperty("cardcase.search.password", "").withProperty("cardcase.search.api-key", "a2V5"))).isEmpty();
    assertThat(where(safe().withProperty("cardcase.engine.grpc-address", "http://zeebe:26500")))
        .containsExactly("cardcase.engine.grpc-address");
    assertThat(where(safe().withProperty("cardcase.engine.grpc-address", "http://zeebe:26500")
        .withProperty("cardcase.engine.client-id", "cardcase").withProperty("cardcase.engine.client-secret", "s")
        .withProperty("cardcase.engine.authorization-server-url", "https://id/token"))).isEmpty();
    assertThat(where(safe().withProperty("cardcase.mode", "staging"))).containsExactly("cardcase.mode");
    assertThat(where(safe().withProperty("cardcase.privacy.kek-source", ""))).containsExactly("cardcase.privacy.kek-source");
    assertThat(where(safe().withProperty("cardcase.privacy.kek-source", "kms-simulator"))).containsExactly("cardcase.privacy.kek-source");
    Finding f = ProductionSettings.check(safe().withProperty("cardcase.demo-accounts", "true")).get(0);
    assertThat(f.fix()).contains("cardcase.demo-accounts=false");
  }

  @Test
  void theWebServerBeyondLoopbackNeedsTlsOrADeclaredProxy() {
    assertThat(where(safe().withProperty("server.address", "0.0.0.0"))).containsExactly("server.address");
    assertThat(where(safe().withProperty("server.address", ""))).containsExactly("server.address");
    assertThat(where(safe().withProperty("server.address", "localhost"))).isEmpty();
    assertThat(where(safe().withProperty("server.address", "::1"))).isEmpty();
    assertThat(where(safe().withProperty("server.address", "0.0.0.0").withProperty("server.ssl.enabled", "true")
        .withProperty("server.ssl.key-store", "file:/etc/cardcase/keystore.p12"))).isEmpty();
    assertThat(where(safe().withProperty("server.address", "0.0.0.0").withProperty("server.ssl.enabled", "true")))
        .as("TLS without a key store").containsExactly("server.address");
    assertThat(where(safe().withProperty("server.address", "0.0.0.0").withProperty("cardcase.security.tls-terminating-proxy", "true")
        .withProperty("server.forward-headers-strategy", "native"))).isEmpty();
    assertThat(where(safe().withProperty("server.address", "0.0.0.0").withProperty("cardcase.security.tls-terminating-proxy", "true")))
        .containsExactly("server.forward-headers-strategy");
  }

  @Test
  void allFindingsAreInOneMessage() {
    MockEnvironment env = new MockEnvironment().withProperty("cardcase.mode", "production");
    List<Finding> all = ProductionSettings.check(env);
    assertThat(all).extracting(Finding::where)
        .containsExactly("server.address", "cardcase.privacy.kek-source", "cardcase.postgres.mode", "cardcase.search.mode",
            "cardcase.engine.mode");
    String message = ProductionSettings.describe(all);
    assertThat(message).startsWith("CardCase refuses to start in production mode").contains("5 unsafe settings")
        .contains("cardcase.postgres.mode=external").contains("server.address=127.0.0.1");
  }
}
