package org.cardcase.calendar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.WorkingDayCalendar.Kind;
import org.cardcase.shared.FieldErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The working-day calendar kept in PostgreSQL. The official 2025 and 2026 arrangements are loaded
 * on first start; administrators add or correct a year, each change is audited under
 * {@code calendar:YYYY}, and every deadline that depended on that year is recomputed.
 */
@Component
public class CalendarStore {
  private static final Logger log = LoggerFactory.getLogger(CalendarStore.class);
  public static final String OFFICIAL_SOURCE = "State Council General Office notices (../shared/calendar/cn-2025-2026.csv)";
  /** The calendar makes sense for the People's Republic only; far-future years are typing errors. */
  static final int FIRST_YEAR = 1950;
  static final int LAST_YEAR = 2100;

  /** Told after a year changed, to recompute what depended on it (kept as an interface to avoid a cycle). */
  public interface YearChanged {
    int recompute(int year, WorkingDayCalendar calendar, String actor);
  }

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final AuditTrail audit;
  private final List<YearChanged> listeners;
  private volatile WorkingDayCalendar current;
  private volatile long version = -1;

  // lazy: what recomputes deadlines itself reads the calendar
  public CalendarStore(JdbcClient jdbc, TransactionTemplate tx, AuditTrail audit, @Lazy List<YearChanged> listeners) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.audit = audit;
    this.listeners = listeners;
    seedOfficialYears();
    reload();
  }

  /** The calendar as it is now; cheap, and refreshed when any node changes a year. */
  public WorkingDayCalendar current() {
    return current;
  }

  public List<CalendarYear> years() {
    Map<Integer, List<CalendarDay>> days = new HashMap<>();
    jdbc.sql("select day, kind, occasion, year from calendar_day order by day").query(rs -> {
      days.computeIfAbsent(rs.getInt("year"), y -> new ArrayList<>())
          .add(new CalendarDay(rs.getDate("day").toLocalDate(), Kind.valueOf(rs.getString("kind")), rs.getString("occasion")));
    });
    return jdbc.sql("select * from calendar_year order by year").query((rs, i) -> new CalendarYear(rs.getInt("year"),
        rs.getString("source"), rs.getTimestamp("updated_at").toInstant(), rs.getString("updated_by"),
        days.getOrDefault(rs.getInt("year"), List.of()))).list();
  }

  /**
   * Adds a year's arrangement or replaces it (a correction). The days are the exceptions to an
   * ordinary Monday-to-Friday week; an empty list is valid (a year with no holidays on weekdays is
   * unthinkable, but the check for that is the administrator's). Invalid input changes nothing.
   */
  public CalendarChange saveYear(int year, List<CalendarDay> days, String source, String reason, String actor) {
    validate(year, days, source, reason);
    CalendarChange change = tx.execute(s -> {
      jdbc.sql("select pg_advisory_xact_lock(hashtext('calendar'))").query().singleRow();
      Map<LocalDate, CalendarDay> before = new TreeMap<>();
      jdbc.sql("select day, kind, occasion from calendar_day where year = ?").param(year).query(rs -> {
        LocalDate d = rs.getDate("day").toLocalDate();
        before.put(d, new CalendarDay(d, Kind.valueOf(rs.getString("kind")), rs.getString("occasion")));
      });
      boolean existed = jdbc.sql("select count(*) from calendar_year where year = ?").param(year).query(Long.class).single() > 0;
      Map<LocalDate, CalendarDay> after = new TreeMap<>();
      days.forEach(d -> after.put(d.date(), new CalendarDay(d.date(), d.kind(), d.occasion().strip())));
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      List<String> changed = new ArrayList<>();
      after.forEach((d, day) -> {
        CalendarDay old = before.get(d);
        if (old == null) {
          added.add(describe(day));
        } else if (!old.equals(day)) {
          changed.add(describe(old) + " -> " + describe(day));
        }
      });
      before.forEach((d, day) -> {
        if (!after.containsKey(d)) {
          removed.add(describe(day));
        }
      });
      jdbc.sql("""
          insert into calendar_year (year, source, updated_at, updated_by) values (?, ?, now(), ?)
          on conflict (year) do update set source = excluded.source, updated_at = now(), updated_by = excluded.updated_by""")
          .params(year, source.strip(), actor).update();
      jdbc.sql("delete from calendar_day where year = ?").param(year).update();
      for (CalendarDay d : after.values()) {
        jdbc.sql("insert into calendar_day (day, year, kind, occasion) values (?, ?, ?, ?)")
            .params(Date.valueOf(d.date()), year, d.kind().name(), d.occasion()).update();
      }
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("year", year);
      detail.put("reason", reason.strip());
      detail.put("source", source.strip());
      detail.put("added", added);
      detail.put("removed", removed);
      detail.put("changed", changed);
      int seq = audit.count(subject(year));
      audit.append(subject(year), "save:" + (seq + 1), actor, null, existed ? "CALENDAR_YEAR_CORRECTED" : "CALENDAR_YEAR_ADDED", detail);
      WorkingDayCalendar updated = load();
      int moved = 0;
      for (YearChanged l : listeners) {
        moved += l.recompute(year, updated, actor);
      }
      return new CalendarChange(year, added, removed, changed, moved);
    });
    reload();
    log.info("calendar {} saved by {}: {} added, {} removed, {} changed, {} deadlines recomputed", year, actor,
        change.added().size(), change.removed().size(), change.changed().size(), change.deadlinesRecomputed());
    return change;
  }

  public static String subject(int year) {
    return "calendar:" + year;
  }

  /** Reads {@code date,kind,occasion} lines (a header line is skipped) into days, naming each bad line. */
  public static List<CalendarDay> parse(String text) {
    List<CalendarDay> days = new ArrayList<>();
    Map<String, String> errors = new LinkedHashMap<>();
    int n = 0;
    for (String line : text.lines().toList()) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.toLowerCase().startsWith("date,")) {
        continue;
      }
      String[] f = l.split(",", 3);
      if (f.length < 3) {
        errors.put("line " + n, "expected date,holiday|workday,occasion but got '" + l + "'");
        continue;
      }
      LocalDate d;
      try {
        d = LocalDate.parse(f[0].strip());
      } catch (DateTimeParseException e) {
        errors.put("line " + n, "'" + f[0].strip() + "' is not a date YYYY-MM-DD");
        continue;
      }
      Kind k;
      try {
        k = Kind.valueOf(f[1].strip().toUpperCase());
      } catch (IllegalArgumentException e) {
        errors.put("line " + n, "kind must be holiday or workday, not '" + f[1].strip() + "'");
        continue;
      }
      days.add(new CalendarDay(d, k, f[2].strip()));
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    return days;
  }

  static void validate(int year, List<CalendarDay> days, String source, String reason) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (year < FIRST_YEAR || year > LAST_YEAR) {
      errors.put("year", "must be between " + FIRST_YEAR + " and " + LAST_YEAR);
    }
    if (source == null || source.isBlank()) {
      errors.put("source", "say where the arrangement comes from (e.g. the State Council notice)");
    } else if (source.length() > 300) {
      errors.put("source", "at most 300 characters");
    }
    if (reason == null || reason.isBlank()) {
      errors.put("reason", "say why the calendar is changed");
    } else if (reason.length() > 500) {
      errors.put("reason", "at most 500 characters");
    }
    if (days == null) {
      errors.put("days", "required (an empty list is allowed)");
      throw new FieldErrors(errors);
    }
    Set<LocalDate> seen = new TreeSet<>();
    for (CalendarDay d : days) {
      String key = "days." + d.date();
      if (d.date() == null || d.kind() == null) {
        errors.put("days", "every day needs a date and a kind");
      } else if (d.date().getYear() != year) {
        errors.put(key, "is not in " + year);
      } else if (!seen.add(d.date())) {
        errors.put(key, "appears twice");
      } else if (d.kind() == Kind.WORKDAY && !weekend(d.date())) {
        errors.put(key, "is a " + d.date().getDayOfWeek() + ", already a working day; a make-up working day falls on a Saturday or Sunday");
      } else if (d.occasion() == null || d.occasion().isBlank()) {
        errors.put(key, "name the occasion (e.g. Spring Festival)");
      } else if (d.occasion().length() > 60) {
        errors.put(key, "occasion: at most 60 characters");
      }
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
  }

  /** Picks up a change another node made; one cheap query a minute. */
  @Scheduled(fixedDelayString = "${cardcase.calendar.refresh-interval:60s}")
  public void refreshIfChanged() {
    if (stamp() != version) {
      reload();
    }
  }

  private static boolean weekend(LocalDate d) {
    return d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  private static String describe(CalendarDay d) {
    return d.date() + " " + d.kind().name().toLowerCase() + " (" + d.occasion() + ")";
  }

  private long stamp() {
    return jdbc.sql("select coalesce(sum(extract(epoch from updated_at) * 1000)::bigint, 0) + count(*) from calendar_year")
        .query(Long.class).single();
  }

  private synchronized void reload() {
    long v = stamp();
    current = load();
    version = v;
  }

  private WorkingDayCalendar load() {
    Map<LocalDate, Kind> days = new HashMap<>();
    jdbc.sql("select day, kind from calendar_day").query(rs -> {
      days.put(rs.getDate("day").toLocalDate(), Kind.valueOf(rs.getString("kind")));
    });
    Set<Integer> years = new TreeSet<>(jdbc.sql("select year from calendar_year").query(Integer.class).list());
    return new WorkingDayCalendar(days, years);
  }

  /** Years of the shipped arrangement this start added to a calendar that had others already (their deadlines are recomputed). */
  private final List<Integer> shippedLater = new ArrayList<>();

  /**
   * Every start: load each year of the official arrangements shipped with the system that the calendar does not have
   * yet, audited as such (a release that ships next year's arrangement, published late in the year before,
   * brings it into a calendar that has run for years; before, the shipped file was read on the very first start only).
   * A year already there, perhaps corrected by an administrator, is left as it is.
   */
  private void seedOfficialYears() {
    shippedLater.addAll(loadShippedYears(officialCsv()));
  }

  /** Adds the years of {@code csv} the calendar lacks; returns those added to a calendar that had other years already. */
  public List<Integer> loadShippedYears(String csv) {
    List<Integer> later = new ArrayList<>();
    tx.executeWithoutResult(s -> {
      jdbc.sql("select pg_advisory_xact_lock(hashtext('calendar'))").query().singleRow();
      Set<Integer> have = new TreeSet<>(jdbc.sql("select year from calendar_year").query(Integer.class).list());
      Map<Integer, List<CalendarDay>> official = new TreeMap<>();
      parse(csv).forEach(d -> official.computeIfAbsent(d.date().getYear(), y -> new ArrayList<>()).add(d));
      for (var e : official.entrySet()) {
        int year = e.getKey();
        if (have.contains(year)) {
          continue;
        }
        if (!have.isEmpty()) {
          later.add(year);
        }
        List<CalendarDay> days = e.getValue();
        validate(year, days, OFFICIAL_SOURCE, "official arrangement");
        jdbc.sql("insert into calendar_year (year, source, updated_by) values (?, ?, 'system')").params(year, OFFICIAL_SOURCE).update();
        for (CalendarDay d : days) {
          jdbc.sql("insert into calendar_day (day, year, kind, occasion) values (?, ?, ?, ?)")
              .params(Date.valueOf(d.date()), year, d.kind().name(), d.occasion()).update();
        }
        audit.append(subject(year), "seed", "system", null, "CALENDAR_YEAR_ADDED",
            Map.of("year", year, "source", OFFICIAL_SOURCE, "days", days.size(), "reason", "official arrangement shipped with the system"));
      }
    });
    if (!later.isEmpty()) {
      reload();
    }
    return later;
  }

  /**
   * Once the application is up: the deadlines that depended on a year this start brought in are recomputed (they were
   * provisional), as when an administrator adds the year.
   */
  @EventListener(ApplicationReadyEvent.class)
  public void recomputeShippedYears() {
    List<Integer> years = new ArrayList<>(shippedLater);
    shippedLater.clear();
    for (int year : years) {
      recomputeAfterLoad(year);
    }
  }

  /** Recomputes what depended on a year just loaded from a shipped file; returns how many deadlines moved. */
  public int recomputeAfterLoad(int year) {
    Integer moved = tx.execute(s -> {
      WorkingDayCalendar updated = load();
      int n = 0;
      for (YearChanged l : listeners) {
        n += l.recompute(year, updated, "system");
      }
      return n;
    });
    log.info("calendar {} loaded from the shipped arrangement: {} deadlines recomputed", year, moved);
    return moved == null ? 0 : moved;
  }

  private static String officialCsv() {
    try (var in = CalendarStore.class.getResourceAsStream("/calendar/cn-2025-2026.csv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
