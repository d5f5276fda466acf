package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import java.util.Locale;
import org.cardcase.forecast.BreachForecast;

/** The breach forecast's reason as a person reads it, in their language (dashboard, queues, case file). */
final class ForecastText {
  private ForecastText() {}

  static String of(Component c, BreachForecast.Forecast f) {
    String key = "step." + f.step();
    String step = c.getTranslation(key);
    if (step == null || step.contains(key)) {
      step = f.step();
    }
    double m = f.medianWorkingDays();
    String median = m == Math.rint(m) ? Long.toString((long) m) : String.format(Locale.ROOT, "%.1f", m);
    long percent = Math.round(f.lateShare() * 100);
    if (f.elapsedWorkingDays() > 0) {
      // compared with the cases that had waited as long
      return c.getTranslation("forecast.reason.waited", step, median, f.allowedWorkingDays(), f.workingDaysLeft(), f.history(),
          f.elapsedWorkingDays(), percent);
    }
    return c.getTranslation("forecast.reason", step, median, f.allowedWorkingDays(), f.workingDaysLeft(), f.history(), percent);
  }
}
