package org.cardcase.infra.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.StaleProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * PostgreSQL, the system of record. Embedded by default: the real PostgreSQL 15 server binaries,
 * run from a persistent data directory. With {@code cardcase.postgres.mode=external} this class
 * steps aside and Spring Boot's {@code spring.datasource.*} settings are used.
 */
@AutoConfiguration(before = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
@EnableConfigurationProperties(InfraProperties.class)
@ConditionalOnProperty(name = "cardcase.postgres.mode", havingValue = "embedded", matchIfMissing = true)
public class PostgresConfiguration {
  private static final Logger log = LoggerFactory.getLogger(PostgresConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(InfraProperties props,
      org.springframework.beans.factory.ObjectProvider<org.cardcase.infra.search.EmbeddedElasticsearch> search)
      throws IOException {
    // Elasticsearch takes longest to start: its process is launched first so it boots while
    // PostgreSQL, the migrations and the engine start (it does not block; see EmbeddedElasticsearch)
    search.ifAvailable(es -> { });
    Path dataDir = props.getDataDir().resolve("postgres").toAbsolutePath();
    Files.createDirectories(dataDir.getParent());
    StaleProcess.stopIfRunning(dataDir.resolve("postmaster.pid"), "PostgreSQL", Duration.ofSeconds(30));
    long started = System.nanoTime();
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(props.getPostgres().getPort())
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "60")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    log.info("PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms)",
        pg.getPort(), dataDir, (System.nanoTime() - started) / 1_000_000);
    createDatabaseIfMissing(pg, props.getPostgres().getDatabase());
    return pg;
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(EmbeddedPostgres pg, InfraProperties props) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl(pg.getJdbcUrl("postgres", props.getPostgres().getDatabase()));
    ds.setPoolName("cardcase");
    ds.setMaximumPoolSize(16);
    return ds;
  }

  private static void createDatabaseIfMissing(EmbeddedPostgres pg, String database) {
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("cardcase.postgres.database must be a plain lower-case name");
    }
    try (Connection c = pg.getPostgresDatabase().getConnection();
        var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
      exists.setString(1, database);
      if (!exists.executeQuery().next()) {
        c.createStatement().execute("create database " + database);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + database, e);
    }
  }
}
