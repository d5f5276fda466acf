package org.cardcase.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/** One task: its facts, the case's documents and the form that completes it. */
public class TaskPage extends BrowserPage {
  TaskPage(BrowserPage from) {
    super(from);
  }

  /** Waits for the refusal shown to someone whose group the task is not. */
  public TaskPage waitForForbidden() {
    waitFor("task-forbidden");
    return this;
  }

  /** Whether the form can be completed from here. */
  public boolean offersCompletion() {
    return present("complete-task");
  }

  /** Waits for the photo comparison's decision field and the photos themselves. */
  public TaskPage waitForPhotoComparison() {
    waitFor("field-photoDecision");
    return waitForPhotos();
  }

  public TaskPage waitForPhotos() {
    waitFor(By.cssSelector("#task-documents img"));
    return this;
  }

  public TaskPage waitForText(String text) {
    waitForPageContaining(text);
    return this;
  }

  /** Opens the photos enlarged side by side and waits until both have loaded. */
  public TaskPage comparePhotos() {
    click("task-photos-compare");
    until(d -> d.findElements(By.cssSelector("vaadin-dialog-overlay img")).stream()
        .filter(i -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", i))).count() == 2);
    return this;
  }

  /** Zooms both photos in one step and waits for the level shown. */
  public TaskPage zoomIn(String expectedLevel) {
    click("photo-zoom-in");
    waitForText("photo-zoom-level", expectedLevel);
    return this;
  }

  public TaskPage closePhotos() {
    click("photo-compare-close");
    return this;
  }

  /** Decides the photo comparison: 0 the same person, 1 not. */
  public TaskPage decidePhotos(int option) {
    choose("field-photoDecision", option);
    return this;
  }

  /** Completes and waits until the form marks the reason as missing. */
  public TaskPage completeExpectingReasonMissing() {
    click("complete-task");
    waitFor("field-decisionReason");
    until(d -> d.findElement(By.id("field-decisionReason")).getAttribute("invalid") != null);
    return this;
  }

  /** Types the reason into its field and completes from there with Ctrl+Enter; the case file follows. */
  public CasePage typeReasonAndPressCtrlEnter(String reason) {
    typeKeys("field-decisionReason", "textarea", reason);
    typeKeys("field-decisionReason", "textarea", Keys.chord(Keys.CONTROL, Keys.ENTER));
    CasePage caseFile = new CasePage(this);
    caseFile.waitForStep();
    return caseFile;
  }
}
