package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape the README's module map draws, checked on the compiled classes and on the SQL in the
 * sources: a package imports only packages of lower layers, the screens and the API call services
 * only, the domain does not know how components start, and each table is read and written by its
 * owner alone.
 */
class ArchitectureTest {
  /** Layers, bottom first. A package may use packages of lower layers only (not its siblings). */
  static final List<Set<String>> LAYERS = List.of(
      Set.of("shared", "processes", "forms"),
      Set.of("audit", "privacy"),
      Set.of("calendar", "access", "documents", "notifications", "assertions", "idempotency"),
      Set.of("flow"),
      Set.of("models"),
      Set.of("cases"),
      Set.of("cards"),
      Set.of("deadlines"),
      Set.of("tasks"),
      Set.of("verification", "production", "loss", "search", "casefile", "incidents", "trial", "retention"),
      Set.of("supervision", "forecast"),
      Set.of("application", "family", "reissue"),
      Set.of("childcard", "citizencopy"),
      Set.of("counter"),
      Set.of("simulators"),
      Set.of("infra"),
      Set.of("", "api", "ui", "security"));
  static final Set<String> APPLICATION = Set.of("", "api", "ui", "security");

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.cardcase");
  }

  /** The first segment under org.cardcase ("" for the root package). */
  static String packageOf(JavaClass c) {
    String rest = c.getPackageName().equals("org.cardcase") ? "" : c.getPackageName().substring("org.cardcase.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  static int layer(String pkg) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(pkg)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void everyPackageHasALayer() {
    Set<String> unknown = new TreeSet<>();
    for (JavaClass c : classes) {
      if (c.getPackageName().startsWith("org.cardcase") && layer(packageOf(c)) < 0) {
        unknown.add(packageOf(c));
      }
    }
    assertThat(unknown).as("packages missing from the layer map (add them here and to the README's module map)").isEmpty();
    // the map covers what the build compiled: the check below is not vacuous
    assertThat(classes.stream().map(ArchitectureTest::packageOf).distinct().count()).isGreaterThan(20);
  }

  @Test
  void packagesImportOnlyLowerLayers() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      String from = packageOf(c);
      c.getDirectDependenciesFromSelf().forEach(d -> {
        JavaClass target = d.getTargetClass();
        if (!target.getPackageName().startsWith("org.cardcase")) {
          return;
        }
        String to = packageOf(target);
        if (!to.equals(from) && !(APPLICATION.contains(from) && APPLICATION.contains(to)) && layer(to) >= layer(from)) {
          violations.add(c.getName() + " (" + from + ") -> " + target.getName() + " (" + to + ")");
        }
      });
    }
    assertThat(violations.stream().distinct().toList()).as("imports of a package in the same or a higher layer").isEmpty();
  }

  @Test
  void screensAndApiCallServicesOnly() {
    Set<String> forbidden = Set.of("org.springframework.jdbc.core.simple.JdbcClient", "org.springframework.jdbc.core.JdbcTemplate",
        "org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate",
        "org.springframework.transaction.support.TransactionTemplate", "javax.sql.DataSource");
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      String pkg = packageOf(c);
      if (!Set.of("api", "ui", "security").contains(pkg)) {
        continue;
      }
      c.getDirectDependenciesFromSelf().forEach(d -> {
        String t = d.getTargetClass().getName();
        if (forbidden.contains(t) || t.startsWith("io.camunda.")) {
          violations.add(c.getName() + " uses " + t);
        }
      });
      for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
        if (call.getTargetOwner().getName().equals("org.cardcase.audit.AuditTrail") && call.getName().equals("append")) {
          violations.add(c.getName() + " writes the audit trail itself");
        }
      }
    }
    assertThat(violations.stream().distinct().toList()).isEmpty();
  }

  /**
   * The screens and the API go through the domain services ({@code Cases}, {@code TaskQueue},
   * {@code Calendars}), never the stores behind them, nor the stores' own nested types: a rule a
   * service keeps (a check, an audit entry, an event) cannot be skipped by a screen.
   */
  @Test
  void screensAndApiReachNoStoreBehindAService() {
    Set<String> stores = Set.of("org.cardcase.cases.CaseRepository", "org.cardcase.tasks.TaskStore",
        "org.cardcase.calendar.CalendarStore");
    List<String> violations = new ArrayList<>();
    int checked = 0;
    for (JavaClass c : classes) {
      if (!Set.of("api", "ui").contains(packageOf(c))) {
        continue;
      }
      checked++;
      c.getDirectDependenciesFromSelf().forEach(d -> {
        String t = d.getTargetClass().getName();
        String outer = t.contains("$") ? t.substring(0, t.indexOf('$')) : t;
        if (stores.contains(outer)) {
          violations.add(c.getName() + " -> " + t);
        }
      });
    }
    assertThat(checked).as("the screens and the API were compiled and imported").isGreaterThan(20);
    assertThat(violations.stream().distinct().sorted().toList()).as("screens or API reaching a store directly").isEmpty();
  }

  /**
   * A step's worker reads the job's variables, calls one method of its domain service and returns
   * variables: the transaction, the audit entry and the SQL live in that service, where the rules
   * can be tested without the engine.
   */
  @Test
  void workersHoldNoTransactionsNoSqlAndNoAuditWrites() {
    List<String> workers = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      if (!c.getSimpleName().endsWith("Workers")) {
        continue;
      }
      workers.add(c.getName());
      c.getDirectDependenciesFromSelf().forEach(d -> {
        String t = d.getTargetClass().getName();
        if (forbiddenInWorkers(t)) {
          violations.add(c.getName() + " uses " + t);
        }
      });
      c.getMethods().forEach(m -> m.getAnnotations().forEach(a -> {
        if (forbiddenInWorkers(a.getRawType().getName())) {
          violations.add(c.getName() + "." + m.getName() + " is annotated " + a.getRawType().getSimpleName());
        }
      }));
    }
    assertThat(violations.stream().distinct().sorted().toList()).isEmpty();
    // the rule sees the step classes and what they call
    assertThat(workers).contains("org.cardcase.application.ApplicationWorkers", "org.cardcase.family.FamilyWorkers",
        "org.cardcase.flow.JobWorkers").hasSizeGreaterThanOrEqualTo(8);
    assertThat(classes.get("org.cardcase.family.FamilyWorkers").getDirectDependenciesFromSelf().stream()
        .anyMatch(d -> d.getTargetClass().getName().equals("org.cardcase.family.FamilyBindings"))).isTrue();
  }

  static boolean forbiddenInWorkers(String type) {
    return type.startsWith("java.sql.") || type.startsWith("javax.sql.") || type.startsWith("org.springframework.jdbc.")
        || type.startsWith("org.springframework.transaction.") || type.startsWith("jakarta.transaction.")
        || type.equals("org.cardcase.audit.AuditTrail");
  }

  /**
   * The overloads that believe how a citizen was authenticated are for this system's own readers
   * in process (the terminal's card reader, the counter's swiped card); the channel API proves it
   * with a verified citizen assertion instead, and never calls them.
   */
  /** One transaction style: explicit TransactionTemplate blocks, which also hold when a class is made with new. */
  @Test
  void transactionsAreTemplateBlocksNotAnnotations() {
    List<String> annotated = new ArrayList<>();
    for (JavaClass c : classes) {
      if (c.isAnnotatedWith(TRANSACTIONAL)) {
        annotated.add(c.getName());
      }
      c.getMethods().stream().filter(m -> m.isAnnotatedWith(TRANSACTIONAL)).forEach(m -> annotated.add(m.getFullName()));
    }
    assertThat(annotated).as("@Transactional in the application's code").isEmpty();
    assertThat(classes.contain("org.cardcase.access.StaffAdministration")).as("the scan sees the domain").isTrue();
  }

  static final String TRANSACTIONAL = "org.springframework.transaction.annotation.Transactional";

  @Test
  void theApiNeverBelievesAClaimOfHowTheCitizenWasAuthenticated() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      if (!packageOf(c).equals("api")) {
        continue;
      }
      for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
        String owner = call.getTargetOwner().getName();
        List<String> params = call.getTarget().getRawParameterTypes().stream().map(JavaClass::getName).toList();
        boolean claimed = owner.equals("org.cardcase.cards.MedicalInsuranceNumbers") && call.getName().equals("lookup")
            && params.equals(List.of("java.lang.String", "java.lang.String", "java.lang.String"))
            || owner.equals("org.cardcase.family.FamilyBindings") && call.getName().equals("request") && params.size() == 2
            || owner.equals("org.cardcase.assertions.CitizenAssertions") && call.getName().equals("inPerson");
        if (claimed) {
          violations.add(c.getName() + " calls " + owner + "." + call.getName() + params);
        }
      }
    }
    assertThat(violations).isEmpty();
    // the rule sees calls: the API does call the services it guards
    assertThat(classes.get("org.cardcase.api.ProgressApi").getMethodCallsFromSelf().stream()
        .anyMatch(m -> m.getTargetOwner().getName().equals("org.cardcase.assertions.CitizenAssertions"))).isTrue();
  }

  @Test
  void theDomainDoesNotKnowHowComponentsStart() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      int l = layer(packageOf(c));
      if (l >= 0 && l < layer("infra")) {
        c.getDirectDependenciesFromSelf().stream().filter(d -> d.getTargetClass().getPackageName().startsWith("org.cardcase.infra"))
            .forEach(d -> violations.add(c.getName() + " -> " + d.getTargetClass().getName()));
      }
    }
    assertThat(violations.stream().distinct().toList()).isEmpty();
  }

  // ---- tables and their owners ----

  static final Pattern SQL_TABLE = Pattern.compile("(?i)\\b(?:from|join|into|update|table)\\s+([a-z_][a-z0-9_]*)\\b");
  static final Pattern CREATE_TABLE = Pattern.compile("(?i)create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?([a-z_][a-z0-9_]*)");

  static Map<String, String> owners() throws IOException {
    Properties p = new Properties();
    try (InputStream in = ArchitectureTest.class.getResourceAsStream("/db/table-owners.properties")) {
      assertThat(in).as("db/table-owners.properties on the class path").isNotNull();
      p.load(in);
    }
    Map<String, String> m = new TreeMap<>();
    p.forEach((k, v) -> m.put(k.toString(), v.toString()));
    return m;
  }

  /** Tables named in SQL of a source file of {@code pkg} that another package owns. */
  static List<String> foreignTables(String pkg, String source, Map<String, String> owners) {
    List<String> out = new ArrayList<>();
    Matcher m = SQL_TABLE.matcher(source);
    while (m.find()) {
      String table = m.group(1).toLowerCase();
      String owner = owners.get(table);
      if (owner != null && !owner.equals(pkg)) {
        out.add(table + " (owned by " + owner + ")");
      }
    }
    return out;
  }

  @Test
  void everyTableHasAnOwner() throws IOException {
    Map<String, String> owners = owners();
    Set<String> created = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("..", "workers", "src", "main", "resources", "db", "migration"))) {
      for (Path f : files.toList()) {
        Matcher m = CREATE_TABLE.matcher(Files.readString(f));
        while (m.find()) {
          created.add(m.group(1).toLowerCase());
        }
      }
    }
    assertThat(created).hasSizeGreaterThan(20);
    assertThat(owners.keySet()).containsAll(created);
    owners.values().forEach(o -> assertThat(layer(o)).as("owner %s is a known package", o).isGreaterThanOrEqualTo(0));
  }

  @Test
  void eachPackageReadsAndWritesOnlyItsOwnTables() throws IOException {
    Map<String, String> owners = owners();
    List<String> violations = new ArrayList<>();
    for (Path root : List.of(Path.of("..", "workers", "src", "main", "java", "org", "cardcase"),
        Path.of("src", "main", "java", "org", "cardcase"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Path rel = root.relativize(f);
          String pkg = rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
          foreignTables(pkg, Files.readString(f), owners).forEach(t -> violations.add(rel + ": " + t));
        }
      }
    }
    assertThat(violations.stream().distinct().toList()).isEmpty();
  }

  @Test
  void theScanSeesAForeignTable() throws IOException {
    // the scanner itself: a task package statement that updates cases' table is caught
    assertThat(foreignTables("tasks", "jdbc.sql(\"update card_case set status = ?\")", owners()))
        .containsExactly("card_case (owned by cases)");
    assertThat(foreignTables("cases", "jdbc.sql(\"select * from card_case where case_number = ?\")", owners())).isEmpty();
  }
  static final Pattern README_LAYER = Pattern.compile("^\\s*(\\d+)\\s{2}(.*)$");
  static final Pattern README_PACKAGES_END = Pattern.compile("\\s{2}|\\(");

  /** The layer block of the README's module map: the same layers, packages and table owners as the code. */
  @Test
  void theReadmesLayersAreTheCodes() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int heading = readme.indexOf("### Layers of `workers`");
    assertThat(heading).as("the README's layer section").isGreaterThan(0);
    int open = readme.indexOf("```\n", heading) + 4;
    String block = readme.substring(open, readme.indexOf("```", open));
    Map<Integer, Set<String>> packages = new TreeMap<>();
    Map<Integer, StringBuilder> text = new TreeMap<>();
    int current = -1;
    for (String line : block.split("\n")) {
      Matcher m = README_LAYER.matcher(line);
      if (m.matches()) {
        current = Integer.parseInt(m.group(1));
        String rest = m.group(2);
        Matcher end = README_PACKAGES_END.matcher(rest);
        int cut = end.find() ? end.start() : rest.length();
        packages.put(current, new TreeSet<>(List.of(rest.substring(0, cut).trim().split("\\s*·\\s*"))));
        text.put(current, new StringBuilder(rest.substring(cut)));
      } else if (current >= 0 && line.matches(".*[a-z].*")) { // a continuation; the rule line has no letter
        text.get(current).append(' ').append(line.trim());
      }
    }
    Map<Integer, Set<String>> code = new TreeMap<>();
    for (int i = 0; i < LAYERS.size(); i++) {
      Set<String> named = new TreeSet<>(LAYERS.get(i));
      named.remove("");
      code.put(i, named);
    }
    assertThat(packages).as("layers and their packages, README against ArchitectureTest.LAYERS").isEqualTo(code);
    // tables: each named at its owner's layer, and every owned table named
    Map<String, String> owners = owners();
    Set<String> named = new TreeSet<>();
    List<String> misplaced = new ArrayList<>();
    text.forEach((layer, t) -> {
      String tables = t.toString().replaceAll("\\([^)]*\\)", " ");
      for (String table : tables.split("[\\s,·]+")) {
        if (!table.isEmpty()) {
          named.add(table);
          if (!packages.get(layer).contains(owners.get(table))) {
            misplaced.add(table + " at layer " + layer + " (owned by " + owners.get(table) + ")");
          }
        }
      }
    });
    assertThat(misplaced).isEmpty();
    assertThat(named).as("every table in the README's block").containsAll(owners.keySet());
  }
}
