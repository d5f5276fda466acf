package org.cardcase.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What every screen's page object shares: the browser, the application's address and the few
 * things a person does everywhere (type, click, choose, wait until something shows). Subclasses
 * keep the element ids of their screen to themselves.
 */
public abstract class BrowserPage {
  /** Where the screenshots go; the README points at this folder. */
  public static final Path SHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);

  protected final WebDriver driver;
  protected final String base;

  protected BrowserPage(WebDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  protected BrowserPage(BrowserPage from) {
    this(from.driver, from.base);
  }

  /** Saves what the screen shows now as {@code name.png}. */
  public void shot(String name) {
    try {
      Files.createDirectories(SHOTS);
      Path file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(file, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All the page holds, hidden markup included: what must (not) be anywhere on it. */
  public String html() {
    return driver.getPageSource();
  }

  /** The visible text of the whole page. */
  public String text() {
    return driver.findElement(By.tagName("body")).getText();
  }

  /** The refusal the workspace shows instead of a screen the person may not open. */
  public NotAllowedPage refusal() {
    waitFor("not-allowed");
    return new NotAllowedPage(this);
  }

  protected void open(String path) {
    driver.get(base + path);
  }

  protected WebElement waitFor(String id) {
    return waitFor(By.id(id));
  }

  /** The first matching element once it is displayed. */
  protected WebElement waitFor(By by) {
    return new WebDriverWait(driver, WAIT).until(d -> {
      List<WebElement> found = d.findElements(by);
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  protected void until(Function<WebDriver, Boolean> condition) {
    until(WAIT, condition);
  }

  protected void until(Duration timeout, Function<WebDriver, Boolean> condition) {
    new WebDriverWait(driver, timeout).until(condition);
  }

  /** Waits until the element shows this text; the view may draw itself anew meanwhile (a stale element is looked up again). */
  protected void waitForText(String id, String text) {
    new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElement(By.id(id)).getText().equals(text));
  }

  /** Waits until the element's text contains this. */
  protected void waitForTextContaining(String id, String text) {
    until(d -> d.findElement(By.id(id)).getText().contains(text));
  }

  protected void waitForPageContaining(String text) {
    until(d -> d.getPageSource().contains(text));
  }

  protected boolean present(String id) {
    return !driver.findElements(By.id(id)).isEmpty();
  }

  protected String textOf(String id) {
    return waitFor(id).getText();
  }

  protected String attribute(String id, String name) {
    return waitFor(id).getAttribute(name);
  }

  protected Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  protected void click(String id) {
    click(waitFor(id));
  }

  protected void click(WebElement element) {
    js("arguments[0].click();", element);
  }

  /** Sets a field's value as if typed and left. */
  protected void type(String id, String value) {
    js("const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('change', {bubbles: true}));",
        waitFor(id), value);
  }

  /** Types into the field's own input and presses these keys after it. */
  protected void typeKeys(String id, String tag, CharSequence... keys) {
    waitFor(id).findElement(By.tagName(tag)).sendKeys(keys);
  }

  /** Sets a Vaadin select or combo box to an item key (Flow numbers its items from 1). */
  protected void select(String id, String itemKey) {
    js("arguments[0].value = arguments[1];", waitFor(id), itemKey);
  }

  /** Clicks the n-th option of a radio group, as a person would. */
  protected void choose(String id, int option) {
    click(waitFor(By.cssSelector("#" + id + " vaadin-radio-button:nth-of-type(" + (option + 1) + ")")));
  }

  protected void scrollTo(String id) {
    js("arguments[0].scrollIntoView()", waitFor(id));
  }

  /** Adds a scanned page to an upload the way a file chosen from the scanner's folder arrives. */
  protected void scan(String uploadId, int width, int height) {
    js("const up = arguments[0]; const c = document.createElement('canvas'); c.width = arguments[1]; c.height = arguments[2];"
        + " const g = c.getContext('2d'); for (let i = 0; i < 400; i++) { g.fillStyle = 'hsl(' + (i * 37 % 360) + ',60%,'"
        + " + (30 + i % 50) + '%)'; g.fillRect((i * 53) % c.width, (i * 97) % c.height, 60, 40); }"
        + " c.toBlob(b => up._addFiles([new File([b], 'scan.png', {type: 'image/png'})]), 'image/png');",
        waitFor(uploadId), width, height);
    until(d -> Boolean.TRUE.equals(js(
        "return arguments[0].files.length === 1 && arguments[0].files[0].complete === true;", d.findElement(By.id(uploadId)))));
  }

  /** The PDF behind a link, fetched with the signed-in browser's session. */
  protected byte[] pdfBehind(String anchorId) {
    String href = attribute(anchorId, "href");
    Object b64 = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
        + " fetch(arguments[0]).then(r => r.arrayBuffer()).then(buf => { let s = ''; const a = new Uint8Array(buf);"
        + " for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); done(btoa(s)); });", href);
    return Base64.getDecoder().decode(String.valueOf(b64));
  }

  /** Whether a grid's table is no wider than the grid (no scrolling sideways). */
  protected boolean gridFits(String id) {
    return (Boolean) js("const t = arguments[0].shadowRoot.querySelector('#table'); return t.scrollWidth <= t.clientWidth + 1;",
        waitFor(id));
  }

  static CharSequence enter(String text) {
    return text + Keys.ENTER;
  }
}
