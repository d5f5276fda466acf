package org.cardcase.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.access.StaffAdministration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The workspace's sessions: each ends after {@code idle-timeout} (30 minutes) without anything the
 * person did, and every session of an account ends at once when the account is disabled, locked or
 * given a new password.
 *
 * <p>Open pages poll the server every few seconds, and the servlet container counts every request
 * as use, so its own timeout would never end a forgotten session. Here a Vaadin request counts only
 * if it carries something other than a poll (a click, a keystroke, a navigation); heartbeats and
 * polls do not. A session past its idle time is ended before Spring Security reads it, so the
 * request is answered as one without a session: the page reloads to the sign-in screen.
 */
@Configuration
public class WorkspaceSessions implements HttpSessionListener {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceSessions.class);
  static final String LAST_ACTIVITY = "cardcase.lastActivity";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration idleTimeout;
  private final Clock clock;
  /** The sessions each member of staff has open, so an administrator's change can end them. */
  private final Map<String, Set<HttpSession>> byAccount = new ConcurrentHashMap<>();

  public WorkspaceSessions(@Value("${cardcase.security.idle-timeout:30m}") Duration idleTimeout, Clock clock) {
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> workspaceSessionFilter() {
    FilterRegistrationBean<OncePerRequestFilter> reg = new FilterRegistrationBean<>(new Filter());
    reg.addUrlPatterns("/*");
    reg.setOrder(-150); // before Spring Security (-100), so an ended session is not read
    return reg;
  }

  /** Ends every open session of the account (disabled, locked, new password). */
  @EventListener
  public void on(StaffAdministration.AccountChanged changed) {
    Set<HttpSession> sessions = byAccount.remove(changed.username());
    if (sessions == null) {
      return;
    }
    int n = 0;
    for (HttpSession s : sessions) {
      try {
        s.invalidate();
        n++;
      } catch (IllegalStateException alreadyEnded) {
        // ended meanwhile
      }
    }
    if (n > 0) {
      log.info("ended {} open session(s) of {} after a change to the account", n, changed.username());
    }
  }

  /**
   * A sign-in registers its session at once: a session that signed in and made no request since
   * must end too when the account is locked or disabled a moment later.
   */
  @EventListener
  public void on(AuthenticationSuccessEvent signedIn) {
    if (RequestContextHolder.getRequestAttributes()
        instanceof ServletRequestAttributes attrs) {
      HttpSession session = attrs.getRequest().getSession(false);
      if (session != null) {
        byAccount.computeIfAbsent(signedIn.getAuthentication().getName(), k -> ConcurrentHashMap.newKeySet()).add(session);
      }
    }
  }

  /** How many sessions a member of staff has open now. */
  public int openSessions(String username) {
    return byAccount.getOrDefault(username, Set.of()).size();
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent se) {
    HttpSession s = se.getSession();
    byAccount.values().forEach(set -> set.remove(s));
    byAccount.values().removeIf(Set::isEmpty);
  }

  private final class Filter extends OncePerRequestFilter {
    @Override
    protected boolean shouldNotFilter(HttpServletRequest req) {
      String path = req.getRequestURI().substring(req.getContextPath().length());
      return path.startsWith("/api/") || path.startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
        throws ServletException, IOException {
      HttpSession session = req.getSession(false);
      if (session == null) {
        chain.doFilter(req, res);
        return;
      }
      String kind = req.getParameter("v-r"); // from the query string: UIDL bodies are JSON, not form data
      HttpServletRequest request = req;
      boolean activity;
      if ("uidl".equals(kind) && "POST".equals(req.getMethod())) {
        BufferedRequest read = new BufferedRequest(req); // Vaadin reads all of it too; uploads go elsewhere
        request = read;
        activity = !onlyPolls(read.bytes);
      } else {
        // a page load, an upload or a download is use; a heartbeat or a static file (cached scripts, styles) is not
        String path = req.getRequestURI();
        activity = !"heartbeat".equals(kind) && !path.contains("/VAADIN/") && !path.matches(".*\\.(js|css|png|svg|ico|woff2?|map)$");
      }
      long now = clock.millis();
      try {
        Long last = (Long) session.getAttribute(LAST_ACTIVITY);
        if (last != null && now - last > idleTimeout.toMillis()) {
          String who = user(session);
          session.invalidate();
          log.info("session of {} ended after {} without activity", who == null ? "a visitor" : who, idleTimeout);
        } else {
          if (activity || last == null) {
            session.setAttribute(LAST_ACTIVITY, now);
          }
          String who = user(session);
          if (who != null) {
            byAccount.computeIfAbsent(who, k -> ConcurrentHashMap.newKeySet()).add(session);
          }
        }
      } catch (IllegalStateException ended) {
        // the session ended meanwhile (another request, or an administrator's change)
      }
      chain.doFilter(request, res);
    }
  }

  private static String user(HttpSession s) {
    Object ctx = s.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
    return ctx instanceof SecurityContext c && c.getAuthentication() != null ? c.getAuthentication().getName() : null;
  }

  /** True if every call in a Vaadin request is a poll (the page asking for news, not the person acting). */
  static boolean onlyPolls(byte[] body) {
    try {
      JsonNode rpc = JSON.readTree(body).path("rpc");
      if (!rpc.isArray() || rpc.isEmpty()) {
        return false;
      }
      for (JsonNode call : rpc) {
        if (!"ui-poll".equals(call.path("event").asText())) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
