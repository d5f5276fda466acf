package org.cardcase.calendar;

import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The working-day calendar for the screens and the API: the calendar in force, the years kept and an
 * administrator's change of a year. The store keeps the rows, audits each change and tells the
 * deadlines that depend on it.
 */
@Service
public class Calendars {
  private final CalendarStore store;

  public Calendars(CalendarStore store) {
    this.store = store;
  }

  /** The calendar as it is now. */
  public WorkingDayCalendar current() {
    return store.current();
  }

  /** Every year kept, with its days. */
  public List<CalendarYear> years() {
    return store.years();
  }

  /** Replaces a year's days (checked, audited with the reason); deadlines counted in that year move with it. */
  public CalendarChange saveYear(int year, List<CalendarDay> days, String source, String reason, String actor) {
    return store.saveYear(year, days, source, reason, actor);
  }

  /** Reads {@code date,kind,occasion} lines into days, naming each bad line. */
  public static List<CalendarDay> parse(String text) {
    return CalendarStore.parse(text);
  }

  /** The audit subject of a calendar year. */
  public static String subject(int year) {
    return CalendarStore.subject(year);
  }
}
