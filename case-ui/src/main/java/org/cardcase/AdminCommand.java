package org.cardcase;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cardcase.access.MachineAccounts;
import org.cardcase.access.StaffAdministration;
import org.cardcase.audit.AuditKeys;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.SealedCards;
import org.cardcase.cases.SealedCases;
import org.cardcase.documents.SealedDocuments;
import org.cardcase.family.SealedFamilyLinks;
import org.cardcase.idempotency.SealedAnswers;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.postgres.DatabaseRoles;
import org.cardcase.infra.postgres.PostgresConfiguration;
import org.cardcase.notifications.SealedNotifications;
import org.cardcase.privacy.PrivacyConfiguration;
import org.cardcase.privacy.RecordEncryption;
import org.cardcase.reissue.SealedVouchers;
import org.cardcase.shared.FieldErrors;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcClientAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code ./cardcase admin …}: what the operator of the machine does to accounts, on the database
 * the application uses, without the application (a second Spring Boot entry point in the same jar
 * with only the database, Flyway, the audit trail and the account services; no web server, engine
 * or search). With the embedded PostgreSQL it uses the running application's server when there is
 * one (found through its pid file) and otherwise starts it on the data directory for the command;
 * with {@code cardcase.postgres.mode=external} it uses {@code spring.datasource.*}. Settings are
 * read as the application reads them ({@code --name=value}, environment, application.properties).
 */
public final class AdminCommand {
  static final String USAGE = """
      usage: ./cardcase admin create <name>                 a new administrator; the password is asked twice
                                                            (or read as one line from standard input)
             ./cardcase admin unlock <name> [reason ...]    lifts a member of staff's lock (every administrator locked out)
             ./cardcase admin retire-demo-accounts          disables the demo accounts still on their published passwords
             ./cardcase admin keys status                   the record keys (KEKs) and how many values each protects
             ./cardcase admin keys rotate                   a new record key wraps new data keys (the running application
                                                            takes it within a second; the older keys still open)
             ./cardcase admin keys rewrap [--batch=500]     re-wraps every record's data key under the newest key, in
                                                            batches, while the system runs; prints how many remain
             ./cardcase admin keys retire <key id>          removes an old key once no value is under it
             any --name=value is a setting, as for ./cardcase run (e.g. --cardcase.data-dir=…)""";

  private AdminCommand() {}

  /**
   * The command's beans. Not a {@code @Configuration}, so the application's component scan of
   * org.cardcase does not take it in.
   */
  @EnableConfigurationProperties(InfraProperties.class)
  @ImportAutoConfiguration({PostgresConfiguration.class, DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
      JdbcClientAutoConfiguration.class, FlywayAutoConfiguration.class})
  @Import({AuditTrail.class, AuditKeys.class, StaffAdministration.class,
      PrivacyConfiguration.class, SealedCases.class, SealedCards.class,
      SealedVouchers.class, SealedFamilyLinks.class,
      SealedDocuments.class, SealedNotifications.class,
      SealedAnswers.class})
  static class Context {
    @Bean
    Clock clock() {
      return Clock.systemUTC();
    }

    @Bean
    MachineAccounts machineAccounts(JdbcClient jdbc, AuditTrail audit, StaffAdministration staff, Clock clock, TransactionTemplate tx) {
      return new MachineAccounts(jdbc, audit, staff, clock, tx);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    List<String> words = new ArrayList<>();
    List<String> settings = new ArrayList<>();
    for (String a : args) {
      (a.startsWith("--") ? settings : words).add(a);
    }
    String what = words.isEmpty() ? "" : words.get(0);
    if (what.equals("keys")) {
      return keys(words, settings);
    }
    boolean named = what.equals("create") || what.equals("unlock");
    if (!(named && words.size() >= 2 && (what.equals("unlock") || words.size() == 2))
        && !(what.equals("retire-demo-accounts") && words.size() == 1)) {
      System.err.println(USAGE);
      return 2;
    }
    String name = named ? words.get(1) : null;
    String osUser = System.getProperty("user.name");
    String password = null;
    if (what.equals("create")) {
      try {
        password = readPassword(name);
      } catch (IOException | IllegalStateException e) {
        System.err.println("admin create: " + e.getMessage());
        return 1;
      }
    }
    SpringApplication app = new SpringApplication(Context.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    app.setDefaultProperties(Map.of("logging.level.root", "WARN", "logging.level.org.cardcase", "WARN"));
    app.addListeners(new UseRunningPostgres());
    try (ConfigurableApplicationContext ctx = app.run(settings.toArray(String[]::new))) {
      MachineAccounts accounts = ctx.getBean(MachineAccounts.class);
      switch (what) {
        case "create" -> {
          accounts.createAdministrator(name, password, osUser);
          System.out.println("administrator " + name + " created (audited as " + MachineAccounts.actor(osUser) + ")");
        }
        case "unlock" -> {
          String reason = words.size() > 2 ? String.join(" ", words.subList(2, words.size()))
              : "emergency unlock on the machine";
          switch (accounts.unlock(name, osUser, reason)) {
            case UNLOCKED -> System.out.println(name + " unlocked (audited as " + MachineAccounts.actor(osUser) + ")");
            case NOT_LOCKED -> System.out.println(name + " is not locked; nothing changed");
            case NO_SUCH_ACCOUNT -> {
              System.err.println("admin unlock: no member of staff " + name);
              return 1;
            }
          }
        }
        default -> {
          List<String> retired = accounts.retireDemoAccounts(osUser);
          System.out.println(retired.isEmpty() ? "no demo account has its demo password any more"
              : "disabled (audited): " + String.join(", ", retired));
        }
      }
      return 0;
    } catch (FieldErrors e) {
      e.errors().forEach((field, message) -> System.err.println("admin " + what + ": " + field + ": " + message));
      return 1;
    } catch (RuntimeException e) {
      return failed("admin " + what, e);
    }
  }

  /** {@code admin keys status|rotate|rewrap|retire <id>}: the record keys of personal data at rest, audited. */
  static int keys(List<String> words, List<String> settings) {
    String sub = words.size() > 1 ? words.get(1) : "";
    boolean ok = (List.of("status", "rotate", "rewrap").contains(sub) && words.size() == 2) || (sub.equals("retire") && words.size() == 3);
    if (!ok) {
      System.err.println(USAGE);
      return 2;
    }
    int batch = 500;
    List<String> rest = new ArrayList<>();
    for (String s : settings) {
      if (s.startsWith("--batch=")) {
        batch = Integer.parseInt(s.substring("--batch=".length()));
      } else {
        rest.add(s);
      }
    }
    String actor = MachineAccounts.actor(System.getProperty("user.name"));
    SpringApplication app = new SpringApplication(Context.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    app.setDefaultProperties(Map.of("logging.level.root", "WARN", "logging.level.org.cardcase", "WARN"));
    app.addListeners(new UseRunningPostgres());
    try (ConfigurableApplicationContext ctx = app.run(rest.toArray(String[]::new))) {
      RecordEncryption records = ctx.getBean(RecordEncryption.class);
      AuditTrail audit = ctx.getBean(AuditTrail.class);
      TransactionTemplate tx =
          ctx.getBean(TransactionTemplate.class);
      var kms = records.keys();
      String subject = RecordEncryption.AUDIT_SUBJECT;
      switch (sub) {
        case "rotate" -> {
          String before = kms.currentKeyId();
          String made = records.rotate();
          tx.executeWithoutResult(s -> audit.append(subject, "rotated:" + made, actor, MachineAccounts.CHANNEL,
              "RECORD_KEY_ROTATED", Map.of("from", before, "to", made, "source", kms.describe())));
          System.out.println("new record key " + made + " in " + kms.describe() + " (audited as " + actor + "); " + records.remaining()
              + " values still under older keys: run ./cardcase admin keys rewrap");
        }
        case "rewrap" -> {
          long[] last = {-1};
          long done = records.rewrap(batch, left -> {
            if (left != last[0]) {
              System.out.println("rewrapping under " + kms.currentKeyId() + ": " + left + " remain");
              last[0] = left;
            }
          });
          long left = records.remaining();
          tx.executeWithoutResult(s -> audit.append(subject, "rewrapped:" + UUID.randomUUID(), actor, MachineAccounts.CHANNEL,
              "RECORD_KEYS_REWRAPPED", Map.of("to", kms.currentKeyId(), "rewrapped", done, "remaining", left)));
          System.out.println(done + " values rewrapped under " + kms.currentKeyId() + " (audited as " + actor + "); " + left + " remain"
              + (left == 0 ? ": the older keys can be retired (./cardcase admin keys retire <key id>)" : ""));
          return left == 0 ? 0 : 1;
        }
        case "retire" -> {
          String id = words.get(2);
          records.retire(id);
          tx.executeWithoutResult(s -> audit.append(subject, "retired:" + id, actor, MachineAccounts.CHANNEL, "RECORD_KEY_RETIRED",
              Map.of("key", id)));
          System.out.println("record key " + id + " retired from " + kms.describe() + " (audited as " + actor + ")");
        }
        default -> {
          System.out.println("record keys: " + kms.describe() + ", current " + kms.currentKeyId());
          Map<String, Long> counts = records.countsByKek();
          for (String id : kms.keyIds()) {
            System.out.println("  " + id + (id.equals(kms.currentKeyId()) ? " (current)" : "") + ": " + counts.getOrDefault(id, 0L)
                + " values");
          }
          counts.keySet().stream().filter(id -> !kms.keyIds().contains(id))
              .forEach(id -> System.out.println("  " + id + " (NOT AVAILABLE): " + counts.get(id) + " values"));
          System.out.println("plain rows of an earlier version left to encrypt: " + records.plainLeft());
        }
      }
      return 0;
    } catch (RuntimeException e) {
      return failed("admin keys " + sub, e);
    }
  }

  /** A command that failed: the innermost cause's message, exit status 1. */
  private static int failed(String command, RuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    System.err.println(command + " failed: " + root.getMessage());
    return 1;
  }

  /** Twice from the terminal without echo; from a pipe, one line (for scripts and tests). Never an argument. */
  static String readPassword(String name) throws IOException {
    Console console = System.console();
    if (console != null && isTerminal(console)) {
      char[] first = console.readPassword("Password for %s (12 to 72 characters): ", name);
      char[] again = console.readPassword("The same password again: ");
      if (first == null || again == null || !Arrays.equals(first, again)) {
        throw new IllegalStateException("the two passwords differ; nothing was changed");
      }
      return new String(first);
    }
    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (line == null) {
      throw new IllegalStateException("no password on standard input; nothing was changed");
    }
    return line;
  }

  /** Console.isTerminal (Java 22+): from Java 22 on a console exists even when standard input is a pipe. */
  private static boolean isTerminal(Console console) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /**
   * With the embedded PostgreSQL and the application running, the command uses the application's
   * server (starting a second one on the same data directory would stop the application's).
   */
  static class UseRunningPostgres implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
      ConfigurableEnvironment env = event.getEnvironment();
      if (!"embedded".equalsIgnoreCase(env.getProperty("cardcase.postgres.mode", "embedded").strip())) {
        return;
      }
      Path pidFile = Path.of(env.getProperty("cardcase.data-dir", "data")).resolve("postgres").resolve("postmaster.pid")
          .toAbsolutePath();
      List<String> lines;
      try {
        lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile) : List.of();
      } catch (IOException e) {
        lines = List.of();
      }
      boolean running = lines.size() >= 4 && lines.get(0).strip().matches("\\d+")
          && ProcessHandle.of(Long.parseLong(lines.get(0).strip())).map(ProcessHandle::isAlive).orElse(false);
      if (!running) {
        System.out.println("starting the embedded PostgreSQL on " + pidFile.getParent() + " for this command");
        return;
      }
      String port = lines.get(3).strip();
      String database = env.getProperty("cardcase.postgres.database", "cardcase");
      System.out.println("using the running application's PostgreSQL on 127.0.0.1:" + port);
      env.getPropertySources().addFirst(new MapPropertySource("cardcase-admin-running-postgres", Map.of(
          "cardcase.postgres.mode", "external",
          "spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + port + "/" + database,
          // the schema's owner (it may also run a migration the running application did not have)
          "spring.datasource.username", DatabaseRoles.OWNER,
          "spring.datasource.password", DatabaseRoles.of(
              Path.of(env.getProperty("cardcase.data-dir", "data"))).password(DatabaseRoles.OWNER))));
    }
  }
}
