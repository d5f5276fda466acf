package org.cardcase.api;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.cardcase.calendar.CalendarChange;
import org.cardcase.calendar.CalendarDay;
import org.cardcase.calendar.Calendars;
import org.cardcase.calendar.CalendarYear;
import org.cardcase.calendar.WorkingDayCalendar.Kind;
import org.cardcase.shared.FieldErrors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The working-day calendar: every loaded year for anyone; adding or correcting one for administrators. */
@RestController
public class CalendarApi {
  private final Calendars calendar;

  public CalendarApi(Calendars calendar) {
    this.calendar = calendar;
  }

  public record DayInput(String date, String kind, String occasion) {}

  public record YearInput(String source, String reason, List<DayInput> days) {}

  @GetMapping("/api/calendar/years")
  List<CalendarYear> years() {
    return calendar.years();
  }

  /** Replaces the arrangement of one year; the answer lists what changed and how many deadlines moved. */
  @PutMapping(path = "/api/admin/calendar/{year}", consumes = "application/json")
  CalendarChange save(@PathVariable String year, @RequestBody YearInput body, Principal admin) {
    int y;
    try {
      y = Integer.parseInt(year);
    } catch (NumberFormatException e) {
      throw FieldErrors.of("year", "must be a year like 2027, got '" + year + "'");
    }
    if (body.days() == null) {
      throw FieldErrors.of("days", "required: a list of {date, kind, occasion} (may be empty)");
    }
    StringBuilder csv = new StringBuilder();
    for (DayInput d : body.days()) {
      if (d == null) {
        throw FieldErrors.of("days", "a day must not be null");
      }
      csv.append(d.date()).append(',').append(d.kind()).append(',').append(d.occasion() == null ? "" : d.occasion()).append('\n');
    }
    List<CalendarDay> days = Calendars.parse(csv.toString());
    return calendar.saveYear(y, days, body.source(), body.reason(), admin.getName());
  }

  /** The kinds a day can have, for forms. */
  @GetMapping("/api/calendar/kinds")
  Map<String, String> kinds() {
    return Map.of(Kind.HOLIDAY.name(), "a weekday off", Kind.WORKDAY.name(), "a weekend day worked (make-up day)");
  }
}
