package org.cardcase.browser;

import org.openqa.selenium.Keys;

/** Administration: the accounts, the search index's backlog and the components' health. */
public class AdminPage extends BrowserPage {
  AdminPage(BrowserPage from) {
    super(from);
  }

  /** Waits until the accounts list shows this text. */
  public AdminPage waitForAccounts(String expected) {
    waitForTextContaining("staff-grid", expected);
    return this;
  }

  /** Disables (or enables) an account, giving the reason asked for, and confirms. */
  public AdminPage toggleAccount(String username, String reason) {
    click("staff-enable-" + username);
    typeKeys("staff-reason", "input", reason + Keys.TAB);
    click("staff-confirm");
    return this;
  }

  /** Opens the health tab and waits until it shows this text. */
  public AdminPage health(String expected) {
    click("admin-tab-health");
    waitForTextContaining("health-grid", expected);
    return this;
  }

  /** Opens the search tab and waits for the index's backlog. */
  public AdminPage searchIndex() {
    click("admin-tab-search");
    waitFor("search-backlog");
    return this;
  }
}
