package org.cardcase.cases;

/** The request is valid but clashes with a case that is already open (answered with 409). */
public class CaseConflict extends RuntimeException {
  private final String openCaseNumber;

  public CaseConflict(String message, String openCaseNumber) {
    super(message);
    this.openCaseNumber = openCaseNumber;
  }

  public String openCaseNumber() {
    return openCaseNumber;
  }
}
