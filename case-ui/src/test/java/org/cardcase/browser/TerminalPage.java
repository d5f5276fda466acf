package org.cardcase.browser;

/** The self-service terminal in the hall: the citizen identifies with the ID card and serves themselves. */
public class TerminalPage extends BrowserPage {
  TerminalPage(BrowserPage from) {
    super(from);
  }

  /** The ID card swiped. */
  public TerminalPage swipeIdCard(String idNumber) {
    type("terminal-identify-number", idNumber);
    click("terminal-by-id-card");
    return this;
  }

  /** Opens the medical insurance number and reads it. */
  public String number() {
    click("terminal-number");
    return textOf("terminal-number-value");
  }

  public TerminalPage back() {
    click("terminal-back");
    return this;
  }

  /** Opens the voucher and fetches the PDF it prints. */
  public byte[] printVoucher() {
    click("terminal-certificate");
    return pdfBehind("terminal-certificate-print");
  }

  /** Finishes and waits until the terminal is ready for the next citizen. */
  public TerminalPage finish() {
    click("terminal-finish");
    waitFor("terminal-identify-number");
    return this;
  }
}
