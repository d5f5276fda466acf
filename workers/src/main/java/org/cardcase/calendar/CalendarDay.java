package org.cardcase.calendar;

import java.time.LocalDate;
import org.cardcase.calendar.WorkingDayCalendar.Kind;

/** One day of an official arrangement: a holiday or a make-up working day, with its occasion. */
public record CalendarDay(LocalDate date, Kind kind, String occasion) {}
