package org.cardcase.browser;

/** The supervisors' view: steps against their deadlines, overdue cases, incidents. */
public class SupervisionPage extends BrowserPage {
  SupervisionPage(BrowserPage from) {
    super(from);
  }

  /** Whether the steps' deadline figures are on the screen. */
  public boolean showsSteps() {
    return present("sla-steps");
  }
}
