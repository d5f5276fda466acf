package org.cardcase.api;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.calendar.Calendars;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Rules channels can check before they submit. */
@RestController
public class RulesApi {
  /** More working days than any rule needs; keeps a request from looping for years. */
  static final int MAX_DAYS = 3650;
  private final Calendars calendar;
  private final Clock clock;

  public RulesApi(Calendars calendar, Clock clock) {
    this.calendar = calendar;
    this.clock = clock;
  }

  public record IdNumberRequest(String idNumber) {}

  @PostMapping(path = "/api/validation/id-number", consumes = "application/json")
  Map<String, Object> idNumber(@RequestBody IdNumberRequest body) {
    IdNumber.Check c = IdNumber.check(body.idNumber(), LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("valid", c.valid());
    out.put("errors", c.errors());
    out.put("birthDate", c.valid() ? c.idNumber().birthDate().toString() : null);
    out.put("sex", c.valid() ? c.idNumber().sex().name() : null);
    return out;
  }

  @GetMapping("/api/calendar/working-days/add")
  Map<String, Object> addWorkingDays(@RequestParam String from, @RequestParam String days) {
    Map<String, String> errors = new LinkedHashMap<>();
    LocalDate start = null;
    int n = 0;
    try {
      start = LocalDate.parse(from);
    } catch (DateTimeParseException e) {
      errors.put("from", "must be a date YYYY-MM-DD, got '" + from + "'");
    }
    try {
      n = Integer.parseInt(days);
      if (n < 0) {
        errors.put("days", "must not be negative");
      } else if (n > MAX_DAYS) {
        errors.put("days", "at most " + MAX_DAYS);
      }
    } catch (NumberFormatException e) {
      errors.put("days", "must be a whole number, got '" + days + "'");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    WorkingDayCalendar.Result r = calendar.current().addWorkingDays(start, n);
    return Map.of("date", r.date().toString(), "provisional", r.provisional());
  }
}
