package org.cardcase.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The sign-in page, with its language switch. */
public class SignInPage extends BrowserPage {
  SignInPage(BrowserPage from) {
    super(from);
  }

  private SignInPage(WebDriver driver, String base) {
    super(driver, base);
  }

  public static SignInPage open(WebDriver driver, String base) {
    SignInPage page = new SignInPage(driver, base);
    page.open("/login");
    return page;
  }

  /** Signs in and waits until the workspace has taken over from the sign-in page. */
  public Workspace signIn(String username, String password) {
    waitFor(By.name("username")).sendKeys(username);
    driver.findElement(By.name("password")).sendKeys(enter(password));
    until(d -> !d.getCurrentUrl().contains("/login"));
    return new Workspace(this);
  }

  public SignInPage waitForLanguageSwitch() {
    waitFor("login-language");
    return this;
  }

  /** Switches the page to English: the page reloads in it. */
  public SignInPage useEnglish() {
    select("login-language", "2");
    waitForPageContaining("Sign in");
    return this;
  }
}
