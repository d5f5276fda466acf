package org.cardcase.browser;

/** The start screen: search over all cases. */
public class CasesPage extends BrowserPage {
  CasesPage(BrowserPage from) {
    super(from);
  }

  /** Searches (as if typed and confirmed) and waits until the page shows this text. */
  public CasesPage search(String query, String expected) {
    js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new CustomEvent('change'));", waitFor("case-search"), query);
    waitForPageContaining(expected);
    return this;
  }

  /** Searches and waits until the result list shows this text. */
  public CasesPage searchListing(String query, String expected) {
    js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new CustomEvent('change'));", waitFor("case-search"), query);
    waitForTextContaining("cases", expected);
    return this;
  }
}
