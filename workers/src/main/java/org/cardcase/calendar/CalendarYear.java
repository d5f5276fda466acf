package org.cardcase.calendar;

import java.time.Instant;
import java.util.List;

/** A year of the calendar: its days, where they come from and who last changed them. */
public record CalendarYear(int year, String source, Instant updatedAt, String updatedBy, List<CalendarDay> days) {}
