package org.cardcase.browser;

import org.openqa.selenium.By;

/** The working-day calendar: the years on file and a year's days to edit. */
public class CalendarPage extends BrowserPage {
  CalendarPage(BrowserPage from) {
    super(from);
  }

  public CalendarPage waitForYears() {
    waitFor("calendar-years");
    return this;
  }

  public CalendarPage waitForTable() {
    waitFor("calendar-table");
    return this;
  }

  /** Types a year and waits until its days are listed, each with a date picker. */
  public CalendarPage showYear(int year) {
    js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new CustomEvent('change'));", waitFor("calendar-year"),
        String.valueOf(year));
    until(d -> d.findElements(By.cssSelector("#calendar-table vaadin-date-picker")).size() > 10);
    return this;
  }
}
