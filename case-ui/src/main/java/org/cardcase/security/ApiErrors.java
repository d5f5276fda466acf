package org.cardcase.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** JSON error bodies written outside Spring MVC (authentication and authorisation failures). */
final class ApiErrors {
  private ApiErrors() {}

  static void write(HttpServletResponse res, int status, String message) throws IOException {
    res.setStatus(status);
    res.setContentType("application/json;charset=UTF-8");
    if (status == 401 && !res.containsHeader("WWW-Authenticate")) {
      res.setHeader("WWW-Authenticate", "Basic realm=\"cardcase\"");
    }
    res.getWriter().write("{\"error\":\"" + message.replace("\"", "'") + "\"}");
  }
}
