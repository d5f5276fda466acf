package org.cardcase.api;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.forecast.BreachForecast;
import org.cardcase.search.IndexFilter;
import org.cardcase.shared.FieldErrors;
import org.cardcase.supervision.SlaDashboard;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The supervisors' dashboard as data (what the dashboard screen shows, for reports and for the
 * benchmark): figures, time at each step, the cases likely to be late, and how well the breach
 * forecast did on finished stays. Supervisors, administrators and analysts; read only.
 */
@RestController
public class DashboardApi {
  private final SlaDashboard dashboard;
  private final BreachForecast forecast;
  private final Clock clock;

  public DashboardApi(SlaDashboard dashboard, BreachForecast forecast, Clock clock) {
    this.dashboard = dashboard;
    this.forecast = forecast;
    this.clock = clock;
  }

  public record Dashboard(SlaDashboard.Figures figures, BreachForecast.LikelyLate likelyLate) {}

  /** The last {@code days} days (1–366), with the dashboard's filters. */
  @GetMapping("/api/dashboard")
  Dashboard dashboard(@RequestParam(defaultValue = "30") int days, @RequestParam(required = false) String caseType,
      @RequestParam(required = false) String step, @RequestParam(required = false) String channel,
      @RequestParam(required = false) String group, @RequestParam(required = false) String bank) {
    Instant now = clock.instant();
    IndexFilter f = filter(days, now, caseType, step, channel, group, bank);
    return new Dashboard(dashboard.figures(f, now), forecast.likelyLate(f, now, 50));
  }

  /** Time spent at each step and the cases there now (the heatmap on the diagram). */
  @GetMapping("/api/dashboard/steps")
  List<SlaDashboard.Heat> steps(@RequestParam(defaultValue = "30") int days, @RequestParam(required = false) String caseType) {
    return dashboard.heat(filter(days, clock.instant(), caseType, null, null, null, null));
  }

  /**
   * The forecast checked on history: learnt from the stays finished before {@code from} (a date),
   * tried on the stays that began in the {@code days} (1–366) after it; with {@code risk}, at
   * another risk share than the configured one (to compare).
   */
  @GetMapping("/api/dashboard/forecast-accuracy")
  BreachForecast.Accuracy accuracy(@RequestParam String from, @RequestParam(defaultValue = "90") int days,
      @RequestParam(required = false) Double risk) {
    LocalDate start;
    try {
      start = LocalDate.parse(from);
    } catch (DateTimeParseException e) {
      throw FieldErrors.of("from", "a date such as 2026-06-01");
    }
    if (days < 1 || days > 366) {
      throw FieldErrors.of("days", "between 1 and 366");
    }
    if (risk != null && !(risk > 0 && risk < 1)) {
      throw FieldErrors.of("risk", "a share between 0 and 1, e.g. 0.4");
    }
    Instant at = start.atStartOfDay(WorkingDayCalendar.ZONE).toInstant();
    return risk == null ? forecast.backtest(at, days) : forecast.backtest(at, days, risk);
  }

  private static IndexFilter filter(int days, Instant now, String caseType, String step, String channel, String group,
      String bank) {
    if (days < 1 || days > 366) {
      throw FieldErrors.of("days", "between 1 and 366");
    }
    IndexFilter last = IndexFilter.lastDays(days, now);
    return new IndexFilter(last.from(), last.to(), caseType, step, channel, group, bank);
  }
}
