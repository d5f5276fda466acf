package org.cardcase.browser;

import org.openqa.selenium.By;

/** A case file: its step, its diagram with the step marked, its people and deadlines. */
public class CasePage extends BrowserPage {
  CasePage(BrowserPage from) {
    super(from);
  }

  /** What is said to someone whose group the case is not. */
  public String notYours() {
    return textOf("case-not-yours");
  }

  public CasePage waitForStep() {
    waitFor("case-step");
    return this;
  }

  /** Waits until the deployed model is drawn with exactly one step marked as the case's current one. */
  public CasePage waitForDiagramWithCurrentStep() {
    until(d -> d.findElements(By.cssSelector("bpmn-viewer#diagram-card-application[rendered] .cardcase-current")).size() == 1);
    return this;
  }
}
