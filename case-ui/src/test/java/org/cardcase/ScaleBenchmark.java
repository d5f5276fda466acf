package org.cardcase;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.cardcase.privacy.PersonalFields;

/**
 * Open cases at scale: how fast new applications flow with none open and with N open cases
 * waiting (most at the branch, some at a clerk's photo comparison, some for a late bank), and how
 * long a restart takes to serve again and to give every open case back to the engine.
 *
 * <p>The open cases are made quickly, as the issue asks: real cases are run to each wait state
 * once, then cloned in PostgreSQL (case, card, documents, start instruction) as cases of an earlier
 * engine generation; the restart then starts each one directly at its wait state, the same resume
 * path a restart or a heal takes. Run with {@code ./cardcase bench scale [open-cases] [applications]}.
 */
public final class ScaleBenchmark {

  public static void main(String[] args) throws Exception {
    int open = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int clients = 16;
    try (RunningSystem sys = new RunningSystem("bench-scale").jvm(List.of())) {
      sys.start();
      HistoryGenerator.useKeysOf(sys.dataDir); // clones' trails signed as the application signs
      // warm up, and one template case for each wait state
      ThroughputBenchmark.send(sys, ThroughputBenchmark.applications(0, 100), clients, new ConcurrentLinkedQueue<>());
      String clerk = Scenarios.created(sys.post("/api/applications", Scenarios.PORTAL,
          Scenarios.application(Persons.name(900_001), Persons.withSequence(900_001, "123"), "MALE")));
      String lateBank = Scenarios.created(sys.post("/api/applications", Scenarios.PORTAL,
          Scenarios.application(Persons.name(900_002), Persons.withSequence(900_002, "981"), "MALE")));
      ThroughputBenchmark.awaitAtBranch(sys, 100, Duration.ofMinutes(5));
      Scenarios.await("template at the clerk", () -> "compare-photos".equals(sys.value(
          "select current_step from card_case where case_number = ?", clerk)));
      Scenarios.comparePhotos(sys, lateBank, "{\"photoDecision\":\"APPROVE\"}");
      Scenarios.await("template waiting for the bank", () -> "wait-card-produced".equals(sys.value(
          "select current_step from card_case where case_number = ?", lateBank)));

      // warm, then the rate with (almost) nothing open
      rate(sys, 10_000, n, clients);
      System.out.println("measuring the rate with none open");
      double before = rate(sys, 20_000, n, clients);
      System.out.printf("new applications with %d open: %.1f/s steady%n", open0(sys), before);

      String branch = sys.value("select case_number from process_link where wait_element = 'wait-card-activated' limit 1");
      long t = System.nanoTime();
      try (Connection c = sys.db()) {
        c.setAutoCommit(false);
        int atBranch = open * 8 / 10;
        int atClerk = open / 10;
        var keys = sys.personalFields();
        clone(c, keys, branch, "SB", 0, atBranch);
        clone(c, keys, clerk, "SC", atBranch, atClerk);
        clone(c, keys, lateBank, "SL", atBranch + atClerk, open - atBranch - atClerk);
        c.commit();
      }
      System.out.printf("%d open cases written to PostgreSQL in %.1f s (80%% at the branch, 10%% at a clerk, 10%% for the bank)%n",
          open, (System.nanoTime() - t) / 1e9);
      long te = System.nanoTime();
      System.out.printf("personal data at rest: the clones encrypted %s in %.1f s%n", sys.encryptPlainRows(),
          (System.nanoTime() - te) / 1e9);

      // a heal: the engine is replaced in-process and every open case is given back, as after a failure
      long t0 = System.nanoTime();
      var replaced = sys.post("/api/admin/engine/replace", Scenarios.ADMIN, "{}");
      if (replaced.statusCode() != 200) {
        throw new IllegalStateException("replace: " + replaced.statusCode() + " " + replaced.body());
      }
      System.out.printf("heal with %d open cases: serving again after %.1f s%n", open0(sys), (System.nanoTime() - t0) / 1e9);
      awaitResumed(sys, t0);
      // the engine still activates the resumed instances at their wait states (and runs their
      // checkpoint listeners) after the last resume was accepted: wait until it answers as fast as before
      awaitEngineCaughtUp(sys, t0);

      System.out.printf("measuring the rate with %d open%n", open);
      double after = rate(sys, 30_000, n, clients);
      System.out.printf("new applications with %d open: %.1f/s steady%n", open0(sys), after);
      System.out.printf("ratio (with %d open / with none): %.2f%n", open, after / before);

      // a restart of the whole application: the engine starts empty and every open case is given back
      sys.close();
      t0 = System.nanoTime();
      sys.start();
      System.out.printf("restart with %d open cases: serving (readiness UP) after %.1f s%n", open0(sys),
          (System.nanoTime() - t0) / 1e9);
      long errors = sys.logText().lines().filter(l -> l.contains(" ERROR ")).count();
      System.out.printf("system log of the last run: %d ERROR lines%n", errors);
    }
  }

  /** Waits until the newest engine generation has given back every open case, and says how long it took. */
  static void awaitResumed(RunningSystem sys, long t0) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
    while (sys.value("select resumed_at from engine_generation order by generation desc limit 1") == null
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    String resumed = sys.value("select cases_resumed from engine_generation order by generation desc limit 1");
    System.out.printf("every open case resumed %.1f s after it began (%s resumed, %.0f/s, %s failed)%n", s, resumed,
        Integer.parseInt(resumed) / s,
        sys.value("select resume_failures from engine_generation order by generation desc limit 1"));
  }

  /**
   * Waits until the engine has re-entered every resumed case at its wait state: the wait state's
   * checkpoint listener then records the new generation's element instance (keys of generation g
   * start at g × 2^40 on partition 1). Until then the engine is still working through the resume,
   * and a rate measured meanwhile is the rate during recovery, not with the cases open.
   */
  static void awaitEngineCaughtUp(RunningSystem sys, long t0) throws Exception {
    long generation = Long.parseLong(sys.value("select max(generation) from engine_generation"));
    long lowest = (1L << 51) + (generation << 40);
    String behind = """
        select count(*) from process_link where ended_at is null and process_instance_key is not null
          and coalesce((variables->>'_checkpointElementInstance')::bigint, 0) < %d""".formatted(lowest);
    long left = sys.count(behind);
    long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
    while (left > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      left = sys.count(behind);
    }
    System.out.printf("engine re-entered every resumed case at its wait state %.1f s after the heal began (%d not)%n",
        (System.nanoTime() - t0) / 1e9, left);
  }

  static long open0(RunningSystem sys) throws Exception {
    return sys.count("select count(*) from process_link where ended_at is null");
  }

  /** n applications from {@code clients} clients; the steady rate (10th to 90th) at which they reach the branch. */
  static double rate(RunningSystem sys, int from, int n, int clients) throws Exception {
    // the read model first catches up with what came before, so it does not eat into this measurement
    Scenarios.await("search index caught up", () -> sys.count("select count(*) from search_outbox where indexed_at is null") == 0);
    // only this run's cases are counted (case numbers grow), so counting stays cheap at any size
    String last = sys.value("select max(case_number) from card_case where case_number like 'SC2%'");
    String arrived = "select count(*) from process_link where wait_element = 'wait-card-activated' and case_number > '" + last + "'";
    long base = sys.count(arrived);
    List<Long> arrivals = new ArrayList<>();
    List<String> bodies = ThroughputBenchmark.applications(from, from + n);
    long t0 = System.nanoTime();
    Thread sender = Thread.ofPlatform().start(() -> {
      try {
        ThroughputBenchmark.send(sys, bodies, clients, new ConcurrentLinkedQueue<>());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long seen = base;
    long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    while (seen < base + n && System.nanoTime() < deadline) {
      long now = System.nanoTime();
      long at = sys.count(arrived);
      for (long i = seen; i < at; i++) {
        arrivals.add(now);
      }
      seen = Math.max(seen, at);
      Thread.sleep(100);
    }
    sender.join();
    return ThroughputBenchmark.Rate.of(t0, arrivals, List.of()).steady();
  }

  /**
   * Copies a real case {@code count} times under new case numbers and persons: its case row, card,
   * documents, audit trail and start instruction (as of an earlier engine generation, so the restart resumes it).
   */
  static void clone(Connection c, PersonalFields keys, String template, String prefix, int firstPerson,
      int count) throws Exception {
    if (count <= 0) {
      return;
    }
    // the template's personal data, decrypted with the application's keys: the clones are written plain, as rows of a
    // version before encryption at rest (read through the plain columns; encrypted at the application's next start)
    Map<String, Object> person;
    Map<String, Object> holder;
    try (var ps = c.prepareStatement("select cc.personal, k.card_id, k.personal from card_case cc join card k using (case_number) "
        + "where cc.case_number = ?")) {
      ps.setString(1, template);
      var rs = ps.executeQuery();
      rs.next();
      person = keys.open("card_case", template, rs.getBytes(1));
      holder = keys.open("card", rs.getString(2), rs.getBytes(3));
    }
    String seq = String.valueOf(person.get("idNumber")).substring(14, 17);
    try (var st = c.createStatement()) {
      // new case numbers, and distinct persons of their own (Xinjiang region codes, which the
      // applications sent by the benchmarks never use): the template's sequence code, so the
      // simulators treat the clone as the template, and the right check character
      st.execute("""
          create temp table clone_ids on commit drop as
          select k, '%s' || lpad(k::text, 8, '0') as cn,
            '65' || lpad(((k + %d) / 18000)::text, 4, '0') || to_char(date '1950-01-01' + (k + %d) %% 18000, 'YYYYMMDD')
              || '%s' as f17
          from generate_series(1, %d) k, card_case t where t.case_number = '%s'"""
          .formatted(prefix, firstPerson, firstPerson, seq, count, template));
      st.execute("""
          alter table clone_ids add column id_number text;
          update clone_ids set id_number = f17 || (select substr('10X98765432',
            (sum(substr(f17, g.i, 1)::int * (array[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[g.i]) %% 11)::int + 1, 1)
            from generate_series(1, 17) g(i))""".formatted());
      st.execute("""
          insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex,
            phone, issuing_bank, data, created_at, updated_at)
          select i.cn, t.case_type, t.status, t.current_step, t.channel, '%s', i.id_number, t.sex, '%s',
            t.issuing_bank, t.data, t.created_at, t.updated_at
          from card_case t, clone_ids i where t.case_number = '%s'""".formatted(person.get("applicantName"), person.get("phone"),
          template));
      st.execute("""
          insert into card (card_id, case_number, holder_id_number, holder_name, issuing_bank, card_number,
            medical_insurance_number, state)
          select 'CB' || i.cn, i.cn, cc.id_number, '%s', t.issuing_bank, t.card_number,
            %s, t.state
          from card t, clone_ids i join card_case cc on cc.case_number = i.cn where t.case_number = '%s'"""
          .formatted(holder.get("holderName"), holder.get("medicalInsuranceNumber") == null ? "null"
              : "'" + holder.get("medicalInsuranceNumber") + "'", template));
      // the card's history too: a resumed step finds its transition already made, as for the real case
      st.execute("""
          insert into card_transition (card_id, from_state, to_state, actor, channel, reason, at, event_key)
          select 'CB' || i.cn, t.from_state, t.to_state, t.actor, t.channel, t.reason, t.at, t.event_key
          from card_transition t join card k on k.card_id = t.card_id, clone_ids i where k.case_number = '%s'"""
          .formatted(template));
      // the documents' bytes, decrypted, then written plain for every clone
      try (var docs = c.prepareStatement("select kind, version, bytes_sealed from case_document where case_number = ?");
          var insert = c.prepareStatement("""
              insert into case_document (case_number, kind, version, content_type, bytes, size_bytes, width, height, sha256,
                uploaded_by, uploaded_at)
              select i.cn, t.kind, t.version, t.content_type, ?, t.size_bytes, t.width, t.height, t.sha256, t.uploaded_by,
                t.uploaded_at
              from case_document t, clone_ids i where t.case_number = ? and t.kind = ? and t.version = ?""")) {
        docs.setString(1, template);
        var rs = docs.executeQuery();
        while (rs.next()) {
          insert.setBytes(1, keys.openBytes("case_document", template + "/" + rs.getString(1) + "/" + rs.getInt(2), rs.getBytes(3)));
          insert.setString(2, template);
          insert.setString(3, rs.getString(1));
          insert.setInt(4, rs.getInt(2));
          insert.executeUpdate();
        }
      }
      st.execute("""
          insert into process_link (case_number, bpmn_process_id, process_instance_key, wait_element, wait_seq, variables,
            started_at, engine_generation)
          select i.cn, t.bpmn_process_id, 1, t.wait_element, t.wait_seq,
            jsonb_set(t.variables, '{caseNumber}', to_jsonb(i.cn)), t.started_at, 0
          from process_link t, clone_ids i where t.case_number = '%s'""".formatted(template));
      st.execute("drop table clone_ids");
    }
    // and its audit trail: a resumed step then finds its entries and changes nothing (its step, its status)
    HistoryGenerator.copyAuditTrail(c, template, prefix, count);
  }
}
