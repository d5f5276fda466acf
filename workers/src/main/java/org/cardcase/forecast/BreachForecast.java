package org.cardcase.forecast;

import static org.cardcase.search.IndexQueries.caseFilters;
import static org.cardcase.search.IndexQueries.range;
import static org.cardcase.search.IndexQueries.sources;
import static org.cardcase.search.IndexQueries.term;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.processes.CardProductionProcess;
import org.cardcase.search.IndexFilter;
import org.cardcase.search.IndexQueries;
import org.cardcase.search.IndexUnavailable;
import org.cardcase.search.StepVisitDocument;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The breach forecast: which open cases are likely to miss the deadline of the step they wait at,
 * before they do, learnt from how long the stays that ended took there (the read model's stays at
 * steps), and how well that rule did on stays that are over (the backtest). It reads the index
 * through search's {@link IndexQueries}; when the index is away the last norms known stand.
 */
@Component
public class BreachForecast {
  private final IndexQueries index;
  private final Supplier<WorkingDayCalendar> calendar;
  /** A case is flagged when more than this share of the stays that had waited as long ended after the days it was given. */
  private final double risk;

  @Autowired
  public BreachForecast(IndexQueries index, CalendarStore calendar, @Value("${cardcase.forecast.risk:0.4}") double risk) {
    this(index, calendar::current, risk);
  }

  BreachForecast(IndexQueries index, Supplier<WorkingDayCalendar> calendar) {
    this(index, calendar, 0.5);
  }

  BreachForecast(IndexQueries index, Supplier<WorkingDayCalendar> calendar, double risk) {
    if (!(risk > 0 && risk < 1)) {
      throw new IllegalArgumentException("cardcase.forecast.risk must be between 0 and 1, not " + risk);
    }
    this.index = index;
    this.calendar = calendar;
    this.risk = risk;
  }

  public double risk() {
    return risk;
  }


  /** Fewer finished stays than this at a step, and the forecast says nothing about it (no history, no guess). */
  public static final int MIN_HISTORY = 20;
  /** The history the forecast learns from: stays that ended within this many days. */
  static final Duration HISTORY = Duration.ofDays(180);

  /**
   * How long cases stay at a step, from the finished stays: how many stays lasted each number of
   * working days (never empty). The median, and the estimate for a case that has already waited a
   * while, are read from it.
   */
  public record StepNorm(String step, NavigableMap<Integer, Long> durations) {
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
      NavigableMap<Integer, Long> tail = durations.tailMap(Math.max(elapsed, 0), true);
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

    private static long count(Map<Integer, Long> durations) {
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
    NavigableMap<Integer, Long> tail = n.durations().tailMap(Math.max(elapsed, 0), true);
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
      } catch (IndexUnavailable e) {
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
  static final Set<String> BANK_STEPS = Set.of(CardProductionProcess.WAIT_CARD_PRODUCED);

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
    JsonNode r = index.search(index.visits(), Map.of("size", 0,
        "query", Map.of("bool", Map.of("filter", List.of(range("leftAt", now.minus(HISTORY), now),
            Map.of("exists", Map.of("field", "workingDays"))))),
        "aggs", Map.of("steps", Map.of("terms", Map.of("field", "step", "size", 500, "min_doc_count", MIN_HISTORY),
            "aggs", perStep))));
    Map<String, StepNorm> out = new HashMap<>();
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

  private static Optional<StepNorm> norm(String step, JsonNode bucket) {
    TreeMap<Integer, Long> durations = new TreeMap<>();
    for (JsonNode d : bucket.path("days").path("buckets")) {
      durations.put(d.path("key").asInt(), d.path("doc_count").asLong());
    }
    if (durations.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new StepNorm(step, Collections.unmodifiableNavigableMap(durations)));
  }

  /** The forecast for one stay (a task in a queue, a case's current step); empty if it is on track or nothing is known. */
  public Optional<Forecast> forecast(String caseNumber, String step, Instant enteredAt, Instant dueAt, Instant now) {
    return forecast(caseNumber, step, null, enteredAt, dueAt, now);
  }

  /** The same, for a case of this issuing bank (judged by the bank's own history at a bank step). */
  public Optional<Forecast> forecast(String caseNumber, String step, String bank, Instant enteredAt, Instant dueAt,
      Instant now) {
    return forecast(normOf(norms(now), step, bank), caseNumber, step, enteredAt, dueAt, now);
  }

  private Optional<Forecast> forecast(StepNorm norm, String caseNumber, String step, Instant enteredAt, Instant dueAt,
      Instant now) {
    if (norm == null || dueAt == null || enteredAt == null || !dueAt.isAfter(now)) {
      return Optional.empty(); // no history, no deadline, or already breached (that is not a forecast)
    }
    WorkingDayCalendar cal = calendar.get();
    int allowed = cal.workingDaysBetween(StepVisitDocument.day(enteredAt), StepVisitDocument.day(dueAt));
    int elapsed = Math.max(0, cal.workingDaysBetween(StepVisitDocument.day(enteredAt), StepVisitDocument.day(now)));
    double share = lateShare(norm, elapsed, allowed);
    if (share <= risk) {
      return Optional.empty();
    }
    Estimate estimate = norm.after(elapsed);
    return Optional.of(new Forecast(caseNumber, step, enteredAt, dueAt, allowed, estimate.workingDays(),
        estimate.stays(), cal.workingDaysBetween(StepVisitDocument.day(now), StepVisitDocument.day(dueAt)), elapsed, share));
  }

  /** The forecast for the step a case waits at now (for its case file); empty if on track, unknown, or the index is away. */
  public Optional<Forecast> forecastOfCase(String caseNumber, Instant now) {
    try {
      JsonNode r = index.search(index.visits(), Map.of("size", 5, "query", Map.of("bool", Map.of("filter", List.of(
          Map.of("term", Map.of("caseNumber", caseNumber)), Map.of("term", Map.of("waiting", true)))))));
      return sources(r, StepVisitDocument.class).stream()
          .flatMap(v -> forecast(caseNumber, v.step(), v.issuingBank(), v.enteredAt(), v.dueAt(), now).stream()).findFirst();
    } catch (IndexUnavailable e) {
      return Optional.empty();
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
    @JsonProperty
    public Double flaggedShareOfLate() {
      return late == 0 ? null : (double) lateFlagged / late;
    }

    @JsonProperty
    public Double falseAlarmShare() {
      return flagged == 0 ? null : (double) flaggedOnTime / flagged;
    }
  }

  public Accuracy backtest(Instant at, int days) {
    return backtest(at, days, risk);
  }

  /** The same with another risk share, to compare (more flags and more lead time below, fewer false alarms above). */
  public Accuracy backtest(Instant at, int days, double risk) {
    Instant until = at.plus(Duration.ofDays(days));
    Map<String, StepNorm> learnt = readNorms(at);
    if (learnt.isEmpty()) {
      return new Accuracy(at, until, 0, 0, 0, 0, 0, null);
    }
    JsonNode r = index.search(index.visits(), Map.of("size", 0,
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
    leads.sort(Comparator.comparingLong(l -> l[0]));
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

  public LikelyLate likelyLate(IndexFilter f, Instant now, int size) {
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
    JsonNode r = index.search(index.visits(), Map.of("size", size, "track_total_hits", true,
        "query", Map.of("bool", Map.of("filter", must)),
        "sort", List.of(Map.of("dueAt", "asc"), Map.of("id", "asc"))));
    List<Forecast> out = new ArrayList<>();
    for (StepVisitDocument v : sources(r, StepVisitDocument.class)) {
      forecast(v.caseNumber(), v.step(), v.issuingBank(), v.enteredAt(), v.dueAt(), now).ifPresent(out::add);
    }
    return new LikelyLate(r.path("hits").path("total").path("value").asLong(), out);
  }
}
