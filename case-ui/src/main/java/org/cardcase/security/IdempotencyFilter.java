package org.cardcase.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.idempotency.IdempotencyKeys;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * The {@code Idempotency-Key} request header (IETF httpapi draft "The Idempotency-Key HTTP Header
 * Field") on every POST of the channel and partner API: a retried request with the same key and the
 * same method, path and body is answered with the first answer (status, body, {@code Location} and
 * the other headers that matter) and not processed again. The rules and the storage are in
 * {@link IdempotencyKeys}; this is the HTTP half. It runs in the API's security chain after
 * authorisation, so the key is the authenticated client's own and a refused call claims nothing.
 */
public class IdempotencyFilter extends OncePerRequestFilter {
  public static final String HEADER = "Idempotency-Key";
  /** Set on an answer given again from the stored one. */
  public static final String REPLAYED = "Idempotent-Replayed";
  /** The answer's headers that are stored and given again. */
  static final List<String> KEPT_HEADERS = List.of("Location", "Content-Type", "Content-Disposition", "Retry-After",
      "WWW-Authenticate");

  private final IdempotencyKeys keys;

  public IdempotencyFilter(IdempotencyKeys keys) {
    this.keys = keys;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest req) {
    return !"POST".equals(req.getMethod()) || !req.getRequestURI().startsWith(req.getContextPath() + "/api/");
  }

  /** A channel or partner system: the only callers whose POSTs are idempotent by key. */
  static boolean system(Authentication a) {
    return a != null && a.isAuthenticated() && a.getAuthorities().stream()
        .anyMatch(g -> g.getAuthority().equals("ROLE_CHANNEL") || g.getAuthority().equals("ROLE_PARTNER"));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws ServletException, IOException {
    Authentication caller = SecurityContextHolder.getContext().getAuthentication();
    List<String> given = Collections.list(req.getHeaders(HEADER));
    if (given.isEmpty() || !system(caller)) {
      chain.doFilter(req, res);
      return;
    }
    if (given.size() > 1) {
      ApiErrors.write(res, 400, "send one Idempotency-Key header, not " + given.size());
      return;
    }
    String key = key(given.get(0));
    if (!IdempotencyKeys.wellFormed(key)) {
      ApiErrors.write(res, 400, "the Idempotency-Key must be 1 to " + IdempotencyKeys.MAX_KEY_LENGTH
          + " printable ASCII characters (a UUID is a good key)");
      return;
    }
    BufferedRequest body = new BufferedRequest(req);
    String path = req.getRequestURI() + (req.getQueryString() == null ? "" : "?" + req.getQueryString());
    String channel = caller.getName();
    IdempotencyKeys.Claim claim = keys.claim(channel, key, IdempotencyKeys.fingerprint(req.getMethod(), path, body.bytes),
        req.getMethod(), path);
    switch (claim) {
      case IdempotencyKeys.InProgress p -> {
        res.setHeader("Retry-After", "1");
        ApiErrors.write(res, 409, "a request with this Idempotency-Key is still being processed; retry it in a moment for its answer");
      }
      case IdempotencyKeys.Mismatch m -> ApiErrors.write(res, 422, "this Idempotency-Key was used for another request ("
          + m.method() + " " + m.path() + " with another body); a new request needs a new key");
      case IdempotencyKeys.Replay r -> replay(r.answer(), res);
      case IdempotencyKeys.Proceed p -> proceed(body, res, chain, channel, key, p.attempt());
    }
  }

  /**
   * The key as sent: a token, or (as the draft writes it, a structured-field string) in double
   * quotes, with {@code \"} and {@code \\} escapes.
   */
  static String key(String header) {
    String v = header.strip();
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      StringBuilder out = new StringBuilder();
      for (int i = 1; i < v.length() - 1; i++) {
        char c = v.charAt(i);
        if (c == '\\' && i + 1 < v.length() - 1) {
          c = v.charAt(++i);
        }
        out.append(c);
      }
      return out.toString();
    }
    return v;
  }

  private void proceed(BufferedRequest req, HttpServletResponse res, FilterChain chain, String channel, String key, String attempt)
      throws IOException, ServletException {
    ContentCachingResponseWrapper answer = new ContentCachingResponseWrapper(res);
    boolean kept = false;
    try {
      chain.doFilter(req, answer);
      int status = answer.getStatus();
      if (status < 500) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : KEPT_HEADERS) {
          List<String> values = new ArrayList<>(answer.getHeaders(name));
          if (name.equals("Content-Type") && values.isEmpty() && answer.getContentType() != null) {
            values.add(answer.getContentType());
          }
          if (!values.isEmpty()) {
            headers.put(name, values);
          }
        }
        try {
          keys.complete(channel, key, attempt, new IdempotencyKeys.Answer(status, headers, answer.getContentAsByteArray()));
          kept = true;
        } catch (RuntimeException e) {
          // done, but its answer could not be kept (PostgreSQL went away): the caller still gets
          // this answer, and the key is freed so that a retry meets the domain's own rule (409)
          logger.warn("the answer to " + channel + "'s request with Idempotency-Key " + key + " could not be kept: " + e.getMessage());
        }
      }
    } finally {
      if (!kept) {
        keys.release(channel, key, attempt); // a failure (5xx, or an exception): the retry is processed; never throws
      }
      answer.copyBodyToResponse();
    }
  }

  private static void replay(IdempotencyKeys.Answer a, HttpServletResponse res) throws IOException {
    res.setStatus(a.status());
    a.headers().forEach((name, values) -> values.forEach(v -> res.addHeader(name, v)));
    res.setHeader(REPLAYED, "true");
    byte[] body = a.body() == null ? new byte[0] : a.body();
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }
}
