package org.cardcase.browser;

import org.openqa.selenium.By;

/**
 * The counter: a card application taken in person (camera, scans, photo on file), a loss report and
 * reissue with the voucher printed, and the hall's lookups, each on its tab.
 */
public class CounterPage extends BrowserPage {
  CounterPage(BrowserPage from) {
    super(from);
  }

  // the application tab

  /** Fills the applicant's details; the issuing bank is the first one offered. */
  public CounterPage fillApplication(String name, String idNumber, int sexOption, String phone) {
    type("application-applicantName", name);
    type("application-idNumber", idNumber);
    choose("application-sex", sexOption);
    type("application-phone", phone);
    select("application-issuingBank", "1");
    return this;
  }

  public CounterPage typeApplicantIdNumber(String idNumber) {
    type("application-idNumber", idNumber);
    return this;
  }

  /** Turns the counter's camera on, waits for its picture and takes the portrait. */
  public CounterPage takePortrait() {
    click("application-camera-button");
    until(d -> Boolean.TRUE.equals(js("const v = document.querySelector('#application-camera video'); return v && v.videoWidth > 0;")));
    click("application-camera-button");
    until(d -> Boolean.TRUE.equals(js("const u = document.getElementById('application-portraitPhoto');"
        + " return u.files.length === 1 && u.files[0].complete === true;")));
    return this;
  }

  public CounterPage scanIdCard() {
    scan("application-idCardPhoto", 700, 450);
    return this;
  }

  /** Submits the application and reads its case number from the result. */
  public String submitApplication() {
    click("application-submit");
    return caseNumberIn(textOf("application-result"));
  }

  /** Whether the photo on file may be chosen now. */
  public boolean photoOnFileChoosable() {
    return attribute("application-usePhotoOnFile", "disabled") == null;
  }

  /** Shows the photo on file and waits until it has loaded (358 px wide) and may be chosen. */
  public CounterPage showPhotoOnFile() {
    click("application-photo-on-file-show");
    until(d -> Boolean.TRUE.equals(js(
        "const i = document.getElementById('application-photo-on-file-image'); return i && i.complete && i.naturalWidth === 358;")));
    until(d -> d.findElement(By.id("application-usePhotoOnFile")).getAttribute("disabled") == null);
    return this;
  }

  // the reissue tab

  public CounterPage openReissue() {
    js("document.querySelectorAll('#counter-tabs vaadin-tab')[1].click();");
    return this;
  }

  /** Accepts the request as it is and waits until the holder's ID number is marked as missing. */
  public CounterPage acceptExpectingMissingFields() {
    click("reissue-accept");
    until(d -> d.findElement(By.id("reissue-holderIdNumber")).getAttribute("invalid") != null);
    return this;
  }

  public String reissueError() {
    return textOf("reissue-error");
  }

  public String centreRules() {
    return textOf("reissue-centre-rules");
  }

  /** The holder in person: details typed, the original ID card checked, the copy and the form scanned. */
  public CounterPage fillReissue(String holderIdNumber, String holderName, String phone) {
    type("reissue-holderIdNumber", holderIdNumber);
    type("reissue-holderName", holderName);
    type("reissue-phone", phone);
    click("reissue-holderIdOriginalChecked");
    scan("reissue-holderIdCopy", 700, 450);
    scan("reissue-replacementForm", 800, 1000);
    return this;
  }

  /** Accepts and waits until the error says this. */
  public CounterPage acceptExpectingError(String expected) {
    click("reissue-accept");
    waitForTextContaining("reissue-error", expected);
    return this;
  }

  /** Takes the provisional loss report in the same visit. */
  public CounterPage reportProvisionallyNow() {
    click("reissue-reportProvisionallyNow");
    return this;
  }

  /** Accepts and reads the voucher's number. */
  public String accept() {
    click("reissue-accept");
    return textOf("reissue-certificate").replaceAll(".*(LK\\d{15}).*", "$1");
  }

  /** What is said about the provisional report taken. */
  public String provisionalReport() {
    return textOf("reissue-provisional");
  }

  /** The voucher as printed from the counter screen. */
  public byte[] printedVoucher() {
    return pdfBehind("certificate-print");
  }

  /** The reissue's case number. */
  public String reissueCase() {
    return caseNumberIn(textOf("reissue-result"));
  }

  // the hall lookups tab

  /** Opens the lookups (the last tab) and reads an ID card. */
  public CounterPage readIdCard(String idNumber) {
    js("Array.from(document.querySelectorAll('#counter-tabs vaadin-tab')).pop().click();");
    type("lookup-idNumber", idNumber);
    click("lookup-read");
    return this;
  }

  /** The medical insurance number found. */
  public String lookedUpNumber() {
    return textOf("lookup-number");
  }

  public String lookedUpChildren() {
    return textOf("lookup-children");
  }

  public String lookedUpCases() {
    return textOf("lookup-cases");
  }

  private static String caseNumberIn(String text) {
    return text.replaceAll("(?s)^\\D*(SC\\d+).*", "$1");
  }
}
