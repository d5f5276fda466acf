package org.cardcase.browser;

import org.openqa.selenium.By;

/** The refusal shown inside the workspace when a person opens a screen not meant for them. */
public class NotAllowedPage extends BrowserPage {
  NotAllowedPage(BrowserPage from) {
    super(from);
  }

  /** What the refusal says, the way back included. */
  public String message() {
    return textOf("not-allowed");
  }

  /** Whether it is said inside the workspace's layout, not on a bare page. */
  public boolean insideWorkspace() {
    return !driver.findElements(By.tagName("vaadin-app-layout")).isEmpty();
  }
}
