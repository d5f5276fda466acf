package org.cardcase.browser;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A draft of a model or a form: the modeler (bpmn-js with the Camunda properties panel) or the form
 * editor, the checks, the trial run on recent cases, and proposing, reviewing and approving it.
 */
public class DraftPage extends BrowserPage {
  private static final String MODELER_API = "const modeler = arguments[0]._modeler; const reg = modeler.get('elementRegistry');"
      + " const modeling = modeler.get('modeling');";

  DraftPage(BrowserPage from) {
    super(from);
  }

  /** The draft's number, from its address. */
  public long id() {
    return Long.parseLong(driver.getCurrentUrl().replaceAll(".*/", ""));
  }

  /** Waits until the modeler has drawn the draft. */
  public DraftPage waitForModeler() {
    WebElement modeler = waitFor("draft-modeler");
    until(Duration.ofSeconds(30), d -> modeler.getAttribute("rendered") != null);
    return this;
  }

  public boolean showsPropertiesPanel() {
    return !driver.findElements(By.cssSelector("#draft-modeler .bio-properties-panel")).isEmpty();
  }

  public boolean showsBpmnIoWatermark() {
    return !driver.findElements(By.cssSelector("#draft-modeler .bjs-powered-by")).isEmpty();
  }

  /** Selects a service task and sets its job type in the properties, as typed in the panel. */
  public DraftPage setJobType(String elementId, String jobType) {
    js(MODELER_API + "const el = reg.get(arguments[1]); modeler.get('selection').select(el);"
        + " const td = el.businessObject.extensionElements.values.find(v => v.$type === 'zeebe:TaskDefinition');"
        + " modeling.updateModdleProperties(el, td, {type: arguments[2]});", waitFor("draft-modeler"), elementId, jobType);
    return this;
  }

  /** Waits until the lint in the browser reports this (element:rule). */
  public DraftPage waitForLint(String finding) {
    until(d -> lint().contains(finding));
    return this;
  }

  /** What the Camunda lint in the browser reports. */
  public String lint() {
    return String.valueOf(waitFor("draft-modeler").getAttribute("data-lint"));
  }

  /** Waits until the server's check reports a problem at this element. */
  public DraftPage waitForProblemAt(String elementId) {
    until(d -> problems().contains(elementId));
    return this;
  }

  /** What the server's check reports, element by element. */
  public String problems() {
    return String.valueOf(waitFor("draft-modeler").getAttribute("data-problems"));
  }

  public String checkVerdict() {
    return textOf("draft-check-verdict");
  }

  /** Undoes the last two edits. */
  public DraftPage undoTwice() {
    js(MODELER_API + "modeler.get('commandStack').undo(); modeler.get('commandStack').undo();", waitFor("draft-modeler"));
    return this;
  }

  /** Changes a property of a step (cardcase:… in its zeebe:Properties) and selects the step. */
  public DraftPage setProperty(String elementId, String name, String value) {
    js(MODELER_API + "const el = reg.get(arguments[1]);"
        + " const p = el.businessObject.extensionElements.values.find(v => v.$type === 'zeebe:Properties')"
        + ".properties.find(x => x.name === arguments[2]); modeling.updateModdleProperties(el, p, {value: arguments[3]});"
        + " modeler.get('selection').select(el);", waitFor("draft-modeler"), elementId, name, value);
    return this;
  }

  /** Runs the draft on the recent cases and waits for its summary (the run may take a while). */
  public String trialRun() {
    click("draft-trial-run");
    new WebDriverWait(driver, Duration.ofSeconds(90)).ignoring(StaleElementReferenceException.class)
        .until(d -> !d.findElement(By.id("draft-trial-summary")).getText().isBlank());
    String summary = driver.findElement(By.id("draft-trial-summary")).getText();
    js("arguments[0].scrollIntoView()", driver.findElement(By.id("draft-trial-summary")));
    return summary;
  }

  /** Proposes the draft for approval and waits until its status says so. */
  public DraftPage propose(String expectedStatus) {
    click("draft-propose");
    waitForText("draft-status", expectedStatus);
    return this;
  }

  /** Whether this person is offered the approval. */
  public boolean offersApproval() {
    return present("draft-approve");
  }

  /** Waits for the list of what changed. */
  public DraftPage waitForChanges() {
    waitFor("draft-changes");
    return this;
  }

  /** Scrolls to what the change means for open cases. */
  public DraftPage scrollToImpact() {
    scrollTo("draft-impact-intro");
    return this;
  }

  /** Approves the draft and waits until its status says it is deployed. */
  public DraftPage approve(String expectedStatus) {
    click("draft-approve");
    waitForText("draft-status", expectedStatus);
    return this;
  }

  /** Waits until the form editor has drawn the form. */
  public DraftPage waitForFormEditor() {
    WebElement editor = waitFor("draft-form-editor");
    until(Duration.ofSeconds(30), d -> editor.getAttribute("rendered") != null);
    return this;
  }

  /** Changes a form field's label in the form editor. */
  public DraftPage relabel(String fieldKey, String label) {
    js("const e = arguments[0]._editor; const f = e.get('formFieldRegistry').getAll().find(x => x.key === arguments[1]);"
        + " e.get('modeling').editFormField(f, 'label', arguments[2]);", waitFor("draft-form-editor"), fieldKey, label);
    return this;
  }
}
