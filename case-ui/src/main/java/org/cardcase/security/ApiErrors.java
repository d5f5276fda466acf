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

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** An error with more fields than its message (e.g. {@code maxBytes}, {@code retryAfterSeconds}). */
  static void write(HttpServletResponse res, int status, java.util.Map<String, Object> body) throws IOException {
    res.setStatus(status);
    res.setContentType("application/json;charset=UTF-8");
    res.getWriter().write(JSON.writeValueAsString(body));
  }
}
