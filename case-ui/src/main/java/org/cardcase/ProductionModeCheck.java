package org.cardcase;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.cardcase.access.MachineAccounts;
import org.cardcase.security.ProductionSettings;
import org.cardcase.security.ProductionSettings.Finding;
import org.cardcase.security.UnsafeInstallation;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Runs once the settings are known and logging is set up, before any bean exists: nothing embedded
 * has started and no port is open. Applies the defaults that follow the mode and, in production
 * mode, refuses to start when anything of the demo is left, in the settings or in the database (a
 * superuser, demo accounts still on their published passwords). Production never uses the embedded
 * PostgreSQL, so the database is checked over the configured datasource right here. Registered in
 * META-INF/spring.factories.
 */
public class ProductionModeCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

  @Override
  public int getOrder() {
    return LoggingApplicationListener.DEFAULT_ORDER + 1;
  }

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ConfigurableEnvironment env = event.getEnvironment();
    String mode = ProductionSettings.mode(env);
    if (!ProductionSettings.defaults(mode).isEmpty()) {
      env.getPropertySources().addLast(new MapPropertySource("cardcase-mode-defaults", ProductionSettings.defaults(mode)));
    }
    if (event.getSpringApplication().getAllSources().contains(AdminCommand.Context.class) || mode.equals(ProductionSettings.DEMO)) {
      return; // the machine's own admin command is how an operator mends a refused installation
    }
    List<Finding> findings = new ArrayList<>(ProductionSettings.check(env));
    if ("external".equalsIgnoreCase(env.getProperty("cardcase.postgres.mode", "").strip())
        && !env.getProperty("spring.datasource.url", "").isBlank()) {
      findings.addAll(database(env.getProperty("spring.datasource.url"), env.getProperty("spring.datasource.username"),
          env.getProperty("spring.datasource.password")));
    }
    if (!findings.isEmpty()) {
      throw new UnsafeInstallation(findings);
    }
  }

  /** A superuser, and accounts still on their demo passwords. */
  static List<Finding> database(String url, String user, String password) {
    List<Finding> out = new ArrayList<>();
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "10");
    p.setProperty("loginTimeout", "10");
    try (Connection c = DriverManager.getConnection(url, p)) {
      try (ResultSet rs = c.createStatement().executeQuery("select rolsuper, current_user from pg_roles where rolname = current_user")) {
        if (rs.next() && rs.getBoolean(1)) {
          out.add(new Finding("spring.datasource.username", "'" + rs.getString(2) + "' is a PostgreSQL superuser: a flaw in "
              + "the application would reach every database of the server and its files",
              "connect as a user that only owns the CardCase database (create user cardcase password '…'; create database "
                  + "cardcase owner cardcase), or take the right away: alter user " + rs.getString(2) + " nosuperuser"));
        }
      }
      List<String> demo = MachineAccounts.onDemoPasswords(JdbcClient.create(new SingleConnectionDataSource(c, true)));
      if (!demo.isEmpty()) {
        out.add(new Finding("database (demo accounts)", demo.size() + " account(s) still have their published demo password "
            + "(<name>-demo): " + String.join(", ", demo),
            "disable them with ./cardcase admin retire-demo-accounts (audited), or give each a new password; create your own "
                + "administrator first with ./cardcase admin create <name>"));
      }
    } catch (SQLException | RuntimeException e) {
      out.add(new Finding("spring.datasource.url", "the database could not be checked (" + e.getMessage() + ")",
          "make PostgreSQL reachable at " + url + " with spring.datasource.username and spring.datasource.password"));
    }
    return out;
  }
}
