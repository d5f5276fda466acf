package org.cardcase.infra.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.StaleProcess;
import org.cardcase.infra.search.EmbeddedElasticsearch;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
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
  EmbeddedPostgres embeddedPostgres(InfraProperties props, DatabaseRoles roles,
      ObjectProvider<EmbeddedElasticsearch> search)
      throws IOException {
    // Elasticsearch takes longest to start: its process is launched first so it boots while
    // PostgreSQL, the migrations and the engine start (it does not block; see EmbeddedElasticsearch)
    search.ifAvailable(es -> { });
    Path dataDir = props.getDataDir().resolve("postgres").toAbsolutePath();
    Files.createDirectories(dataDir.getParent());
    StaleProcess.stopIfRunning(dataDir.resolve("postmaster.pid"), "PostgreSQL", Duration.ofSeconds(30));
    long started = System.nanoTime();
    String database = props.getPostgres().getDatabase();
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("cardcase.postgres.database must be a plain lower-case name");
    }
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(props.getPostgres().getPort())
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "60")
        .setServerConfig("password_encryption", "scram-sha-256")
        // the start-up check connects as the superuser: with its password once authentication is on
        .setConnectConfig("password", roles.password(DatabaseRoles.SUPERUSER))
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    try {
      roles.apply(pg.getPort(), database, dataDir);
    } catch (SQLException e) {
      pg.close();
      throw new IllegalStateException("could not set up the database roles: " + e.getMessage(), e);
    }
    log.info("PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms); the application connects as {}, migrations run as {}",
        pg.getPort(), dataDir, (System.nanoTime() - started) / 1_000_000, DatabaseRoles.APP, DatabaseRoles.OWNER);
    return pg;
  }

  @Bean
  DatabaseRoles databaseRoles(InfraProperties props) {
    return DatabaseRoles.of(props.getDataDir());
  }

  /** The application's pool: the role that reads and writes rows and owns nothing. */
  @Bean(destroyMethod = "close")
  DataSource dataSource(EmbeddedPostgres pg, InfraProperties props, DatabaseRoles roles) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + props.getPostgres().getDatabase());
    ds.setUsername(DatabaseRoles.APP);
    ds.setPassword(roles.password(DatabaseRoles.APP));
    ds.setPoolName("cardcase");
    ds.setMaximumPoolSize(16);
    return ds;
  }

  /** Migrations run as the owner of the schema, and give the application its rights on what they make. */
  @Bean
  FlywayConfigurationCustomizer ownerMigrates(EmbeddedPostgres pg, InfraProperties props,
      DatabaseRoles roles) {
    return c -> c.dataSource("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + props.getPostgres().getDatabase(),
        DatabaseRoles.OWNER, roles.password(DatabaseRoles.OWNER))
        .callbacks(new BaseCallback() {
          @Override
          public boolean supports(Event event, Context context) {
            return event == Event.AFTER_MIGRATE;
          }

          @Override
          public void handle(Event event, Context context) {
            try (Statement st = context.getConnection().createStatement()) {
              DatabaseRoles.grants(st);
            } catch (SQLException e) {
              throw new IllegalStateException("granting the application's rights: " + e.getMessage(), e);
            }
          }
        });
  }
}
