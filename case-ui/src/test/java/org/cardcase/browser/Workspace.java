package org.cardcase.browser;

import org.openqa.selenium.By;

/**
 * The signed-in workspace around every screen (its navigation, language switch and sign-out); it
 * opens the screens by their addresses, as a bookmark or a link in a message would.
 */
public class Workspace extends BrowserPage {
  Workspace(BrowserPage from) {
    super(from);
  }

  public CasesPage cases() {
    open("/");
    return new CasesPage(this);
  }

  public TasksPage tasks() {
    open("/tasks");
    return new TasksPage(this);
  }

  public TaskPage task(long taskId) {
    open("/task/" + taskId);
    return new TaskPage(this);
  }

  public CasePage caseFile(String caseNumber) {
    open("/case/" + caseNumber);
    return new CasePage(this);
  }

  public CalendarPage calendar() {
    open("/calendar");
    return new CalendarPage(this);
  }

  public SupervisionPage supervision() {
    open("/supervision");
    return new SupervisionPage(this);
  }

  public DashboardPage dashboard() {
    open("/dashboard");
    return new DashboardPage(this);
  }

  public ModelsPage models() {
    open("/models");
    return new ModelsPage(this);
  }

  public DraftPage draft(long draftId) {
    open("/models/draft/" + draftId);
    return new DraftPage(this);
  }

  public AdminPage administration() {
    open("/admin");
    return new AdminPage(this);
  }

  public CounterPage counter() {
    open("/counter");
    return new CounterPage(this);
  }

  public TerminalPage terminal() {
    open("/terminal");
    return new TerminalPage(this);
  }

  /** Switches the workspace to English: the page reloads in it. */
  public Workspace useEnglish() {
    select("language", "2");
    waitForPageContaining("Sign out");
    return this;
  }

  public Workspace useChinese() {
    select("language", "1");
    waitForPageContaining("退出");
    return this;
  }

  /** The navigation's entries as shown. */
  public String navigation() {
    return waitFor(By.tagName("vaadin-side-nav")).getText();
  }

  /** Ends the session (its cookies gone) and shows the sign-in page. */
  public SignInPage signOut() {
    driver.manage().deleteAllCookies();
    SignInPage page = new SignInPage(this);
    page.open("/login");
    return page;
  }
}
