package org.cardcase.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

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

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An error with more fields than its message (e.g. {@code maxBytes}, {@code retryAfterSeconds}). */
  static void write(HttpServletResponse res, int status, Map<String, Object> body) throws IOException {
    res.setStatus(status);
    res.setContentType("application/json;charset=UTF-8");
    res.getWriter().write(JSON.writeValueAsString(body));
  }
}
