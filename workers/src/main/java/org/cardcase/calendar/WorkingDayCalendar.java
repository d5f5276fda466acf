package org.cardcase.calendar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Mainland China working days: Monday to Friday, except the State Council's arrangement for each
 * year (weekday holidays and make-up working weekends). A result that touches a year with no
 * loaded arrangement is provisional: it assumes an ordinary week and must be recomputed later.
 */
public final class WorkingDayCalendar {
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  /** Deadlines fall at close of business on their working day. */
  public static final LocalTime CLOSE_OF_BUSINESS = LocalTime.of(17, 30);

  /** The day an instant falls on in the service centre's zone, as the notices to citizens write it (2026-12-07). */
  public static String dayOf(Instant instant) {
    return LocalDate.ofInstant(instant, ZONE).toString();
  }

  public enum Kind { HOLIDAY, WORKDAY }

  public record Result(LocalDate date, boolean provisional) {}

  private final Map<LocalDate, Kind> exceptions;
  private final Set<Integer> years;

  public WorkingDayCalendar(Map<LocalDate, Kind> exceptions, Set<Integer> years) {
    this.exceptions = Map.copyOf(exceptions);
    this.years = Set.copyOf(years);
  }

  /** Reads the official arrangement CSV ({@code date,kind,occasion}); every year in it counts as loaded. */
  public static WorkingDayCalendar fromCsv(InputStream csv) {
    Map<LocalDate, Kind> days = new HashMap<>();
    Set<Integer> years = new TreeSet<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (n == 1 || line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", 3);
        try {
          LocalDate d = LocalDate.parse(f[0].trim());
          days.put(d, Kind.valueOf(f[1].trim().toUpperCase()));
          years.add(d.getYear());
        } catch (DateTimeParseException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
          throw new IllegalArgumentException("calendar line " + n + " is not date,holiday|workday,occasion: " + line, e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new WorkingDayCalendar(days, years);
  }

  public static WorkingDayCalendar official() {
    return fromCsv(WorkingDayCalendar.class.getResourceAsStream("/calendar/cn-2025-2026.csv"));
  }

  public Set<Integer> loadedYears() {
    return years;
  }

  public boolean isLoaded(LocalDate date) {
    return years.contains(date.getYear());
  }

  public boolean isWorkingDay(LocalDate date) {
    Kind k = exceptions.get(date);
    if (k != null) {
      return k == Kind.WORKDAY;
    }
    DayOfWeek d = date.getDayOfWeek();
    return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY;
  }

  /** The n-th working day after {@code from}; {@code from} itself never counts. */
  public Result addWorkingDays(LocalDate from, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("days must not be negative");
    }
    boolean provisional = !isLoaded(from);
    LocalDate d = from;
    int left = n;
    while (left > 0) {
      d = d.plusDays(1);
      provisional |= !isLoaded(d);
      if (isWorkingDay(d)) {
        left--;
      }
    }
    return new Result(d, provisional);
  }

  /** Working days in (from, to]: how many working days {@code to} lies after {@code from}; negative if before. */
  public int workingDaysBetween(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      return -workingDaysBetween(to, from);
    }
    int count = 0;
    for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
      if (isWorkingDay(d)) {
        count++;
      }
    }
    return count;
  }

  /** Close of business on the n-th working day after the day of {@code start} (in China time). */
  public Instant deadline(Instant start, int workingDays) {
    LocalDate day = start.atZone(ZONE).toLocalDate();
    return addWorkingDays(day, workingDays).date().atTime(CLOSE_OF_BUSINESS).atZone(ZONE).toInstant();
  }
}
