package org.cardcase.browser;

import org.openqa.selenium.By;

/** The supervisors' dashboard: the figures, the charts, the tasks behind a figure and the heatmap on the diagram. */
public class DashboardPage extends BrowserPage {
  DashboardPage(BrowserPage from) {
    super(from);
  }

  /** Opens the dashboard afresh, with the figures of now. */
  public DashboardPage reload() {
    open("/dashboard");
    return this;
  }

  /** The open-task figure as shown. */
  public long openTasks() {
    return Long.parseLong(waitFor(By.cssSelector("#kpi-open span")).getText().strip());
  }

  /** Whether the figures are on the screen at all. */
  public boolean showsFigures() {
    return present("kpi-open");
  }

  /** Waits until the backlog chart has drawn. */
  public DashboardPage waitForBacklogChart() {
    until(d -> !d.findElements(By.cssSelector("#chart-backlog canvas")).isEmpty());
    return this;
  }

  /** The backlog chart's text summary (its bars, named in the reader's language). */
  public String backlogSummary() {
    return attribute("chart-backlog", "data-summary");
  }

  /** Lets the charts settle after the page does: they draw without animation, but not at once. */
  public DashboardPage settle() throws InterruptedException {
    Thread.sleep(500);
    return this;
  }

  /** Opens the tasks behind the open-task figure and waits until this text is among them. */
  public DashboardPage drillIntoOpenTasks(String expected) {
    click("kpi-open");
    waitForPageContaining(expected);
    return this;
  }

  /** Where the tasks shown export to CSV. */
  public String exportLink() {
    return attribute("dashboard-export", "href");
  }

  /** Scrolls to the diagram and waits until a step is marked as having cases waiting. */
  public DashboardPage waitForHeatOnWaitingStep() {
    scrollTo("heat-diagram");
    until(d -> !d.findElements(By.cssSelector("#heat-diagram .cardcase-heat-waiting")).isEmpty());
    return this;
  }
}
