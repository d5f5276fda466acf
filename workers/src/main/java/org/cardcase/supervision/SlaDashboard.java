package org.cardcase.supervision;

import static org.cardcase.search.IndexQueries.bool;
import static org.cardcase.search.IndexQueries.caseFilters;
import static org.cardcase.search.IndexQueries.day;
import static org.cardcase.search.IndexQueries.percentiles;
import static org.cardcase.search.IndexQueries.range;
import static org.cardcase.search.IndexQueries.sources;
import static org.cardcase.search.IndexQueries.taskFilters;
import static org.cardcase.search.IndexQueries.value;
import static org.cardcase.search.IndexQueries.with;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.search.IndexFilter;
import org.cardcase.search.IndexQueries;
import org.cardcase.search.StepVisitDocument;
import org.cardcase.search.TaskDocument;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The supervisors' figures, aggregated on the read model (Elasticsearch): backlog per step and group
 * with what is breached, at risk (due by close of business on the next working day) and unassigned;
 * received and finished per day; SLA compliance per week; cycle times per process and per step;
 * and workload per clerk. Queries are written in Elasticsearch's own JSON, as its documentation
 * shows them, and sent through search's {@link IndexQueries}. PostgreSQL stays the system of
 * record: if the index lags, these figures lag with it.
 */
@Component
public class SlaDashboard {
  private final IndexQueries index;
  private final Supplier<WorkingDayCalendar> calendar;

  @Autowired
  public SlaDashboard(IndexQueries index, CalendarStore calendar) {
    this(index, calendar::current);
  }

  SlaDashboard(IndexQueries index, Supplier<WorkingDayCalendar> calendar) {
    this.index = index;
    this.calendar = calendar;
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

  public Figures figures(IndexFilter f, Instant now) {
    Moment m = moment(now);
    // 1. the backlog now
    Map<String, Object> openAggs = new LinkedHashMap<>(slices(m));
    openAggs.put("steps", Map.of("terms", Map.of("field", "step", "size", 200), "aggs",
        Map.of("groups", Map.of("terms", Map.of("field", "group", "size", 50), "aggs", slices(m)))));
    openAggs.put("clerks", Map.of("terms", Map.of("field", "assignee", "size", 1000)));
    List<Object> openFilters = new ArrayList<>(taskFilters(f));
    openFilters.addAll(condition(Slice.OPEN, m, null));
    JsonNode open = index.search(index.tasks(), Map.of("size", 0, "track_total_hits", true,
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
    JsonNode done = index.search(index.tasks(), Map.of("size", 0,
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
    JsonNode today = index.search(index.tasks(), Map.of("size", 0,
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
    JsonNode received = index.search(index.cases(), Map.of("size", 0, "query", bool(caseFilters, range("createdAt", f.from(), f.to())),
        "aggs", Map.of("days", Map.of("date_histogram", with(perDay, "field", "createdAt")))));
    JsonNode finished = index.search(index.cases(), Map.of("size", 0, "query", bool(caseFilters, range("closedAt", f.from(), f.to())),
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
  public List<TaskDocument> tasks(IndexFilter f, Slice slice, String step, String group, String clerk, Instant now, int size) {
    List<Object> must = new ArrayList<>(taskFilters(f));
    if (step != null) {
      must.add(Map.of("term", Map.of("step", step)));
    }
    if (group != null) {
      must.add(Map.of("term", Map.of("group", group)));
    }
    must.addAll(condition(slice, moment(now), clerk));
    JsonNode r = index.search(index.tasks(), Map.of("size", size, "query", Map.of("bool", Map.of("filter", must)),
        "sort", List.of(Map.of("dueAt", Map.of("order", "asc", "missing", "_last")), Map.of("taskId", "asc"))));
    return sources(r, TaskDocument.class);
  }

  /** Time spent at a step: stays that ended in the range (median and p90, hours) and cases there now. */
  public record Heat(String step, long waiting, long finished, Double p50Hours, Double p90Hours) {}

  /** Per step: how long cases stayed there and how many are there now (for the heatmap on the diagram). */
  public List<Heat> heat(IndexFilter f) {
    JsonNode r = index.search(index.visits(), Map.of("size", 0, "query", Map.of("bool", Map.of("filter", caseFilters(f))),
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
  public List<StepVisitDocument> waitingAt(IndexFilter f, Collection<String> steps, int size) {
    List<Object> must = new ArrayList<>(caseFilters(f));
    must.add(Map.of("terms", Map.of("step", List.copyOf(steps))));
    must.add(Map.of("term", Map.of("waiting", true)));
    JsonNode r = index.search(index.visits(), Map.of("size", size, "query", Map.of("bool", Map.of("filter", must)),
        "sort", List.of(Map.of("enteredAt", "asc"), Map.of("id", "asc"))));
    return sources(r, StepVisitDocument.class);
  }

  /** The values each filter can take, from what the index holds. */
  public Map<String, List<String>> filterValues() {
    Map<String, Object> aggs = new LinkedHashMap<>();
    for (String field : List.of("caseType", "step", "channel", "group", "issuingBank")) {
      aggs.put(field, Map.of("terms", Map.of("field", field, "size", 200, "order", Map.of("_key", "asc"))));
    }
    JsonNode r = index.search(index.tasks(), Map.of("size", 0, "aggs", aggs));
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

  private static List<Spread> spreads(JsonNode terms) {
    List<Spread> out = new ArrayList<>();
    for (JsonNode b : terms.path("buckets")) {
      JsonNode v = b.path("p").path("values");
      out.add(new Spread(b.path("key").asText(), b.path("doc_count").asLong(), value(v.path("50.0")), value(v.path("90.0"))));
    }
    return out;
  }
}
