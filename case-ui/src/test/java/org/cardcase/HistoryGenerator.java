package org.cardcase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.cardcase.audit.AuditKeys;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.shared.CheckDigits;
import org.postgresql.PGConnection;

/**
 * A realistic history in a fresh data directory, so the supervisors' screens and the breach
 * forecast can be judged on more than a handful of cases: {@code n} finished cases of every
 * process over the 2025–2026 calendar written straight to PostgreSQL (case, the steps it stayed
 * at and for how long in working days, its clerk tasks with their deadlines, its deadlines, a
 * hash-chained audit trail that verifies, its card) and queued for the search index, which the
 * application's own indexer then fills; plus open card applications started by the engine at their
 * wait states (at a clerk's photo comparison, waiting for a late bank, at the branch).
 *
 * <p>Durations follow what a service centre sees: most steps done well within their deadline, a
 * long tail that is not; banks that differ in speed and are slower around the Spring Festival;
 * clerks who are slower in the weeks with more cases. Seeded, so the same size gives the same history.
 *
 * <p>{@code ./cardcase generate [cases] [open-cases] [data-dir]}, then {@code ./cardcase run
 * --cardcase.data-dir=<data-dir>} to look at it.
 */
public final class HistoryGenerator {
  static final ZonedDateTime FIRST_DAY = LocalDate.of(2025, 1, 2).atStartOfDay(WorkingDayCalendar.ZONE);
  static final String[] BANKS = {"ICBC", "ABC", "BOC", "CCB", "BOCOM", "PSBC", "RCC"};
  /** Median working days each bank takes to produce a card (the deadline is 10). */
  static final double[] BANK_MEDIAN = {5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 9.0};
  static final String[] APPLICATION_CHANNELS = {"web-portal", "web-portal", "alipay", "wechat", "wechat", "counter", "counter"};
  static final String[] LOSS_CHANNELS = {"96102", "96102", "counter", "terminal"};
  static final String[] FAMILY_CHANNELS = {"web-portal", "alipay", "counter", "hospital"};
  static final String[] CLERKS = {"clerk", "clerk2", "clerk3", "clerk4", "clerk5", "clerk6"};
  static final Set<String> WAIT_STATES = Set.of("compare-photos", "wait-resubmission", "wait-card-produced",
      "wait-card-activated", "wait-uncollected-decision", "wait-pickup", "wait-loss-resolution", "review-child-card");
  static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int open = args.length > 1 ? Integer.parseInt(args[1]) : Math.min(20_000, n / 50);
    Path dir = args.length > 2 ? Path.of(args[2]).toAbsolutePath() : null;
    try (RunningSystem sys = (dir == null ? new RunningSystem("history") : new RunningSystem(dir)).jvm(List.of())) {
      sys.start();
      Summary s = fill(sys, n, open);
      System.out.println(s);
      System.out.printf("data directory: %s%nlook at it with: ./cardcase run --cardcase.data-dir=%s%n", sys.dataDir, sys.dataDir);
    }
  }

  /** What was generated, and how long each part took. */
  record Summary(int finished, int open, long visits, long tasks, long auditEntries, double writeSeconds, double openSeconds,
      double indexSeconds) {
    @Override
    public String toString() {
      return String.format("history: %d finished cases (%d step stays, %d tasks, %d audit entries) written in %.1f s; "
          + "%d open cases started at their wait states in %.1f s; search index complete %.1f s after the first row was written (%.0f cases/s)", finished, visits,
          tasks, auditEntries, writeSeconds, open, openSeconds, indexSeconds, (finished + open) / Math.max(indexSeconds, 0.001));
    }
  }

  /** Writes the history into a running system and waits until the engine and the index have taken it in. */
  /** The audit keys of the installation being filled (its data directory's key file), or null. */
  static volatile AuditKeys signingKeys;

  static void useKeysOf(Path dataDir) {
    signingKeys = new AuditKeys("", "", dataDir.toString());
  }

  static Summary fill(RunningSystem sys, int n, int open) throws Exception {
    long t = System.nanoTime();
    useKeysOf(sys.dataDir);
    HistoryGenerator g = new HistoryGenerator(new Random(n), WorkingDayCalendar.official(), Instant.now());
    try (Connection c = sys.db()) {
      c.setAutoCommit(false);
      int chunk = 20_000;
      for (int from = 0; from < n; from += chunk) {
        g.write(c, from, Math.min(n, from + chunk));
        c.commit();
      }
      c.setAutoCommit(true);
      try (var st = c.createStatement()) {
        for (String table : List.of("card_case", "case_step_visit", "human_task", "audit_entry", "case_deadline", "card")) {
          st.execute("vacuum analyze " + table);
        }
      }
    }
    double write = (System.nanoTime() - t) / 1e9;
    long t1 = System.nanoTime();
    if (open > 0) {
      openCases(sys, open);
    }
    // written plain, as rows of a version before encryption at rest: encrypted now, as the application does at its start
    long te = System.nanoTime();
    System.out.printf("personal data at rest: encrypted %s in %.1f s%n", sys.encryptPlainRows(), (System.nanoTime() - te) / 1e9);
    double opened = (System.nanoTime() - t1) / 1e9;
    // the indexer starts on the first rows while the rest are written: counted from the first row
    Scenarios.await("search index filled", () -> sys.indexBacklog() == 0,
        Duration.ofMinutes(120));
    return new Summary(n, open, g.visits, g.tasks, g.audits, write, opened, (System.nanoTime() - t) / 1e9);
  }

  /**
   * Open card applications at their wait states: one real case taken to each by the engine, cloned
   * (as a case of an earlier engine generation, arrived on different days), then given back to the
   * engine by a heal, which starts each at its wait state; the clerk's tasks are created by the engine.
   */
  static void openCases(RunningSystem sys, int open) throws Exception {
    String clerk = Scenarios.created(sys.post("/api/applications", Scenarios.PORTAL,
        Scenarios.application(Persons.name(900_001), Persons.withSequence(900_001, "123"), "MALE")));
    String lateBank = Scenarios.created(sys.post("/api/applications", Scenarios.PORTAL,
        Scenarios.application(Persons.name(900_002), Persons.withSequence(900_002, "981"), "MALE")));
    String branch = Scenarios.created(sys.post("/api/applications", Scenarios.PORTAL,
        Scenarios.application(Persons.name(900_003), Persons.clearMatch(900_003), "MALE")));
    Scenarios.await("template at the clerk", () -> "compare-photos".equals(Scenarios.step(sys, clerk)));
    Scenarios.comparePhotos(sys, lateBank, "{\"photoDecision\":\"APPROVE\"}");
    Scenarios.await("template waiting for the bank", () -> "wait-card-produced".equals(Scenarios.step(sys, lateBank)));
    Scenarios.await("template at the branch", () -> "wait-card-activated".equals(Scenarios.step(sys, branch)),
        Duration.ofMinutes(2));
    try (Connection c = sys.db()) {
      c.setAutoCommit(false);
      int atBranch = open * 6 / 10;
      int atClerk = open * 2 / 10;
      var keys = sys.personalFields();
      ScaleBenchmark.clone(c, keys, branch, "SB", 0, atBranch);
      ScaleBenchmark.clone(c, keys, clerk, "SP", atBranch, atClerk);
      ScaleBenchmark.clone(c, keys, lateBank, "SL", atBranch + atClerk, open - atBranch - atClerk);
      arrivedOnTheirOwnDays(c, WorkingDayCalendar.official(), new Random(open));
      c.commit();
    }
    long t0 = System.nanoTime();
    var replaced = sys.post("/api/admin/engine/replace", Scenarios.ADMIN, "{}");
    if (replaced.statusCode() != 200) {
      throw new IllegalStateException("replace: " + replaced.statusCode() + " " + replaced.body());
    }
    ScaleBenchmark.awaitResumed(sys, t0);
    ScaleBenchmark.awaitEngineCaughtUp(sys, t0);
  }

  /**
   * Each clone arrived on a day of its own and has the deadlines of that day, as a real case would:
   * at the bank for 0 to 14 working days (deadline 10, so some are late and the engine raises their
   * production alert when they are resumed), at the branch for 0 to 8 (reminder at 10), at a clerk
   * for 0 to 2 (the task's deadline is the template's).
   */
  static void arrivedOnTheirOwnDays(Connection c, WorkingDayCalendar calendar, Random random) throws Exception {
    List<String> clones = new ArrayList<>();
    try (var st = c.createStatement(); var rs = st.executeQuery("select case_number from card_case where case_number ~ '^S[BPL][0-9]{8}$'")) {
      while (rs.next()) {
        clones.add(rs.getString(1));
      }
    }
    // each from one of the banks, as the history is (the templates all chose one)
    try (var st = c.createStatement()) {
      String banks = "array['" + String.join("','", BANKS) + "']";
      st.execute("update card_case set issuing_bank = (" + banks + ")[1 + abs(hashtext(case_number)) % " + BANKS.length + "]"
          + " where case_number ~ '^S[BPL][0-9]{8}$'");
      st.execute("update card k set issuing_bank = c.issuing_bank from card_case c where k.case_number = c.case_number"
          + " and c.case_number ~ '^S[BPL][0-9]{8}$'");
    }
    LocalDate today = LocalDate.now(WorkingDayCalendar.ZONE);
    Instant now = Instant.now();
    try (var times = c.prepareStatement("update card_case set created_at = ?, updated_at = ? where case_number = ?");
        var visit = c.prepareStatement("insert into case_step_visit (case_number, step, entered_at, left_at) values (?, ?, ?, ?)");
        var deadline = c.prepareStatement("""
            insert into case_deadline (case_number, name, start_at, working_days, due_at, provisional) values (?, ?, ?, ?, ?, false)
            on conflict (case_number, name) do update set start_at = excluded.start_at, working_days = excluded.working_days,
              due_at = excluded.due_at""");
        var variable = c.prepareStatement("""
            update process_link set variables = jsonb_set(variables, array[?::text], to_jsonb(?::text)) where case_number = ?""");
        var outbox = c.prepareStatement("insert into search_outbox (case_number) values (?)")) {
      for (String cn : clones) {
        char at = cn.charAt(1);
        int waited = random.nextInt(at == 'L' ? 15 : at == 'B' ? 9 : 3);
        LocalDate day = today;
        for (int i = 0; i < waited; i++) {
          do {
            day = day.minusDays(1);
          } while (!calendar.isWorkingDay(day));
        }
        Instant entered = day.atTime(9 + random.nextInt(8), random.nextInt(60)).atZone(WorkingDayCalendar.ZONE).toInstant();
        if (entered.isAfter(now)) {
          entered = now.minusSeconds(60 + random.nextInt(3600));
        }
        Instant created = entered.minus(Duration.ofHours(2 + random.nextInt(40)));
        times.setObject(1, Timestamp.from(created));
        times.setObject(2, Timestamp.from(entered));
        times.setString(3, cn);
        times.addBatch();
        String step = at == 'L' ? "wait-card-produced" : at == 'B' ? "wait-card-activated" : "compare-photos";
        addVisit(visit, cn, "application-received", created, created.plusSeconds(2));
        addVisit(visit, cn, step, entered, null);
        Map<String, Integer> due = at == 'L' ? Map.of("productionDueAt", 10)
            : at == 'B' ? Map.of("collectionReminderAt", 10, "collectionFinalDueAt", 60) : Map.of();
        for (var d : due.entrySet()) {
          Instant dueAt = calendar.deadline(entered, d.getValue());
          deadline.setString(1, cn);
          deadline.setString(2, d.getKey());
          deadline.setObject(3, Timestamp.from(entered));
          deadline.setInt(4, d.getValue());
          deadline.setObject(5, Timestamp.from(dueAt));
          deadline.addBatch();
          variable.setString(1, d.getKey());
          variable.setString(2, dueAt.toString());
          variable.setString(3, cn);
          variable.addBatch();
        }
        outbox.setString(1, cn);
        outbox.addBatch();
      }
      times.executeBatch();
      visit.executeBatch();
      deadline.executeBatch();
      variable.executeBatch();
      outbox.executeBatch();
    }
  }

  /** An audit entry before it is chained under a subject. */
  record AuditRow(Instant at, String actor, String channel, String action, Map<String, Object> detail, String eventKey) {}

  /** Chains the entries under the subject (sequence from 1, hashes as the audit trail makes them) as COPY rows. */
  static void chain(StringBuilder rows, String subject, List<AuditRow> entries) throws Exception {
    String prev = AuditTrail.GENESIS;
    int seq = 0;
    for (AuditRow a : entries) {
      seq++;
      Map<String, Object> detail = new TreeMap<>(a.detail());
      Instant at = a.at().truncatedTo(ChronoUnit.MICROS);
      // signed with the installation's audit key, as the application signs (plain SHA-256 without one)
      AuditKeys keys = signingKeys;
      String keyId = keys == null ? null : keys.currentId();
      AuditTrail.Entry e = new AuditTrail.Entry(subject, seq, at, a.actor(), a.channel(), a.action(), detail, prev, null, keyId);
      String hash = keys == null ? AuditTrail.hash(e) : keys.mac(keyId, AuditTrail.material(e));
      row(rows, subject, seq, ts(at), a.actor(), a.channel(), a.action(), CANONICAL.writeValueAsString(detail), a.eventKey(), prev,
          hash, keyId);
      prev = hash;
    }
  }

  /**
   * The clones {@code prefix}00000001 to {@code count} get the template's audit trail, chained anew
   * under their own case numbers: the steps a resumed case runs again find their entries there and
   * change nothing, as for a real case.
   */
  static void copyAuditTrail(Connection c, String template, String prefix, int count) throws Exception {
    List<AuditRow> entries = new ArrayList<>();
    try (var st = c.prepareStatement("select * from audit_entry where subject = ? order by seq")) {
      st.setString(1, AuditTrail.ofCase(template));
      try (var rs = st.executeQuery()) {
        while (rs.next()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> detail = CANONICAL.readValue(rs.getString("detail"), Map.class);
          entries.add(new AuditRow(rs.getTimestamp("at").toInstant(), rs.getString("actor"), rs.getString("channel"),
              rs.getString("action"), detail, rs.getString("event_key")));
        }
      }
    }
    StringBuilder rows = new StringBuilder();
    for (int k = 1; k <= count; k++) {
      chain(rows, AuditTrail.ofCase(prefix + String.format("%08d", k)), entries);
    }
    copy(c.unwrap(PGConnection.class), "audit_entry (subject, seq, at, actor, channel, action, detail, event_key, prev_hash, hash, key_id)", rows);
  }

  private static void addVisit(PreparedStatement visit, String cn, String step, Instant entered, Instant left)
      throws Exception {
    visit.setString(1, cn);
    visit.setString(2, step);
    visit.setObject(3, Timestamp.from(entered));
    visit.setObject(4, left == null ? null : Timestamp.from(left));
    visit.addBatch();
  }

  // --- the history itself ------------------------------------------------------------------

  private final Random random;
  private final WorkingDayCalendar calendar;
  private final Instant now;
  private final List<LocalDate> workingDays = new ArrayList<>();
  long visits;
  long tasks;
  long audits;

  HistoryGenerator(Random random, WorkingDayCalendar calendar, Instant now) {
    this.random = random;
    this.calendar = calendar;
    this.now = now;
    LocalDate last = now.atZone(WorkingDayCalendar.ZONE).toLocalDate().minusDays(3);
    for (LocalDate d = FIRST_DAY.toLocalDate(); d.isBefore(last); d = d.plusDays(1)) {
      if (calendar.isWorkingDay(d)) {
        workingDays.add(d);
      }
    }
  }

  /** One generated case, as the tables hold it. */
  final class Case {
    final String caseNumber;
    final String type;
    final String process;
    final String channel;
    final String bank;
    final int person;
    Instant at;
    String status;
    String endStep;
    final List<String[]> visitRows = new ArrayList<>();
    final List<String[]> taskRows = new ArrayList<>();
    final List<String[]> deadlineRows = new ArrayList<>();
    final List<AuditRow> auditRows = new ArrayList<>();
    String cardState;
    Instant created;

    Case(String caseNumber, String type, String process, String channel, String bank, int person, Instant created) {
      this.caseNumber = caseNumber;
      this.type = type;
      this.process = process;
      this.channel = channel;
      this.bank = bank;
      this.person = person;
      this.created = created;
      this.at = created;
    }

    /** A stay at a step from now until {@code left}. */
    void stay(String step, Instant left) {
      visitRows.add(new String[] {caseNumber, step, ts(at), ts(left)});
      if (WAIT_STATES.contains(step)) {
        // as the checkpoint of a wait state records it
        audit("system", null, "STEP_ENTERED", "step:" + step + ":" + visitRows.size(), Map.of("step", step));
      }
      at = left;
    }

    void status(String s) {
      audit("system", null, "STATUS_CHANGED", "status:" + s + ":1", Map.of("status", s));
      status = s;
    }

    void audit(String actor, String ch, String action, String eventKey, Map<String, Object> detail) {
      auditRows.add(new AuditRow(at, actor, ch, action, detail, eventKey));
    }

    /** A deadline this many working days from now, kept as the case's deadlines are. */
    Instant deadline(String name, int days) {
      Instant due = calendar.deadline(at, days);
      deadlineRows.add(new String[] {caseNumber, name, ts(at), Integer.toString(days), ts(due), "f", ts(at)});
      return due;
    }
  }

  /** Writes cases {@code from} to {@code to} (exclusive) with everything that belongs to them. */
  void write(Connection c, int from, int to) throws Exception {
    List<Case> cases = new ArrayList<>();
    for (int k = from; k < to; k++) {
      cases.add(generate(k));
    }
    long taskIds;
    int taskCount = cases.stream().mapToInt(x -> x.taskRows.size()).sum();
    try (var st = c.createStatement();
        var rs = st.executeQuery("select setval('human_task_id_seq', nextval('human_task_id_seq') + " + taskCount + ") - " + taskCount)) {
      rs.next();
      taskIds = rs.getLong(1);
    }
    StringBuilder caseRows = new StringBuilder();
    StringBuilder visitRows = new StringBuilder();
    StringBuilder taskRows = new StringBuilder();
    StringBuilder deadlineRows = new StringBuilder();
    StringBuilder auditRows = new StringBuilder();
    StringBuilder linkRows = new StringBuilder();
    StringBuilder cardRows = new StringBuilder();
    StringBuilder outboxRows = new StringBuilder();
    for (Case x : cases) {
      String id = Persons.withSequence(x.person % 360_000, String.format("%03d", 100 + (x.person / 360_000) * 2 + x.person % 2));
      String sex = x.person % 2 == 1 ? "MALE" : "FEMALE";
      String name = Persons.name(x.person);
      row(caseRows, x.caseNumber, x.type, x.status, x.endStep, x.channel, name, id, sex,
          "1" + (30 + x.person % 60) + String.format("%08d", x.person % 100_000_000), x.bank, "{}", ts(x.created), ts(x.at), ts(x.at));
      for (String[] v : x.visitRows) {
        row(visitRows, (Object[]) v);
        visits++;
      }
      for (String[] d : x.deadlineRows) {
        row(deadlineRows, (Object[]) d);
      }
      for (String[] t : x.taskRows) {
        long taskId = ++taskIds;
        row(taskRows, taskId, t[0], t[1], t[2], t[3], t[4], t[5], t[6], "COMPLETED", t[7], t[8], t[9], t[10], t[11], x.type,
            x.channel, x.process, t[12]);
        tasks++;
        // the completion's audit entry names the task, as the task store writes it
        x.auditRows.replaceAll(a -> {
          if (!("task:" + t[1] + ":" + t[2]).equals(a.eventKey())) {
            return a;
          }
          Map<String, Object> detail = new HashMap<>(a.detail());
          detail.put("task", taskId);
          return new AuditRow(a.at(), a.actor(), a.channel(), a.action(), detail, "task:" + taskId);
        });
      }
      chain(auditRows, AuditTrail.ofCase(x.caseNumber), x.auditRows);
      audits += x.auditRows.size();
      row(linkRows, x.caseNumber, x.process, "{}", ts(x.created), ts(x.at), ts(x.at));
      if (x.cardState != null) {
        row(cardRows, "CB" + x.caseNumber, x.caseNumber, id, name, x.bank,
            "6" + String.format("%017d", 10_000_000L + x.person), medicalInsuranceNumber(id, x.person),
            x.cardState, ts(x.created), ts(x.at));
      }
      row(outboxRows, x.caseNumber);
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    copy(pg, "card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, issuing_bank,"
        + " data, created_at, updated_at, closed_at)", caseRows);
    copy(pg, "case_step_visit (case_number, step, entered_at, left_at)", visitRows);
    copy(pg, "case_deadline (case_number, name, start_at, working_days, due_at, provisional, updated_at)", deadlineRows);
    copy(pg, "human_task (id, case_number, element_id, wait_seq, job_key, form_key, candidate_group, assignee, state, due_at, result,"
        + " completed_by, created_at, completed_at, case_type, case_channel, process_id, claimed_at)", taskRows);
    copy(pg, "audit_entry (subject, seq, at, actor, channel, action, detail, event_key, prev_hash, hash, key_id)", auditRows);
    copy(pg, "process_link (case_number, bpmn_process_id, variables, started_at, ended_at, updated_at)", linkRows);
    copy(pg, "card (card_id, case_number, holder_id_number, holder_name, issuing_bank, card_number, medical_insurance_number, state,"
        + " created_at, updated_at)", cardRows);
    copy(pg, "search_outbox (case_number)", outboxRows);
  }

  /** As the card lifecycle issues them (region, serial, Luhn digit); serials from 90 000 000 up, above the live ones. */
  private static String medicalInsuranceNumber(String idNumber, int person) {
    String body = idNumber.substring(0, 2) + String.format("%08d", 90_000_000 + person);
    return body + CheckDigits.luhn(body);
  }

  private final Map<LocalDate, Integer> perDay = new HashMap<>();

  /**
   * The k-th case: its type, channel, day and everything that happened to it. Only finished cases
   * are written here, so a case that would still be going on today is drawn again on another day.
   */
  Case generate(int k) {
    Instant latest = now.minus(Duration.ofHours(1));
    for (int attempt = 0; ; attempt++) {
      Case x = draw(k);
      if (!x.at.isAfter(latest) || attempt == 20) {
        perDay.merge(x.created.atZone(WorkingDayCalendar.ZONE).toLocalDate(), 1, Integer::sum);
        return x;
      }
    }
  }

  private Case draw(int k) {
    LocalDate day = workingDays.get(random.nextInt(workingDays.size()));
    int mix = random.nextInt(100);
    String type = mix < 55 ? "CARD_APPLICATION" : mix < 70 ? "LOSS_REPORT" : mix < 80 ? "REISSUE" : mix < 92 ? "FAMILY_BINDING"
        : "CHILD_E_CARD";
    String process = switch (type) {
      case "CARD_APPLICATION" -> "card-application";
      case "LOSS_REPORT" -> "provisional-loss-report";
      case "REISSUE" -> "card-reissue";
      case "FAMILY_BINDING" -> "family-binding";
      default -> "child-e-card";
    };
    String channel = switch (type) {
      case "CARD_APPLICATION" -> APPLICATION_CHANNELS[random.nextInt(APPLICATION_CHANNELS.length)];
      case "LOSS_REPORT" -> LOSS_CHANNELS[random.nextInt(LOSS_CHANNELS.length)];
      case "REISSUE" -> "counter";
      case "FAMILY_BINDING" -> FAMILY_CHANNELS[random.nextInt(FAMILY_CHANNELS.length)];
      default -> "web-portal";
    };
    String bank = type.equals("CARD_APPLICATION") || type.equals("REISSUE") ? BANKS[random.nextInt(BANKS.length)] : null;
    // office hours, a little earlier and later for the online channels
    int minute = channel.equals("counter") ? 8 * 60 + 30 + random.nextInt(8 * 60) : 7 * 60 + random.nextInt(15 * 60);
    Instant created = day.atTime(LocalTime.of(minute / 60, minute % 60, random.nextInt(60)))
        .atZone(WorkingDayCalendar.ZONE).toInstant();
    // numbered per day as the application numbers cases, from 100 000 up (a day's own cases stay below)
    String cn = "SC" + day.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%06d", 100_000 + perDay.getOrDefault(day, 0));
    Case x = new Case(cn, type, process, channel, bank, k, created);
    Map<String, Object> received = new HashMap<>();
    received.put("caseType", type);
    if (bank != null) {
      received.put("issuingBank", bank);
    }
    x.audit(channel, channel, "CASE_RECEIVED", "received", received);
    switch (type) {
      case "CARD_APPLICATION" -> cardApplication(x);
      case "LOSS_REPORT" -> lossReport(x);
      case "REISSUE" -> reissue(x);
      case "FAMILY_BINDING" -> familyBinding(x);
      default -> childCard(x);
    }
    return x;
  }

  private void cardApplication(Case x) {
    x.stay("application-received", seconds(x.at, 2));
    x.stay("register-application", seconds(x.at, 3));
    x.status("IN_PROGRESS");
    // verification: a clerk compares the photos unless the registry's match is clear (most are)
    int round = 1;
    while (true) {
      if (random.nextInt(100) < 35 || round > 1) {
        String decision = clerkTask(x, "compare-photos", "verification", round, 2, clerkSpeed(x.at) * 0.5, 1.0);
        if (decision.equals("REJECT")) {
          x.status("REJECTED");
          close(x, "application-rejected");
          return;
        }
        if (decision.equals("REQUEST_NEW_PHOTO") && round < 3) {
          x.status("AWAITING_RESUBMISSION");
          x.deadline("resubmissionDueAt", 20);
          x.stay("wait-resubmission", later(x.at, lognormal(2.0, 0.8)));
          x.audit(x.channel, x.channel, "APPLICATION_RESUBMITTED", "resubmitted:" + round, Map.of("round", round + 1));
          round++;
          continue;
        }
      }
      break;
    }
    x.status("VERIFIED");
    production(x, 10);
    x.status("CARD_READY");
    x.audit("system", null, "NOTIFICATION_SENT", "notify:card-ready", Map.of("template", "card-ready"));
    Instant finalDue = x.deadline("collectionFinalDueAt", 60);
    x.deadline("collectionReminderAt", 10);
    Instant collected = later(x.at, lognormal(6.0, 0.9));
    if (collected.isAfter(finalDue)) {
      x.stay("wait-card-activated", finalDue);
      x.stay("wait-uncollected-decision", later(x.at, lognormal(1.0, 0.6)));
      x.audit("supervisor", null, "TASK_COMPLETED", "decision", Map.of("step", "escalate-uncollected", "result", Map.of("action", "CANCEL")));
      x.cardState = "CANCELLED";
      x.status("UNCOLLECTED");
      close(x, "card-uncollected");
      return;
    }
    x.stay("wait-card-activated", collected);
    x.audit("card-production", "card-production", "CARD_STATE_CHANGED", "activated", Map.of("to", "ACTIVE"));
    x.cardState = "ACTIVE";
    x.status("ACTIVE");
    close(x, "application-completed");
  }

  /** Ordered from the bank, which takes its time (slower around the Spring Festival), then ready. */
  private void production(Case x, int days) {
    x.stay("request-production", seconds(x.at, 5));
    x.status("IN_PRODUCTION");
    x.audit("system", null, "PRODUCTION_ORDERED", "production", Map.of("bank", x.bank));
    x.deadline("productionDueAt", days);
    int b = Arrays.asList(BANKS).indexOf(x.bank);
    double median = BANK_MEDIAN[b] + (nearSpringFestival(x.at) ? 3.0 : 0.0);
    x.stay("wait-card-produced", later(x.at, lognormal(median, 0.3)));
  }

  private void lossReport(Case x) {
    x.stay("received", seconds(x.at, 1));
    x.stay("stop-settlement", seconds(x.at, 2));
    x.status("SETTLEMENT_STOPPED");
    x.audit("system", null, "SETTLEMENT_STOPPED", "settlement", Map.of("reason", "LOSS_REPORTED"));
    x.deadline("formalReminderAt", 5);
    x.stay("wait-loss-resolution", later(x.at, lognormal(1.8, 1.0)));
    if (random.nextInt(100) < 12) {
      x.status("WITHDRAWN");
      close(x, "report-withdrawn");
    } else {
      x.status("FORMALISED");
      close(x, "report-formalised");
    }
  }

  private void reissue(Case x) {
    x.stay("received", seconds(x.at, 1));
    x.stay("stop-old-card", seconds(x.at, 2));
    x.status("IN_PROGRESS");
    x.deadline("pickupDueAt", 15);
    production(x, 10);
    x.status("CARD_READY");
    // collected after the pickup date (15 working days from the report), most within days of it
    Instant pickup = calendar.deadline(x.created, 15).minus(Duration.ofHours(8).plusMinutes(30));
    Instant start = pickup.isAfter(x.at) ? pickup : x.at;
    x.stay("wait-pickup", later(start, lognormal(1.5, 1.0)));
    x.cardState = "ACTIVE";
    x.status("COMPLETED");
    close(x, "reissue-completed");
  }

  private void familyBinding(Case x) {
    x.stay("received", seconds(x.at, 1));
    x.stay("check-family-binding", seconds(x.at, 2));
    if (random.nextInt(100) < 6) {
      x.status("REFUSED");
      close(x, "binding-refused");
    } else {
      x.status("LINKED");
      close(x, "binding-linked");
    }
  }

  private void childCard(Case x) {
    x.stay("received", seconds(x.at, 1));
    x.stay("check-child-application", seconds(x.at, 2));
    if (random.nextInt(100) < 20) {
      String decision = clerkTask(x, "review-child-card", "verification", 1, 2, clerkSpeed(x.at) * 0.4, 0.9);
      if (decision.equals("REJECT")) {
        x.status("REFUSED");
        close(x, "child-card-refused");
        return;
      }
    }
    x.status("ISSUED");
    close(x, "child-card-issued");
  }

  /** A clerk's task at a step: created, claimed, decided; returns the decision. */
  private String clerkTask(Case x, String step, String group, int round, int dueDays, double medianDays, double sigma) {
    Instant due = calendar.deadline(x.at, dueDays);
    Instant created = x.at;
    Instant done = later(created, lognormal(medianDays, sigma));
    Instant claimed = done.minus(Duration.ofMinutes(3 + random.nextInt(25)));
    if (claimed.isBefore(created)) {
      claimed = created;
    }
    int r = random.nextInt(100);
    String decision = round == 1 && r < 6 ? "REQUEST_NEW_PHOTO" : r < 9 ? "REJECT" : "APPROVE";
    String clerk = CLERKS[random.nextInt(CLERKS.length)];
    String result = "{\"photoDecision\":\"" + decision + "\"}";
    x.taskRows.add(new String[] {x.caseNumber, step, Integer.toString(round), "0", step, group, clerk, ts(due), result, clerk,
        ts(created), ts(done), ts(claimed)});
    x.stay(step, done);
    x.audit(clerk, null, "TASK_COMPLETED", "task:" + step + ":" + round, Map.of("step", step, "result", Map.of("photoDecision", decision)));
    return decision;
  }

  private void close(Case x, String endStep) {
    x.endStep = endStep;
  }

  /** Clerks take longer in the busy weeks (before the Spring Festival, September). */
  private double clerkSpeed(Instant t) {
    int month = t.atZone(WorkingDayCalendar.ZONE).getMonthValue();
    return nearSpringFestival(t) || month == 9 ? 1.8 : 1.0;
  }

  private static boolean nearSpringFestival(Instant t) {
    LocalDate d = t.atZone(WorkingDayCalendar.ZONE).toLocalDate();
    LocalDate festival = d.getYear() == 2025 ? LocalDate.of(2025, 1, 29) : LocalDate.of(2026, 2, 17);
    return !d.isBefore(festival.minusDays(21)) && !d.isAfter(festival.plusDays(14));
  }

  private double lognormal(double median, double sigma) {
    return median * Math.exp(sigma * random.nextGaussian());
  }

  private static Instant seconds(Instant t, int s) {
    return t.plusSeconds(s);
  }

  /**
   * {@code days} working days after {@code t}: whole days on the calendar, the rest as a share of
   * the office day (08:30–17:30); what would end after closing goes on the next working day.
   */
  Instant later(Instant t, double days) {
    ZonedDateTime z = t.atZone(WorkingDayCalendar.ZONE);
    LocalDate d = z.toLocalDate();
    int minute = z.getHour() * 60 + z.getMinute();
    if (!calendar.isWorkingDay(d) || minute >= 17 * 60 + 30) {
      d = calendar.addWorkingDays(d, 1).date();
      minute = 8 * 60 + 30;
    }
    minute = Math.max(minute, 8 * 60 + 30);
    int whole = (int) Math.floor(days);
    minute += (int) Math.round((days - whole) * 9 * 60);
    if (minute >= 17 * 60 + 30) {
      whole++;
      minute -= 9 * 60;
    }
    if (whole > 0) {
      d = calendar.addWorkingDays(d, whole).date();
    }
    Instant out = d.atTime(minute / 60, minute % 60, random.nextInt(60)).atZone(WorkingDayCalendar.ZONE).toInstant();
    return out.isAfter(t) ? out : t.plusSeconds(60);
  }

  private static String ts(Instant t) {
    return t == null ? null : t.toString();
  }

  /** One line of COPY's text format. */
  private static void row(StringBuilder out, Object... values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append('\t');
      }
      Object v = values[i];
      if (v == null) {
        out.append("\\N");
      } else {
        String s = v.toString();
        for (int j = 0; j < s.length(); j++) {
          char ch = s.charAt(j);
          switch (ch) {
            case '\\' -> out.append("\\\\");
            case '\t' -> out.append("\\t");
            case '\n' -> out.append("\\n");
            default -> out.append(ch);
          }
        }
      }
    }
    out.append('\n');
  }

  private static void copy(PGConnection pg, String target, StringBuilder rows) throws Exception {
    if (!rows.isEmpty()) {
      pg.getCopyAPI().copyIn("copy " + target + " from stdin", new StringReader(rows.toString()));
    }
  }
}
