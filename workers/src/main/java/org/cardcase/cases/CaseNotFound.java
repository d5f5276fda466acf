package org.cardcase.cases;

public class CaseNotFound extends RuntimeException {
  public CaseNotFound(String caseNumber) {
    super("no case " + caseNumber);
  }
}
