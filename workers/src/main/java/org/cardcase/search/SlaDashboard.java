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
  public SlaDashboard(RestClient searchRestClient, CaseIndex index, CalendarStore calendar) {
    this(searchRestClient, index, calendar::current);
  }

  SlaDashboard(RestClient searchRestClient, CaseIndex index, java.util.function.Supplier<WorkingDayCalendar> calendar) {
    this.rest = searchRestClient;
    this.index = index;
    this.calendar = calendar;
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

  /** How long cases stay at a step, from the finished stays: the median in working days. */
  public record StepNorm(String step, long stays, double medianWorkingDays) {}

  /**
   * A case likely to miss the deadline of the step it waits at, before it does: its step usually
   * takes longer (median working days of finished stays) than the working days it was given.
   */
  public record Forecast(String caseNumber, String step, Instant enteredAt, Instant dueAt, int allowedWorkingDays,
      double medianWorkingDays, long history, int workingDaysLeft) {}

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

  Map<String, StepNorm> readNorms(Instant now) {
    JsonNode r = search(index.visitIndexName(), Map.of("size", 0,
        "query", Map.of("bool", Map.of("filter", List.of(range("leftAt", now.minus(HISTORY), now),
            Map.of("exists", Map.of("field", "workingDays"))))),
        "aggs", Map.of("steps", Map.of("terms", Map.of("field", "step", "size", 500, "min_doc_count", MIN_HISTORY),
            "aggs", Map.of("p", Map.of("percentiles", Map.of("field", "workingDays", "percents", List.of(50))))))));
    Map<String, StepNorm> out = new java.util.HashMap<>();
    for (JsonNode b : r.path("aggregations").path("steps").path("buckets")) {
      JsonNode median = b.path("p").path("values").path("50.0");
      if (median.isNumber()) {
        out.put(b.path("key").asText(), new StepNorm(b.path("key").asText(), b.path("doc_count").asLong(), median.asDouble()));
      }
    }
    return Map.copyOf(out);
  }

  /** The forecast for one stay (a task in a queue, a case's current step); empty if it is on track or nothing is known. */
  public java.util.Optional<Forecast> forecast(String caseNumber, String step, Instant enteredAt, Instant dueAt, Instant now) {
    StepNorm norm = norms(now).get(step);
    if (norm == null || dueAt == null || enteredAt == null || !dueAt.isAfter(now)) {
      return java.util.Optional.empty(); // no history, no deadline, or already breached (that is not a forecast)
    }
    WorkingDayCalendar cal = calendar.get();
    int allowed = cal.workingDaysBetween(StepVisitDocument.day(enteredAt), StepVisitDocument.day(dueAt));
    if (allowed >= norm.medianWorkingDays()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Forecast(caseNumber, step, enteredAt, dueAt, allowed, norm.medianWorkingDays(),
        norm.stays(), cal.workingDaysBetween(StepVisitDocument.day(now), StepVisitDocument.day(dueAt))));
  }

  /** The forecast for the step a case waits at now (for its case file); empty if on track, unknown, or the index is away. */
  public java.util.Optional<Forecast> forecastOfCase(String caseNumber, Instant now) {
    try {
      JsonNode r = search(index.visitIndexName(), Map.of("size", 5, "query", Map.of("bool", Map.of("filter", List.of(
          Map.of("term", Map.of("caseNumber", caseNumber)), Map.of("term", Map.of("waiting", true)))))));
      return sources(r, StepVisitDocument.class).stream()
          .flatMap(v -> forecast(caseNumber, v.step(), v.enteredAt(), v.dueAt(), now).stream()).findFirst();
    } catch (Unavailable e) {
      return java.util.Optional.empty();
    }
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
    // the same rule as forecast(): given fewer working days than the step's median
    List<Object> shorter = new ArrayList<>();
    known.values().forEach(n -> shorter.add(Map.of("bool", Map.of("filter", List.of(Map.of("term", Map.of("step", n.step())),
        Map.of("range", Map.of("allowedWorkingDays", Map.of("lt", n.medianWorkingDays()))))))));
    must.add(Map.of("bool", Map.of("should", shorter, "minimum_should_match", 1)));
    JsonNode r = search(index.visitIndexName(), Map.of("size", size, "track_total_hits", true,
        "query", Map.of("bool", Map.of("filter", must)),
        "sort", List.of(Map.of("dueAt", "asc"), Map.of("id", "asc"))));
    List<Forecast> out = new ArrayList<>();
    for (StepVisitDocument v : sources(r, StepVisitDocument.class)) {
      forecast(v.caseNumber(), v.step(), v.enteredAt(), v.dueAt(), now).ifPresent(out::add);
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
