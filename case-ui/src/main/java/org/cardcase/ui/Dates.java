package org.cardcase.ui;

import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import org.cardcase.calendar.WorkingDayCalendar;

/**
 * Dates and times the same way on every screen, in the reader's locale and the service centre's
 * time zone: "2026年12月2日 12:28" or "Dec 2, 2026, 12:28 PM" (the short style read "12/2/26", and
 * ISO dates sat beside it).
 */
final class Dates {
  private Dates() {}

  static DateTimeFormatter dateTime(Locale locale) {
    return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale)
        .withZone(WorkingDayCalendar.ZONE);
  }

  static DateTimeFormatter date(Locale locale) {
    return DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale).withZone(WorkingDayCalendar.ZONE);
  }
}
