package org.cardcase.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.env.PropertyResolver;

/**
 * The two ways CardCase runs. {@code demo} (the default, {@code ./cardcase run}) starts everything
 * embedded on 127.0.0.1 with demo accounts and simulators. {@code production}
 * ({@code cardcase.mode=production}, env {@code CARDCASE_MODE}) only starts when nothing of the demo
 * is left: this class lists what is unsafe in the settings, each finding with the property and what
 * to change.
 */
public final class ProductionSettings {
  public static final String MODE = "cardcase.mode";
  public static final String DEMO = "demo";
  public static final String PRODUCTION = "production";

  private ProductionSettings() {}

  /** One unsafe thing: where it is (a property, or the database), what is wrong, what to change. */
  public record Finding(String where, String problem, String fix) {}

  /** The mode the settings ask for, lower case; {@code demo} when unset. */
  public static String mode(PropertyResolver env) {
    return env.getProperty(MODE, DEMO).strip().toLowerCase(Locale.ROOT);
  }

  /** Defaults that follow the mode: in production no demo accounts and no simulators unless asked for (and then refused). */
  public static Map<String, Object> defaults(String mode) {
    return PRODUCTION.equals(mode) ? Map.of("cardcase.demo-accounts", "false", "cardcase.simulators.enabled", "false") : Map.of();
  }

  /** What in the settings keeps a production start from being safe; empty when nothing does (and always in the demo). */
  public static List<Finding> check(PropertyResolver env) {
    List<Finding> out = new ArrayList<>();
    String mode = mode(env);
    if (!mode.equals(DEMO) && !mode.equals(PRODUCTION)) {
      out.add(new Finding(MODE, "is '" + mode + "', which is neither demo nor production",
          "set cardcase.mode=production (or demo to try CardCase on this machine)"));
      return out;
    }
    if (mode.equals(DEMO)) {
      return out; // the demo is what it says in its header
    }
    if (flag(env, "cardcase.demo-accounts", false)) {
      out.add(new Finding("cardcase.demo-accounts", "is true: accounts with published passwords (admin/admin-demo, …) would be created",
          "remove it or set cardcase.demo-accounts=false (the default in production); create the first administrator with "
              + "./cardcase admin create <name>"));
    }
    if (flag(env, "cardcase.simulators.enabled", false)) {
      out.add(new Finding("cardcase.simulators.enabled", "is true: the population registry, card centre, banks, SMS and "
          + "insurance are simulated, so cases would be decided on invented answers",
          "remove it or set cardcase.simulators.enabled=false (the default in production) and provide the real adapters"));
    }
    web(env, out);
    String keys = env.getProperty("cardcase.privacy.kek-source", "").strip().toLowerCase(Locale.ROOT);
    if (keys.isEmpty() || keys.equals("kms-simulator")) {
      out.add(new Finding("cardcase.privacy.kek-source", keys.isEmpty()
          ? "is not set: personal data at rest would be encrypted with a key file made on this machine, next to the database"
          : "is the KMS simulator",
          "set cardcase.privacy.kek-source=file with cardcase.privacy.kek-file (a key file kept and backed up apart from the "
              + "database), env with the keys in CARDCASE_RECORD_KEYS, or a real KMS adapter (README: Security, personal data at rest)"));
    }
    for (String component : List.of("postgres", "search", "engine")) {
      String key = "cardcase." + component + ".mode";
      if (!"external".equalsIgnoreCase(env.getProperty(key, "embedded").strip())) {
        out.add(new Finding(key, "is embedded: " + EMBEDDED.get(component),
            "set " + key + "=external with " + EXTERNAL.get(component) + " (README: Pointing at external servers)"));
      }
    }
    if (external(env, "postgres") && blank(env.getProperty("spring.datasource.url"))) {
      out.add(new Finding("spring.datasource.url", "is not set", "set spring.datasource.url=jdbc:postgresql://host:5432/cardcase, "
          + "spring.datasource.username and spring.datasource.password"));
    }
    if (external(env, "search")) {
      boolean basic = !blank(env.getProperty("cardcase.search.username")) && !blank(env.getProperty("cardcase.search.password"));
      if (!basic && blank(env.getProperty("cardcase.search.api-key"))) {
        out.add(new Finding("cardcase.search.username", "Elasticsearch is reached without credentials (neither "
            + "cardcase.search.username and cardcase.search.password nor cardcase.search.api-key is set)",
            "enable security on the cluster and set cardcase.search.username and cardcase.search.password, or "
                + "cardcase.search.api-key (an encoded API key), for a user that may use only the cardcase-* indices"));
      }
    }
    if (external(env, "engine")) {
      String grpc = env.getProperty("cardcase.engine.grpc-address", "").strip();
      boolean oauth = !blank(env.getProperty("cardcase.engine.client-id"));
      if (grpc.isEmpty()) {
        out.add(new Finding("cardcase.engine.grpc-address", "is not set", "set cardcase.engine.grpc-address=https://zeebe.example.org:26500"));
      } else if (grpc.toLowerCase(Locale.ROOT).startsWith("http://") && !oauth) {
        out.add(new Finding("cardcase.engine.grpc-address", "is plaintext (" + grpc + ") and no OAuth client is set: anyone "
            + "who reaches the gateway can start, complete and cancel process instances",
            "use the gateway's TLS address (https://…) and set cardcase.engine.client-id, cardcase.engine.client-secret, "
                + "cardcase.engine.authorization-server-url and cardcase.engine.audience"));
      }
      if (oauth && (blank(env.getProperty("cardcase.engine.client-secret"))
          || blank(env.getProperty("cardcase.engine.authorization-server-url")))) {
        out.add(new Finding("cardcase.engine.client-secret", "cardcase.engine.client-id is set without "
            + "cardcase.engine.client-secret or cardcase.engine.authorization-server-url",
            "set cardcase.engine.client-secret and cardcase.engine.authorization-server-url as well"));
      }
    }
    return out;
  }

  private static final Map<String, String> EMBEDDED = Map.of(
      "postgres", "this application starts PostgreSQL itself on its data directory (no replica, no backup, nobody to run it)",
      "search", "this application starts Elasticsearch itself: one node on this machine, plain HTTP on loopback, no replica, no snapshots",
      "engine", "the workflow engine runs inside this JVM, one partition, not replicated (and its Camunda licence covers "
          + "non-production use only)");
  private static final Map<String, String> EXTERNAL = Map.of(
      "postgres", "spring.datasource.url, spring.datasource.username and spring.datasource.password",
      "search", "cardcase.search.url and its credentials",
      "engine", "cardcase.engine.grpc-address and the cluster's OAuth client (cardcase.engine.client-id, …)");

  /** The web server: on loopback only, or with TLS, or behind a proxy that terminates TLS. */
  private static void web(PropertyResolver env, List<Finding> out) {
    String address = env.getProperty("server.address", "").strip();
    if (loopback(address)) {
      return;
    }
    boolean tls = flag(env, "server.ssl.enabled", false)
        && (!blank(env.getProperty("server.ssl.key-store")) || !blank(env.getProperty("server.ssl.bundle"))
            || !blank(env.getProperty("server.ssl.certificate")));
    if (tls) {
      return;
    }
    boolean proxy = flag(env, "cardcase.security.tls-terminating-proxy", false);
    String forwarded = env.getProperty("server.forward-headers-strategy", "none").strip().toLowerCase(Locale.ROOT);
    if (proxy && (forwarded.equals("native") || forwarded.equals("framework"))) {
      return;
    }
    String where = address.isEmpty() ? "every interface (server.address is empty)" : address;
    if (proxy) {
      out.add(new Finding("server.forward-headers-strategy", "cardcase.security.tls-terminating-proxy=true but the proxy's "
          + "X-Forwarded-* headers are not read, so the application does not know its requests came over https",
          "set server.forward-headers-strategy=native"));
    } else {
      out.add(new Finding("server.address", "the web server listens on " + where + " without TLS: passwords and citizens' "
          + "data would cross the network in clear",
          "set server.address=127.0.0.1 (env CARDCASE_ADDRESS) behind a proxy on this machine, or serve TLS yourself "
              + "(server.ssl.enabled=true with server.ssl.key-store or server.ssl.bundle), or declare the proxy that "
              + "terminates TLS in front of it (cardcase.security.tls-terminating-proxy=true with "
              + "server.forward-headers-strategy=native)"));
    }
  }

  static boolean loopback(String address) {
    if (address.isEmpty()) {
      return false;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(address)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean external(PropertyResolver env, String component) {
    return "external".equalsIgnoreCase(env.getProperty("cardcase." + component + ".mode", "embedded").strip());
  }

  private static boolean flag(PropertyResolver env, String key, boolean fallback) {
    return Boolean.parseBoolean(env.getProperty(key, Boolean.toString(fallback)).strip());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** The one message a refused start prints. */
  public static String describe(List<Finding> findings) {
    StringBuilder b = new StringBuilder("CardCase refuses to start in production mode (cardcase.mode=production): ")
        .append(findings.size()).append(findings.size() == 1 ? " unsafe setting" : " unsafe settings")
        .append(". Nothing has been started and nothing is served.\n");
    int i = 1;
    for (Finding f : findings) {
      b.append("\n ").append(i++).append(". ").append(f.where()).append(": ").append(f.problem()).append("\n    change: ")
          .append(f.fix()).append('\n');
    }
    return b.toString();
  }
}
