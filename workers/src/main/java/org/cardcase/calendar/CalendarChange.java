package org.cardcase.calendar;

import java.util.List;

/** What a change did: the days added, removed and changed, and how many deadlines moved. */
public record CalendarChange(int year, List<String> added, List<String> removed, List<String> changed, int deadlinesRecomputed) {}
