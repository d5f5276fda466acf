package org.cardcase.infra;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Where each real component comes from. {@code embedded} starts it inside (or as a child of) this
 * JVM with data under {@link #dataDir}; {@code external} connects to a server you run.
 */
@ConfigurationProperties("cardcase")
public class InfraProperties {

  public enum Mode { EMBEDDED, EXTERNAL }

  /** Root of everything the embedded components keep on disk. */
  private Path dataDir = Path.of("data");
  private final Postgres postgres = new Postgres();
  private final Engine engine = new Engine();
  private final Search search = new Search();

  public Path getDataDir() { return dataDir; }
  public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
  public Postgres getPostgres() { return postgres; }
  public Engine getEngine() { return engine; }
  public Search getSearch() { return search; }

  public static class Postgres {
    private Mode mode = Mode.EMBEDDED;
    /** Port of the embedded server (loopback only). */
    private int port = 54329;
    /** Database created and used by the embedded server. */
    private String database = "cardcase";
    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getDatabase() { return database; }
    public void setDatabase(String database) { this.database = database; }
  }

  public static class Engine {
    private Mode mode = Mode.EMBEDDED;
    /** gRPC port of the in-process engine (bound to 127.0.0.1). */
    private int port = 26500;
    /** External cluster: gRPC address, e.g. http://zeebe:26500 (http = plaintext, https = TLS). */
    private String grpcAddress;
    /** External cluster: REST address, e.g. http://zeebe:8080. */
    private String restAddress;
    private boolean preferRestOverGrpc = false;
    /** External cluster with OAuth (Identity/Keycloak or SaaS); empty = no authentication. */
    private String clientId;
    private String clientSecret;
    private String authorizationServerUrl;
    private String audience;
    /** Memory of the embedded engine's state store (RocksDB block cache and write buffers). */
    private DataSize stateMemory = DataSize.ofMegabytes(256);
    /** Keep every engine record in memory for inspection (tests only: memory grows with every record). */
    private boolean keepRecords = false;
    /** Job handlers running at once (virtual threads). */
    private int jobHandlerConcurrency = 64;
    /** How long a request to the engine may take before the caller is told it did not answer. */
    private Duration requestTimeout = Duration.ofSeconds(10);
    public DataSize getStateMemory() { return stateMemory; }
    public void setStateMemory(DataSize v) { this.stateMemory = v; }
    public boolean isKeepRecords() { return keepRecords; }
    public void setKeepRecords(boolean v) { this.keepRecords = v; }
    public int getJobHandlerConcurrency() { return jobHandlerConcurrency; }
    public void setJobHandlerConcurrency(int v) { this.jobHandlerConcurrency = v; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration v) { this.requestTimeout = v; }
    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getGrpcAddress() { return grpcAddress; }
    public void setGrpcAddress(String grpcAddress) { this.grpcAddress = grpcAddress; }
    public String getRestAddress() { return restAddress; }
    public void setRestAddress(String restAddress) { this.restAddress = restAddress; }
    public boolean isPreferRestOverGrpc() { return preferRestOverGrpc; }
    public void setPreferRestOverGrpc(boolean v) { this.preferRestOverGrpc = v; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getClientSecret() { return clientSecret; }
    public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
    public String getAuthorizationServerUrl() { return authorizationServerUrl; }
    public void setAuthorizationServerUrl(String v) { this.authorizationServerUrl = v; }
    public String getAudience() { return audience; }
    public void setAudience(String audience) { this.audience = audience; }
  }

  public static class Search {
    private Mode mode = Mode.EMBEDDED;
    /** HTTP port of the embedded node (loopback only); its transport port is this + 100. */
    private int port = 9201;
    /** Unpacked official distribution used by the embedded node. */
    private Path distribution = Path.of("infra/target/elasticsearch/elasticsearch-8.19.21");
    /** Heap of the embedded node. */
    private String heap = "384m";
    /** External cluster URL, e.g. https://es.example:9200 */
    private String url;
    private String username;
    private String password;
    /** External cluster: an encoded API key (sent as {@code Authorization: ApiKey …}) instead of a user name and password. */
    private String apiKey;
    /** Prefix of every index name, so several installations can share a cluster. */
    private String indexPrefix = "cardcase";
    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public Path getDistribution() { return distribution; }
    public void setDistribution(Path distribution) { this.distribution = distribution; }
    public String getHeap() { return heap; }
    public void setHeap(String heap) { this.heap = heap; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    public String getIndexPrefix() { return indexPrefix; }
    public void setIndexPrefix(String indexPrefix) { this.indexPrefix = indexPrefix; }
  }
}
