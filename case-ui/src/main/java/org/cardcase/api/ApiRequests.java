package org.cardcase.api;

import jakarta.servlet.http.HttpServletRequest;

/** Request attributes the API sets for the call log. */
public final class ApiRequests {
  public static final String CASE_NUMBER = "cardcase.caseNumber";

  private ApiRequests() {}

  static void caseNumber(HttpServletRequest req, String caseNumber) {
    req.setAttribute(CASE_NUMBER, caseNumber);
  }
}
