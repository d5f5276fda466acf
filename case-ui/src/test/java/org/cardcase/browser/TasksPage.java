package org.cardcase.browser;

import org.openqa.selenium.By;

/** The task queue: the group's open tasks, to claim or (for a supervisor) reassign, and what one has done. */
public class TasksPage extends BrowserPage {
  TasksPage(BrowserPage from) {
    super(from);
  }

  /** Waits for the queue and this task's claim button in it. */
  public TasksPage waitForClaimable(long taskId) {
    waitFor("tasks");
    waitFor("claim-" + taskId);
    return this;
  }

  /** Waits for this task with a supervisor's reassign box. */
  public TasksPage waitForReassignable(long taskId) {
    waitFor("reassign-" + taskId);
    return this;
  }

  public TasksPage waitForQueue() {
    waitFor("tasks");
    return this;
  }

  public void claim(long taskId) {
    click("claim-" + taskId);
  }

  /** The background colour of the first status badge in the queue (transparent if the theme lost it). */
  public String badgeColour() {
    return String.valueOf(js("return getComputedStyle(arguments[0]).backgroundColor;",
        waitFor(By.cssSelector("#tasks [theme~='badge']"))));
  }

  /** Whether the queue fits the window without scrolling sideways. */
  public boolean fitsWindow() {
    return gridFits("tasks");
  }

  /** Switches to what the signed-in person has done and waits until this case is listed there. */
  public TasksPage showDoneByMe(String caseNumber) {
    click("scope-done");
    until(d -> d.findElements(By.id("done-grid")).size() == 1 && d.findElement(By.id("done-grid")).getText().contains(caseNumber));
    return this;
  }

  public String doneByMe() {
    return textOf("done-grid");
  }
}
