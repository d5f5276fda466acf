package org.cardcase.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.springframework.stereotype.Component;

/**
 * The supervisors' figures, aggregated on the read model (Elasticsearch): backlog per step and group
 * with what is breached, at risk (due by close of business on the next working day) and unassigned;
 * received and finished per day; SLA compliance per week; cycle times per process and per step;
 * and workload per clerk. Queries are written in Elasticsearch's own JSON, as its documentation
 * shows them. PostgreSQL stays the system of record: if the index lags, these figures lag with it.
 */
@Component
public class SlaDashboard {
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final RestClient rest;
  private final CaseIndex index;
  private final java.util.function.Supplier<WorkingDayCalendar> calendar;

  @org.springframework.beans.factory.annotation.Autowired
  public SlaDashboard(RestClient searchRestClient, CaseIndex index, CalendarStore calendar,
      @org.springframework.beans.factory.annotation.Value("${cardcase.forecast.risk:0.4}") double risk) {
    this(searchRestClient, index, calendar::current, risk);
  }

  SlaDashboard(RestClient searchRestClient, CaseIndex index, java.util.function.Supplier<WorkingDayCalendar> calendar) {
    this(searchRestClient, index, calendar, 0.5);
  }

  SlaDashboard(RestClient searchRestClient, CaseIndex index, java.util.function.Supplier<WorkingDayCalendar> calendar, double risk) {
    if (!(risk > 0 && risk < 1)) {
      throw new IllegalArgumentException("cardcase.forecast.risk must be between 0 and 1, not " + risk);
    }
    this.rest = searchRestClient;
    this.index = index;
    this.calendar = calendar;
    this.risk = risk;
  }

  /** A case is flagged when more than this share of the stays that had waited as long ended after the days it was given. */
  private final double risk;

  public double risk() {
    return risk;
  }

  /** What the figures are narrowed to; null or blank means any. The time range applies to finished work and arrivals. */
  public record Filter(Instant from, Instant to, String caseType, String step, String channel, String group, String bank) {
    public static Filter lastDays(int days, Instant now) {
      LocalDate today = now.atZone(WorkingDayCalendar.ZONE).toLocalDate();
      return new Filter(today.minusDays(days - 1L).atStartOfDay(WorkingDayCalendar.ZONE).toInstant(),
          today.plusDays(1).atStartOfDay(WorkingDayCalendar.ZONE).toInstant(), null, null, null, null, null);
    }
  }

  public record StepBacklog(String step, String group, long open, long breached, long atRisk, long unassigned) {}

  public record Day(LocalDate day, long received, long finished) {}

  /** Tasks finished in a week that had a deadline, and how many of those by it. */
  public record Week(LocalDate weekStart, long withDeadline, long onTime) {
    public Double share() {
      return withDeadline == 0 ? null : (double) onTime / withDeadline;
    }
  }

  public record Spread(String key, long count, Double p50, Double p90) {}

  public record Clerk(String name, long claimed, long finishedToday, Double medianWorkHours) {}

  public record Figures(Instant at, long open, long breached, long atRisk, long unassigned, List<StepBacklog> backlog,
      List<Day> throughput, List<Week> compliance, List<Spread> cycleDaysByProcess, List<Spread> hoursByStep,
      List<Clerk> clerks) {}

  /** The tasks behind a number. */
  public enum Slice { OPEN, BREACHED, AT_RISK, UNASSIGNED, CLAIMED, FINISHED_TODAY }

  /** The read model did not answer; the figures cannot be shown (nothing else is affected). */
  public static class Unavailable extends RuntimeException {
    Unavailable(Throwable cause) {
      super("the search index did not answer: " + cause.getMessage(), cause);
    }
  }

  /** When the figures are taken: "at risk" ends at close of business on the next working day, "today" starts at midnight in China. */
  private record Moment(Instant now, Instant riskEnd, Instant todayStart) {}

  private Moment moment(Instant now) {
    return new Moment(now, calendar.get().deadline(now, 1),
        now.atZone(WorkingDayCalendar.ZONE).toLocalDate().atStartOfDay(WorkingDayCalendar.ZONE).toInstant());
  }

  /**
   * What puts a task in a slice, written once: the counts (aggregation filters) and the lists behind
   * them (query filters) use the same clauses, so a number and its list cannot disagree.
   */
  private static List<Object> condition(Slice slice, Moment m, String clerk) {
    Object open = Map.of("term", Map.of("open", true));
    return switch (slice) {
      case OPEN -> List.of(open);
      case BREACHED -> List.of(open, range("dueAt", null, m.now()));
      case AT_RISK -> List.of(open, range("dueAt", m.now(), m.riskEnd()));
      case UNASSIGNED -> List.of(open, Map.of("bool", Map.of("must_not", Map.of("exists", Map.of("field", "assignee")))));
      case CLAIMED -> List.of(open, Map.of("term", Map.of("assignee", clerk)));
      case FINISHED_TODAY -> List.of(range("completedAt", m.todayStart(), null), Map.of("term", Map.of("completedBy", clerk)));
    };
  }

  public Figures figures(Filter f, Instant now) {
    Moment m = moment(now);
    // 1. the backlog now
    Map<String, Object> openAggs = new LinkedHashMap<>(slices(m));
    openAggs.put("steps", Map.of("terms", Map.of("field", "step", "size", 200), "aggs",
        Map.of("groups", Map.of("terms", Map.of("field", "group", "size", 50), "aggs", slices(m)))));
    openAggs.put("clerks", Map.of("terms", Map.of("field", "assignee", "size", 1000)));
    List<Object> openFilters = new ArrayList<>(taskFilters(f));
    openFilters.addAll(condition(Slice.OPEN, m, null));
    JsonNode open = search(index.taskIndexName(), Map.of("size", 0, "track_total_hits", true,
        "query", Map.of("bool", Map.of("filter", openFilters)), "aggs", openAggs));
    JsonNode oa = open.path("aggregations");
    List<StepBacklog> backlog = new ArrayList<>();
    for (JsonNode step : oa.path("steps").path("buckets")) {
      for (JsonNode g : step.path("groups").path("buckets")) {
        backlog.add(new StepBacklog(step.path("key").asText(), g.path("key").asText(), g.path("doc_count").asLong(),
            g.path("breached").path("doc_count").asLong(), g.path("atRisk").path("doc_count").asLong(),
            g.path("unassigned").path("doc_count").asLong()));
      }
    }
    // 2. finished tasks in the range: compliance per week and time at each step
    String zone = WorkingDayCalendar.ZONE.getId();
    JsonNode done = search(index.taskIndexName(), Map.of("size", 0,
        "query", bool(taskFilters(f), range("completedAt", f.from(), f.to())),
        "aggs", Map.of(
            "weeks", Map.of("date_histogram", Map.of("field", "completedAt", "calendar_interval", "week", "time_zone", zone,
                    "min_doc_count", 0, "extended_bounds", Map.of("min", f.from().toEpochMilli(), "max", f.to().toEpochMilli() - 1)),
                "aggs", Map.of("due", Map.of("filter", Map.of("exists", Map.of("field", "onTime"))),
                    "onTime", Map.of("filter", Map.of("term", Map.of("onTime", true))))),
            "steps", Map.of("terms", Map.of("field", "step", "size", 200),
                "aggs", Map.of("p", percentiles("hoursAtStep"))))));
    List<Week> weeks = new ArrayList<>();
    for (JsonNode w : done.path("aggregations").path("weeks").path("buckets")) {
      weeks.add(new Week(day(w.path("key").asLong()), w.path("due").path("doc_count").asLong(),
          w.path("onTime").path("doc_count").asLong()));
    }
    List<Spread> byStep = spreads(done.path("aggregations").path("steps"));
    // 3. work finished today, per clerk
    JsonNode today = search(index.taskIndexName(), Map.of("size", 0,
        "query", bool(taskFilters(f), range("completedAt", m.todayStart(), null)),
        "aggs", Map.of("clerks", Map.of("terms", Map.of("field", "completedBy", "size", 1000),
            "aggs", Map.of("p", Map.of("percentiles", Map.of("field", "workHours", "percents", List.of(50))))))));
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Double> medians = new LinkedHashMap<>();
    for (JsonNode c : oa.path("clerks").path("buckets")) {
      counts.computeIfAbsent(c.path("key").asText(), k -> new long[2])[0] = c.path("doc_count").asLong();
    }
    for (JsonNode c : today.path("aggregations").path("clerks").path("buckets")) {
      counts.computeIfAbsent(c.path("key").asText(), k -> new long[2])[1] = c.path("doc_count").asLong();
      medians.put(c.path("key").asText(), value(c.path("p").path("values").path("50.0")));
    }
    List<Clerk> clerks = counts.entrySet().stream()
        .map(e -> new Clerk(e.getKey(), e.getValue()[0], e.getValue()[1], medians.get(e.getKey()))).toList();
    // 4. cases: received and finished per day, cycle time per process (step and group do not apply to a case)
    List<Object> caseFilters = caseFilters(f);
    Map<String, Object> perDay = Map.of("calendar_interval", "day", "time_zone", zone, "min_doc_count", 0,
        "extended_bounds", Map.of("min", f.from().toEpochMilli(), "max", f.to().toEpochMilli() - 1));
    JsonNode received = search(index.name(), Map.of("size", 0, "query", bool(caseFilters, range("createdAt", f.from(), f.to())),
        "aggs", Map.of("days", Map.of("date_histogram", with(perDay, "field", "createdAt")))));
    JsonNode finished = search(index.name(), Map.of("size", 0, "query", bool(caseFilters, range("closedAt", f.from(), f.to())),
        "aggs", Map.of("days", Map.of("date_histogram", with(perDay, "field", "closedAt")),
            "types", Map.of("terms", Map.of("field", "caseType", "size", 50), "aggs", Map.of("p", percentiles("cycleWorkingDays"))))));
    Map<LocalDate, long[]> days = new TreeMap<>();
    for (JsonNode d : received.path("aggregations").path("days").path("buckets")) {
      days.computeIfAbsent(day(d.path("key").asLong()), k -> new long[2])[0] = d.path("doc_count").asLong();
    }
    for (JsonNode d : finished.path("aggregations").path("days").path("buckets")) {
      days.computeIfAbsent(day(d.path("key").asLong()), k -> new long[2])[1] = d.path("doc_count").asLong();
    }
    List<Day> throughput = days.entrySet().stream().map(e -> new Day(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    return new Figures(now, open.path("hits").path("total").path("value").asLong(), oa.path("breached").path("doc_count").asLong(),
        oa.path("atRisk").path("doc_count").asLong(), oa.path("unassigned").path("doc_count").asLong(), backlog, throughput,
        weeks, spreads(finished.path("aggregations").path("types")), byStep, clerks);
  }

  /** The tasks behind a number (most urgent first), at most {@code size}. */
  public List<TaskDocument> tasks(Filter f, Slice slice, String step, String group, String clerk, Instant now, int size) {
    List<Object> must = new ArrayList<>(taskFilters(f));
    if (step != null) {
      must.add(Map.of("term", Map.of("step", step)));
    }
    if (group != null) {
      must.add(Map.of("term", Map.of("group", group)));
    }
    must.addAll(condition(slice, moment(now), clerk));
    JsonNode r = search(index.taskIndexName(), Map.of("size", size, "query", Map.of("bool", Map.of("filter", must)),
        "sort", List.of(Map.of("dueAt", Map.of("order", "asc", "missing", "_last")), Map.of("taskId", "asc"))));
    return sources(r, TaskDocument.class);
  }

  /** Time spent at a step: stays that ended in the range (median and p90, hours) and cases there now. */
  public record Heat(String step, long waiting, long finished, Double p50Hours, Double p90Hours) {}

  /** Per step: how long cases stayed there and how many are there now (for the heatmap on the diagram). */
  public List<Heat> heat(Filter f) {
    JsonNode r = search(index.visitIndexName(), Map.of("size", 0, "query", Map.of("bool", Map.of("filter", caseFilters(f))),
        "aggs", Map.of("steps", Map.of("terms", Map.of("field", "step", "size", 500), "aggs", Map.of(
            "done", Map.of("filter", range("leftAt", f.from(), f.to()), "aggs", Map.of("p", percentiles("hours"))),
            "waiting", Map.of("filter", Map.of("term", Map.of("waiting", true))))))));
    List<Heat> out = new ArrayList<>();
    for (JsonNode b : r.path("aggregations").path("steps").path("buckets")) {
      JsonNode done = b.path("done");
      out.add(new Heat(b.path("key").asText(), b.path("waiting").path("doc_count").asLong(), done.path("doc_count").asLong(),
          value(done.path("p").path("values").path("50.0")), value(done.path("p").path("values").path("90.0"))));
    }
    return out;
  }

  /** The cases at these steps now, longest there first. */
  public List<StepVisitDocument> waitingAt(Filter f, java.util.Collection<String> steps, int size) {
    List<Object> must = new ArrayList<>(caseFilters(f));
    must.add(Map.of("terms", Map.of("step", List.copyOf(steps))));
    must.add(Map.of("term", Map.of("waiting", true)));
    JsonNode r = search(index.visitIndexName(), Map.of("size", size, "query", Map.of("bool", Map.of("filter", must)),
        "sort", List.of(Map.of("enteredAt", "asc"), Map.of("id", "asc"))));
    return sources(r, StepVisitDocument.class);
  }

  // --- breach forecast ---------------------------------------------------------------------

  /** Fewer finished stays than this at a step, and the forecast says nothing about it (no history, no guess). */
  public static final int MIN_HISTORY = 20;
  /** The history the forecast learns from: stays that ended within this many days. */
  static final java.time.Duration HISTORY = java.time.Duration.ofDays(180);

  /**
   * How long cases stay at a step, from the finished stays: how many stays lasted each number of
   * working days (never empty). The median, and the estimate for a case that has already waited a
   * while, are read from it.
   */
  public record StepNorm(String step, java.util.NavigableMap<Integer, Long> durations) {
    /** How many finished stays the norm is learnt from. */
    public long stays() {
      return count(durations);
    }

    /** The median working days of all the stays. */
    public double medianWorkingDays() {
      return after(0).workingDays();
    }

    /**
     * The median working days of the stays that lasted at least {@code elapsed} (a case that has
     * waited long is compared with the cases that waited as long), and how many there were.
     */
    public Estimate after(int elapsed) {
      java.util.NavigableMap<Integer, Long> tail = durations.tailMap(Math.max(elapsed, 0), true);
      long n = count(tail);
      if (n == 0) {
        // longer than every stay seen: at least as long as it has been
        return new Estimate(elapsed, 0);
      }
      long seen = 0;
      Integer lower = null;
      for (var e : tail.entrySet()) {
        seen += e.getValue();
        // the middle of n values: the (n+1)/2-th, or the mean of the two middle ones
        if (lower == null && seen * 2 >= n) {
          lower = e.getKey();
        }
        if (seen * 2 > n) {
          return new Estimate((lower + e.getKey()) / 2.0, n);
        }
      }
      return new Estimate(lower, n);
    }

    private static long count(java.util.Map<Integer, Long> durations) {
      return durations.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Working days a stay is expected to take in all, from {@code stays} finished ones. */
  public record Estimate(double workingDays, long stays) {}

  /**
   * Of the stays that lasted at least {@code elapsed} working days, the share that lasted more
   * than {@code allowed}: how likely a case that has waited that long is to miss a deadline that
   * many working days after it arrived. 0 when no stay lasted as long: nothing to learn from.
   */
  static double lateShare(StepNorm n, int elapsed, int allowed) {
    java.util.NavigableMap<Integer, Long> tail = n.durations().tailMap(Math.max(elapsed, 0), true);
    long all = StepNorm.count(tail);
    if (all == 0) {
      return 0.0;
    }
    return (double) StepNorm.count(tail.tailMap(allowed, false)) / all;
  }

  /**
   * A case likely to miss the deadline of the step it waits at, before it does: of the finished
   * stays at its step that lasted at least as long as it has waited so far, more than the risk
   * share (40 % unless configured) lasted longer than the working days it was given.
   *
   * @param medianWorkingDays median working days of those stays (what such a stay usually takes in all)
   * @param history how many finished stays the estimate is read from
   * @param elapsedWorkingDays working days it has waited there so far
   * @param lateShare the share of those stays that lasted longer than it was given
   */
  public record Forecast(String caseNumber, String step, Instant enteredAt, Instant dueAt, int allowedWorkingDays,
      double medianWorkingDays, long history, int workingDaysLeft, int elapsedWorkingDays, double lateShare) {}

  private volatile Map<String, StepNorm> norms = Map.of();
  private volatile long normsAt;
  private volatile boolean normsRead;

  /** The norms per step, read again at most once a minute (queues ask on every page); the last known while the index is away. */
  public Map<String, StepNorm> norms(Instant now) {
    if (!normsRead || System.nanoTime() - normsAt > 60_000_000_000L) {
      try {
        norms = readNorms(now);
      } catch (Unavailable e) {
        // the last known norms stand; the dashboard says the index is away
      }
      normsAt = System.nanoTime();
      normsRead = true;
    }
    return norms;
  }

  /**
   * Steps where the time is the bank's, and banks differ: there the estimate is learnt per bank
   * (when the bank has enough history there), elsewhere per step.
   */
  static final java.util.Set<String> BANK_STEPS = java.util.Set.of(org.cardcase.processes.CardProductionProcess.WAIT_CARD_PRODUCED);

  /** The key of a bank's own norm at a bank step. */
  static String bankKey(String step, String bank) {
    return step + "@" + bank;
  }

  /** The norm a stay is judged by: its bank's at a bank step if known, else its step's. */
  static StepNorm normOf(Map<String, StepNorm> norms, String step, String bank) {
    if (bank != null && BANK_STEPS.contains(step)) {
      StepNorm own = norms.get(bankKey(step, bank));
      if (own != null) {
        return own;
      }
    }
    return norms.get(step);
  }

  /** The norms learnt from the stays that ended in the {@link #HISTORY} before {@code now}. */
  Map<String, StepNorm> readNorms(Instant now) {
    // how many stays lasted each number of working days: the median, and the median of the longer ones, come from it
    Map<String, Object> durations = Map.of(
        "days", Map.of("histogram", Map.of("field", "workingDays", "interval", 1, "min_doc_count", 1)));
    Map<String, Object> perStep = new LinkedHashMap<>(durations);
    perStep.put("banks", Map.of("terms", Map.of("field", "issuingBank", "size", 100, "min_doc_count", MIN_HISTORY), "aggs", durations));
    JsonNode r = search(index.visitIndexName(), Map.of("size", 0,
        "query", Map.of("bool", Map.of("filter", List.of(range("leftAt", now.minus(HISTORY), now),
            Map.of("exists", Map.of("field", "workingDays"))))),
        "aggs", Map.of("steps", Map.of("terms", Map.of("field", "step", "size", 500, "min_doc_count", MIN_HISTORY),
            "aggs", perStep))));
    Map<String, StepNorm> out = new java.util.HashMap<>();
    for (JsonNode b : r.path("aggregations").path("steps").path("buckets")) {
      String step = b.path("key").asText();
      norm(step, b).ifPresent(n -> out.put(step, n));
      if (BANK_STEPS.contains(step)) {
        for (JsonNode bank : b.path("banks").path("buckets")) {
          norm(step, bank).ifPresent(n -> out.put(bankKey(step, bank.path("key").asText()), n));
        }
      }
    }
    return Map.copyOf(out);
  }

  private static java.util.Optional<StepNorm> norm(String step, JsonNode bucket) {
    java.util.TreeMap<Integer, Long> durations = new java.util.TreeMap<>();
    for (JsonNode d : bucket.path("days").path("buckets")) {
      durations.put(d.path("key").asInt(), d.path("doc_count").asLong());
    }
    if (durations.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new StepNorm(step, java.util.Collections.unmodifiableNavigableMap(durations)));
  }

  /** The forecast for one stay (a task in a queue, a case's current step); empty if it is on track or nothing is known. */
  public java.util.Optional<Forecast> forecast(String caseNumber, String step, Instant enteredAt, Instant dueAt, Instant now) {
    return forecast(caseNumber, step, null, enteredAt, dueAt, now);
  }

  /** The same, for a case of this issuing bank (judged by the bank's own history at a bank step). */
  public java.util.Optional<Forecast> forecast(String caseNumber, String step, String bank, Instant enteredAt, Instant dueAt,
      Instant now) {
    return forecast(normOf(norms(now), step, bank), caseNumber, step, enteredAt, dueAt, now);
  }

  private java.util.Optional<Forecast> forecast(StepNorm norm, String caseNumber, String step, Instant enteredAt, Instant dueAt,
      Instant now) {
    if (norm == null || dueAt == null || enteredAt == null || !dueAt.isAfter(now)) {
      return java.util.Optional.empty(); // no history, no deadline, or already breached (that is not a forecast)
    }
    WorkingDayCalendar cal = calendar.get();
    int allowed = cal.workingDaysBetween(StepVisitDocument.day(enteredAt), StepVisitDocument.day(dueAt));
    int elapsed = Math.max(0, cal.workingDaysBetween(StepVisitDocument.day(enteredAt), StepVisitDocument.day(now)));
    double share = lateShare(norm, elapsed, allowed);
    if (share <= risk) {
      return java.util.Optional.empty();
    }
    Estimate estimate = norm.after(elapsed);
    return java.util.Optional.of(new Forecast(caseNumber, step, enteredAt, dueAt, allowed, estimate.workingDays(),
        estimate.stays(), cal.workingDaysBetween(StepVisitDocument.day(now), StepVisitDocument.day(dueAt)), elapsed, share));
  }

  /** The forecast for the step a case waits at now (for its case file); empty if on track, unknown, or the index is away. */
  public java.util.Optional<Forecast> forecastOfCase(String caseNumber, Instant now) {
    try {
      JsonNode r = search(index.visitIndexName(), Map.of("size", 5, "query", Map.of("bool", Map.of("filter", List.of(
          Map.of("term", Map.of("caseNumber", caseNumber)), Map.of("term", Map.of("waiting", true)))))));
      return sources(r, StepVisitDocument.class).stream()
          .flatMap(v -> forecast(caseNumber, v.step(), v.issuingBank(), v.enteredAt(), v.dueAt(), now).stream()).findFirst();
    } catch (Unavailable e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The forecast rule as a query: per step and working days allowed, the fewest working days a
   * case must have waited for the estimate to pass its deadline (the estimate only grows with the
   * wait), as "entered on or before" that many working days ago.
   */
  private List<Object> flaggedClauses(Map<String, StepNorm> known, Instant now) {
    WorkingDayCalendar cal = calendar.get();
    LocalDate today = StepVisitDocument.day(now);
    List<Object> out = new ArrayList<>();
    for (var entry : known.entrySet()) {
      StepNorm n = entry.getValue();
      // which stays this norm judges: its bank's at a bank step, or the step's stays of banks without one of their own
      List<Object> whose = new ArrayList<>();
      String key = entry.getKey();
      if (key.contains("@")) {
        whose.add(Map.of("term", Map.of("issuingBank", key.substring(key.indexOf('@') + 1))));
      } else {
        List<String> own = known.keySet().stream().filter(k -> k.startsWith(key + "@")).map(k -> k.substring(key.length() + 1)).toList();
        if (!own.isEmpty()) {
          whose.add(Map.of("bool", Map.of("must_not", Map.of("terms", Map.of("issuingBank", own)))));
        }
      }
      int longest = n.durations().lastKey();
      int runStart = 0;
      int runWait = firstFlaggedWait(n, 0, risk);
      for (int allowed = 1; allowed <= longest + 1; allowed++) {
        int wait = allowed <= longest ? firstFlaggedWait(n, allowed, risk) : -2; // past the longest stay: ends the last run
        if (wait != runWait) {
          if (runWait >= 0) {
            out.add(flagged(n.step(), whose, runStart, allowed - 1, runWait, cal, today));
          }
          runStart = allowed;
          runWait = wait;
        }
      }
    }
    return out;
  }

  /** The fewest working days waited at which a stay given {@code allowed} is flagged; -1 if never before its deadline. */
  private static int firstFlaggedWait(StepNorm n, int allowed, double risk) {
    for (int e = 0; e <= allowed; e++) {
      if (lateShare(n, e, allowed) > risk) {
        return e;
      }
    }
    return -1;
  }

  private static Object flagged(String step, List<Object> whose, int minAllowed, int maxAllowed, int waited, WorkingDayCalendar cal,
      LocalDate today) {
    List<Object> f = new ArrayList<>(List.of(Map.of("term", Map.of("step", step)),
        Map.of("range", Map.of("allowedWorkingDays", Map.of("gte", minAllowed, "lte", maxAllowed)))));
    f.addAll(whose);
    if (waited > 0) {
      LocalDate last = today;
      while (cal.workingDaysBetween(last, today) < waited) {
        last = last.minusDays(1);
      }
      f.add(range("enteredAt", null, last.plusDays(1).atStartOfDay(WorkingDayCalendar.ZONE).toInstant()));
    }
    return Map.of("bool", Map.of("filter", f));
  }

  /**
   * How the forecast did on stays that are over: learnt from what had finished before {@code at},
   * checked on the stays that began in the {@code days} after it. Each stay is looked at once a
   * working day while it waits, up to the working day before its deadline's day; a breach counts
   * as flagged in advance if one of those looks flagged it.
   *
   * @param stays finished stays with a deadline at steps the forecast knows
   * @param late of them, how many ended after their deadline
   * @param lateFlagged breaches flagged in advance
   * @param flagged stays flagged at some look
   * @param flaggedOnTime flagged stays that ended in time (false alarms)
   * @param medianLeadWorkingDays for the breaches flagged: working days from the first flag to the deadline's day (median)
   */
  public record Accuracy(Instant learntUntil, Instant testedUntil, long stays, long late, long lateFlagged, long flagged,
      long flaggedOnTime, Double medianLeadWorkingDays) {
    @com.fasterxml.jackson.annotation.JsonProperty
    public Double flaggedShareOfLate() {
      return late == 0 ? null : (double) lateFlagged / late;
    }

    @com.fasterxml.jackson.annotation.JsonProperty
    public Double falseAlarmShare() {
      return flagged == 0 ? null : (double) flaggedOnTime / flagged;
    }
  }

  public Accuracy backtest(Instant at, int days) {
    return backtest(at, days, risk);
  }

  /** The same with another risk share, to compare (more flags and more lead time below, fewer false alarms above). */
  public Accuracy backtest(Instant at, int days, double risk) {
    Instant until = at.plus(java.time.Duration.ofDays(days));
    Map<String, StepNorm> learnt = readNorms(at);
    if (learnt.isEmpty()) {
      return new Accuracy(at, until, 0, 0, 0, 0, 0, null);
    }
    JsonNode r = search(index.visitIndexName(), Map.of("size", 0,
        "query", Map.of("bool", Map.of("filter", List.of(range("enteredAt", at, until), Map.of("exists", Map.of("field", "late")),
            Map.of("terms", Map.of("step", learnt.keySet().stream().filter(k -> !k.contains("@")).toList()))))),
        "aggs", Map.of("steps", Map.of("terms", Map.of("field", "step", "size", 500),
            "aggs", Map.of("banks", Map.of("terms", Map.of("field", "issuingBank", "size", 100, "missing", ""),
                "aggs", Map.of("allowed", Map.of("histogram", Map.of("field", "allowedWorkingDays", "interval", 1, "min_doc_count", 1),
                    "aggs", Map.of("took", Map.of("histogram", Map.of("field", "workingDays", "interval", 1, "min_doc_count", 1),
                        "aggs", Map.of("late", Map.of("filter", Map.of("term", Map.of("late", true))))))))))))));
    long stays = 0;
    long late = 0;
    long lateFlagged = 0;
    long flagged = 0;
    long flaggedOnTime = 0;
    List<long[]> leads = new ArrayList<>(); // lead working days, count
    List<JsonNode> groups = new ArrayList<>();
    List<StepNorm> normsOfGroups = new ArrayList<>();
    for (JsonNode s : r.path("aggregations").path("steps").path("buckets")) {
      for (JsonNode b : s.path("banks").path("buckets")) {
        String bank = b.path("key").asText();
        groups.add(b);
        normsOfGroups.add(normOf(learnt, s.path("key").asText(), bank.isEmpty() ? null : bank));
      }
    }
    for (int g = 0; g < groups.size(); g++) {
      StepNorm norm = normsOfGroups.get(g);
      for (JsonNode a : groups.get(g).path("allowed").path("buckets")) {
        int allowed = a.path("key").asInt();
        int firstFlag = allowed >= 1 ? firstFlaggedWait(norm, allowed, risk) : -1;
        for (JsonNode t : a.path("took").path("buckets")) {
          int took = t.path("key").asInt();
          long n = t.path("doc_count").asLong();
          long nLate = t.path("late").path("doc_count").asLong();
          stays += n;
          late += nLate;
          // looked at on the working days it waited, up to the day before its deadline's day
          boolean wasFlagged = firstFlag >= 0 && firstFlag <= Math.min(took, allowed - 1);
          if (wasFlagged) {
            flagged += n;
            flaggedOnTime += n - nLate;
            lateFlagged += nLate;
            if (nLate > 0) {
              leads.add(new long[] {allowed - firstFlag, nLate});
            }
          }
        }
      }
    }
    leads.sort(java.util.Comparator.comparingLong(l -> l[0]));
    Double lead = null;
    long seen = 0;
    for (long[] l : leads) {
      seen += l[1];
      if (seen * 2 >= lateFlagged) {
        lead = (double) l[0];
        break;
      }
    }
    return new Accuracy(at, until, stays, late, lateFlagged, flagged, flaggedOnTime, lead);
  }

  /** The open cases likely to be late, soonest deadline first, and how many there are. */
  public record LikelyLate(long total, List<Forecast> cases) {}

  public LikelyLate likelyLate(Filter f, Instant now, int size) {
    Map<String, StepNorm> known = norms(now);
    if (known.isEmpty()) {
      return new LikelyLate(0, List.of());
    }
    List<Object> must = new ArrayList<>(caseFilters(f));
    term(must, "step", f.step());
    must.add(Map.of("term", Map.of("waiting", true)));
    must.add(range("dueAt", now, null));
    // the same rule as forecast(), as a query
    List<Object> shorter = flaggedClauses(known, now);
    if (shorter.isEmpty()) {
      return new LikelyLate(0, List.of());
    }
    must.add(Map.of("bool", Map.of("should", shorter, "minimum_should_match", 1)));
    JsonNode r = search(index.visitIndexName(), Map.of("size", size, "track_total_hits", true,
        "query", Map.of("bool", Map.of("filter", must)),
        "sort", List.of(Map.of("dueAt", "asc"), Map.of("id", "asc"))));
    List<Forecast> out = new ArrayList<>();
    for (StepVisitDocument v : sources(r, StepVisitDocument.class)) {
      forecast(v.caseNumber(), v.step(), v.issuingBank(), v.enteredAt(), v.dueAt(), now).ifPresent(out::add);
    }
    return new LikelyLate(r.path("hits").path("total").path("value").asLong(), out);
  }

  /** The documents a search returned, in its order. */
  private static <T> List<T> sources(JsonNode response, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (JsonNode h : response.path("hits").path("hits")) {
      out.add(JSON.convertValue(h.path("_source"), type));
    }
    return out;
  }

  /** The values each filter can take, from what the index holds. */
  public Map<String, List<String>> filterValues() {
    Map<String, Object> aggs = new LinkedHashMap<>();
    for (String field : List.of("caseType", "step", "channel", "group", "issuingBank")) {
      aggs.put(field, Map.of("terms", Map.of("field", field, "size", 200, "order", Map.of("_key", "asc"))));
    }
    JsonNode r = search(index.taskIndexName(), Map.of("size", 0, "aggs", aggs));
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String field : aggs.keySet()) {
      List<String> values = new ArrayList<>();
      r.path("aggregations").path(field).path("buckets").forEach(b -> values.add(b.path("key").asText()));
      out.put(field, values);
    }
    return out;
  }

  /** The backlog's counts, as filters within the open tasks (the OPEN clause is already in the query). */
  private static Map<String, Object> slices(Moment m) {
    return Map.of("breached", Map.of("filter", narrowing(Slice.BREACHED, m)),
        "atRisk", Map.of("filter", narrowing(Slice.AT_RISK, m)),
        "unassigned", Map.of("filter", narrowing(Slice.UNASSIGNED, m)));
  }

  private static Map<String, Object> narrowing(Slice slice, Moment m) {
    return Map.of("bool", Map.of("filter", condition(slice, m, null)));
  }

  private static Map<String, Object> percentiles(String field) {
    return Map.of("percentiles", Map.of("field", field, "percents", List.of(50, 90)));
  }

  private static List<Spread> spreads(JsonNode terms) {
    List<Spread> out = new ArrayList<>();
    for (JsonNode b : terms.path("buckets")) {
      JsonNode v = b.path("p").path("values");
      out.add(new Spread(b.path("key").asText(), b.path("doc_count").asLong(), value(v.path("50.0")), value(v.path("90.0"))));
    }
    return out;
  }

  private static Double value(JsonNode n) {
    return n.isNumber() ? Math.round(n.asDouble() * 10) / 10.0 : null;
  }

  private static LocalDate day(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atZone(WorkingDayCalendar.ZONE).toLocalDate();
  }

  private static List<Object> taskFilters(Filter f) {
    List<Object> out = caseFilters(f);
    term(out, "step", f.step());
    term(out, "group", f.group());
    return out;
  }

  private static List<Object> caseFilters(Filter f) {
    List<Object> out = new ArrayList<>();
    term(out, "caseType", f.caseType());
    term(out, "channel", f.channel());
    term(out, "issuingBank", f.bank());
    return out;
  }

  private static void term(List<Object> out, String field, String value) {
    if (value != null && !value.isBlank()) {
      out.add(Map.of("term", Map.of(field, value)));
    }
  }

  private static Map<String, Object> bool(List<Object> filters, Object also) {
    List<Object> all = new ArrayList<>(filters);
    all.add(also);
    return Map.of("bool", Map.of("filter", all));
  }

  private static Map<String, Object> range(String field, Instant from, Instant to) {
    Map<String, Object> r = new LinkedHashMap<>();
    if (from != null) {
      r.put("gte", from.toEpochMilli());
    }
    if (to != null) {
      r.put("lt", to.toEpochMilli());
    }
    return Map.of("range", Map.of(field, r));
  }

  private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
    Map<String, Object> out = new LinkedHashMap<>(m);
    out.put(key, value);
    return out;
  }

  private JsonNode search(String indexName, Map<String, Object> body) {
    try {
      Request request = new Request("POST", "/" + indexName + "/_search");
      request.setJsonEntity(JSON.writeValueAsString(body));
      Response response = rest.performRequest(request);
      try (InputStream in = response.getEntity().getContent()) {
        return JSON.readTree(in);
      }
    } catch (IOException | RuntimeException e) {
      throw new Unavailable(e);
    }
  }
}
