package org.cardcase;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The supervisors' screens and the clerks' queues on a realistic history: the history generator
 * fills a fresh system with N finished cases (and open ones at their wait states), then this
 * measures what people wait for all day: the dashboard's aggregations (figures and likely-late
 * cases, the time at each step), a clerk's queue page (filtered and sorted), and case search with
 * highlights; and how well the breach forecast did on the generated history.
 * Run with {@code ./cardcase bench history [cases] [open-cases]}.
 */
public final class HistoryBenchmark {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int open = args.length > 1 ? Integer.parseInt(args[1]) : Math.min(20_000, n / 50);
    try (RunningSystem sys = new RunningSystem("bench-history").jvm(List.of())) {
      sys.start();
      HistoryGenerator.Summary s = HistoryGenerator.fill(sys, n, open);
      System.out.println(s);
      System.out.printf("tables: %d cases, %d tasks (%d open), %d step stays, %d audit entries%n",
          sys.count("select count(*) from card_case"), sys.count("select count(*) from human_task"),
          sys.count("select count(*) from human_task where state = 'OPEN'"), sys.count("select count(*) from case_step_visit"),
          sys.count("select count(*) from audit_entry"));

      // the forecast, checked on the history: learnt from what had finished before each quarter, tried on the quarter;
      // at the configured risk share (0.4) and at 0.3 and 0.5 to show the trade-off
      for (String risk : List.of("0.3", "0.4", "0.5")) {
        long late = 0;
        long lateFlagged = 0;
        long flagged = 0;
        long flaggedOnTime = 0;
        List<String> leads = new ArrayList<>();
        for (String from : List.of("2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01")) {
          JsonNode a = sys.json(sys.get("/api/dashboard/forecast-accuracy?from=" + from + "&days=90&risk=" + risk, Scenarios.SUPERVISOR));
          late += a.path("late").asLong();
          lateFlagged += a.path("lateFlagged").asLong();
          flagged += a.path("flagged").asLong();
          flaggedOnTime += a.path("flaggedOnTime").asLong();
          leads.add(a.path("medianLeadWorkingDays").asText());
          System.out.printf("  risk %s, from %s, 90 days: %d stays with a deadline, %d late, %d of them flagged in advance (%s);"
                  + " %d flagged, %d in time after all (%s false alarms); median lead %s working days%n", risk, from,
              a.path("stays").asLong(), a.path("late").asLong(), a.path("lateFlagged").asLong(),
              pct(a.path("lateFlagged").asLong(), a.path("late").asLong()), a.path("flagged").asLong(), a.path("flaggedOnTime").asLong(),
              pct(a.path("flaggedOnTime").asLong(), a.path("flagged").asLong()), a.path("medianLeadWorkingDays").asText());
        }
        System.out.printf("forecast at risk %s, five quarters: %d breaches, %s flagged in advance; %s of the flags false alarms;"
            + " median lead per quarter %s working days%n", risk, late, pct(lateFlagged, late), pct(flaggedOnTime, flagged), leads);
      }

      String[] types = {"", "&caseType=CARD_APPLICATION", "&caseType=LOSS_REPORT", "&caseType=REISSUE"};
      String[] channels = QueueBenchmark.CHANNELS;
      Random random = new Random(11);
      // warm up the JIT, the connection pool and the caches first
      for (int i = 0; i < 30; i++) {
        sys.get("/api/dashboard?days=30", Scenarios.SUPERVISOR);
        sys.get("/api/task-queue?scope=GROUPS&limit=50", Scenarios.CLERK);
        sys.get("/api/cases?q=" + QueueBenchmark.enc(Persons.name(random.nextInt(n))), Scenarios.CLERK);
      }
      List<Long> dashboard = new ArrayList<>();
      List<Long> steps = new ArrayList<>();
      List<Long> queue = new ArrayList<>();
      List<Long> queueFiltered = new ArrayList<>();
      List<Long> search = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int days = i % 2 == 0 ? 30 : 90;
        dashboard.add(QueueBenchmark.time(sys, "/api/dashboard?days=" + days + types[i % types.length], Scenarios.SUPERVISOR));
        steps.add(QueueBenchmark.time(sys, "/api/dashboard/steps?days=" + days, Scenarios.SUPERVISOR));
        queue.add(QueueBenchmark.time(sys, "/api/task-queue?scope=GROUPS&limit=50", Scenarios.CLERK));
        queueFiltered.add(QueueBenchmark.time(sys, "/api/task-queue?scope=ALL&limit=50&sort=CREATED&channel="
            + channels[i % channels.length], Scenarios.SUPERVISOR));
        String q = switch (i % 3) {
          case 0 -> Persons.name(random.nextInt(n));
          case 1 -> sys.value("select case_number from card_case tablesample system (0.1) limit 1");
          default -> "SC" + LocalDate.of(2025, 1, 2).plusDays(random.nextInt(600)).toString().replace("-", "");
        };
        search.add(QueueBenchmark.time(sys, "/api/cases?q=" + QueueBenchmark.enc(q), Scenarios.CLERK));
      }
      System.out.printf("dashboard (figures and likely-late cases, last 30 or 90 days, by case type), p50/p95: %s%n",
          QueueBenchmark.p(dashboard));
      System.out.printf("time at each step (the heatmap), p50/p95: %s%n", QueueBenchmark.p(steps));
      System.out.printf("clerk's queue page (50, most urgent first), p50/p95: %s; supervisor's all-tasks page filtered by channel,"
          + " newest first: %s%n", QueueBenchmark.p(queue), QueueBenchmark.p(queueFiltered));
      System.out.printf("case search with highlights (name, case number, case-number prefix), p50/p95: %s%n", QueueBenchmark.p(search));
      JsonNode d = sys.json(sys.get("/api/dashboard?days=30", Scenarios.SUPERVISOR));
      System.out.printf("dashboard now: %d open tasks, %d breached, %d at risk; %d cases likely late%n",
          d.path("figures").path("open").asLong(), d.path("figures").path("breached").asLong(),
          d.path("figures").path("atRisk").asLong(), d.path("likelyLate").path("total").asLong());
      long errors = sys.logText().lines().filter(l -> l.contains(" ERROR ")).count();
      System.out.printf("system log: %d ERROR lines%n", errors);
    }
  }

  static String pct(long part, long whole) {
    return whole == 0 ? "n/a" : String.format("%.1f %%", part * 100.0 / whole);
  }
}
