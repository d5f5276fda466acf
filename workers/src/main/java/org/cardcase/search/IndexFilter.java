package org.cardcase.search;

import java.time.Instant;
import java.time.LocalDate;
import org.cardcase.calendar.WorkingDayCalendar;

/**
 * What a read of the figures or the forecast is narrowed to; null or blank means any. The time
 * range applies to finished work and arrivals; step and group apply to tasks, not to cases.
 */
public record IndexFilter(Instant from, Instant to, String caseType, String step, String channel, String group, String bank) {
  public static IndexFilter lastDays(int days, Instant now) {
    LocalDate today = now.atZone(WorkingDayCalendar.ZONE).toLocalDate();
    return new IndexFilter(today.minusDays(days - 1L).atStartOfDay(WorkingDayCalendar.ZONE).toInstant(),
        today.plusDays(1).atStartOfDay(WorkingDayCalendar.ZONE).toInstant(), null, null, null, null, null);
  }
}
