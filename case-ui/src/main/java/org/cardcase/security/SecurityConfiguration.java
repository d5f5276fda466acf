package org.cardcase.security;

import com.vaadin.flow.spring.security.VaadinWebSecurity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.cardcase.access.Accounts;
import org.cardcase.access.ChannelClients;
import org.cardcase.access.SignInGuard;
import org.cardcase.idempotency.IdempotencyKeys;
import org.cardcase.ui.LoginView;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Three doors. {@code /oauth2/**}: the token service for channel and partner systems (see
 * ChannelTokens). {@code /api/**}: those systems with their access tokens (or, in the demo, HTTP
 * Basic), staff tools with HTTP Basic; no session. Everything else: the Vaadin workspace for staff,
 * with a login form. Every door sends headers that keep its answers from being framed or leaked.
 */
@Configuration
@EnableWebSecurity
public class SecurityConfiguration {
  /** Request attribute naming the authenticated caller, read by the API call log. */
  public static final String CALLER = "cardcase.caller";

  @Bean
  PasswordEncoder passwordEncoder() {
    return Accounts.ENCODER;
  }

  /** BCrypt once per account and password, then a short-lived memory of the verified password (see VerifiedCredentials). */
  @Bean
  VerifiedCredentials verifiedCredentials(UserDetailsService users,
      PasswordEncoder encoder, @Value("${cardcase.security.verified-credentials-ttl:60s}")
      Duration ttl, SignInGuard guard) {
    var bcrypt = new DaoAuthenticationProvider(users);
    bcrypt.setPasswordEncoder(encoder);
    return new VerifiedCredentials(bcrypt, ttl, guard);
  }

  @Bean
  UserDetailsService userDetailsService(Accounts accounts) {
    // a channel's or partner's services are its scopes, whether it signs in with a token or (demo) a password
    return name -> accounts.find(name)
        .map(a -> User.withUsername(a.name()).password(a.passwordHash())
            .authorities(Stream.concat(a.roles().stream().map(r -> "ROLE_" + r), a.scopes().stream().map(SecurityConfiguration::scope))
                .toArray(String[]::new)).build())
        .orElseThrow(() -> new UsernameNotFoundException(name));
  }

  static String scope(String scope) {
    return "SCOPE_" + scope;
  }

  @Bean
  @Order(1)
  SecurityFilterChain api(HttpSecurity http, ChannelTokens tokens, JwtDecoder decoder,
      @Value("${cardcase.security.channel-basic-auth:#{'${cardcase.mode:demo}' == 'demo'}}") boolean channelBasic,
      IdempotencyKeys idempotencyKeys) throws Exception {
    AuthenticationEntryPoint refused = SecurityConfiguration::unauthenticated;
    http.securityMatcher("/api/**")
        .authorizeHttpRequests(a -> a
            // channel services: each is a scope of the channel's client (its token, or its demo credentials)
            .requestMatchers(HttpMethod.POST, "/api/applications", "/api/applications/*/resubmission").hasAuthority(scope(ChannelClients.APPLICATIONS))
            .requestMatchers(HttpMethod.GET, "/api/progress", "/api/medical-insurance-number").hasAuthority(scope(ChannelClients.LOOKUPS))
            .requestMatchers(HttpMethod.GET, "/api/photo-on-file").hasAuthority(scope(ChannelClients.APPLICATIONS))
            .requestMatchers(HttpMethod.GET, "/api/own-data").hasAuthority(scope(ChannelClients.OWN_DATA))
            .requestMatchers(HttpMethod.POST, "/api/loss-reports", "/api/loss-reports/*/withdrawal").hasAuthority(scope(ChannelClients.LOSS_REPORTS))
            .requestMatchers(HttpMethod.POST, "/api/reissues", "/api/reissues/*/pickup").hasAuthority(scope(ChannelClients.REISSUES))
            .requestMatchers(HttpMethod.GET, "/api/vouchers/*/certificate").hasAuthority(scope(ChannelClients.REISSUES))
            .requestMatchers("/api/family-bindings", "/api/family-bindings/*").hasAuthority(scope(ChannelClients.FAMILY))
            .requestMatchers("/api/child-cards", "/api/child-cards/commitment-letter").hasAuthority(scope(ChannelClients.CHILD_CARDS))
            .requestMatchers(HttpMethod.GET, "/api/vouchers/*").hasAnyAuthority(scope(ChannelClients.VOUCHERS), "ROLE_CLERK", "ROLE_SUPERVISOR")
            .requestMatchers(HttpMethod.GET, "/api/cases/*/documents", "/api/cases/*/documents/**").hasAnyRole("CLERK", "SUPERVISOR")
            .requestMatchers(HttpMethod.GET, "/api/cases").hasAnyRole("CLERK", "SUPERVISOR", "ANALYST", "ADMIN")
            .requestMatchers(HttpMethod.GET, "/api/cases/*/personal-data").hasAnyRole("CLERK", "SUPERVISOR")
            .requestMatchers(HttpMethod.GET, "/api/cases/**").hasAnyRole("CHANNEL", "CLERK", "SUPERVISOR", "ADMIN")
            .requestMatchers(HttpMethod.GET, "/api/cards/**").hasAnyRole("CLERK", "SUPERVISOR", "ADMIN")
            .requestMatchers(HttpMethod.POST, "/api/cards/*/transitions").hasAnyRole("SUPERVISOR", "ADMIN")
            .requestMatchers(HttpMethod.GET, "/api/reference", "/api/reference/**").authenticated()
            .requestMatchers(HttpMethod.POST, "/api/validation/**").hasAnyRole("CHANNEL", "CLERK", "SUPERVISOR", "ADMIN")
            .requestMatchers(HttpMethod.GET, "/api/calendar/**").hasAnyRole("CHANNEL", "PARTNER", "CLERK", "SUPERVISOR", "ANALYST", "ADMIN")
            .requestMatchers("/api/tasks/**", "/api/task-queue").hasAnyRole("CLERK", "SUPERVISOR")
            .requestMatchers("/api/callbacks/**").hasAuthority(scope(ChannelClients.CALLBACKS))
            .requestMatchers(HttpMethod.GET, "/api/audit/**").hasAnyRole("SUPERVISOR", "ADMIN")
            .requestMatchers(HttpMethod.GET, "/api/engine").hasAnyRole("SUPERVISOR", "ADMIN")
            .requestMatchers(HttpMethod.GET, "/api/incidents").hasAnyRole("SUPERVISOR", "ADMIN", "ANALYST")
            .requestMatchers(HttpMethod.GET, "/api/dashboard", "/api/dashboard/**").hasAnyRole("SUPERVISOR", "ADMIN", "ANALYST")
            .requestMatchers(HttpMethod.POST, "/api/models/check").hasAnyRole("ANALYST", "ADMIN")
            .requestMatchers(HttpMethod.GET, "/api/models/job-types").hasAnyRole("ANALYST", "ADMIN")
            .requestMatchers("/api/models/drafts", "/api/models/drafts/**").hasAnyRole("ANALYST", "ADMIN")
            .requestMatchers(HttpMethod.POST, "/api/incidents/*/retry", "/api/incidents/*/case-cancellation")
              .hasAnyRole("SUPERVISOR", "ADMIN")
            .requestMatchers("/api/admin/**").hasRole("ADMIN")
            // demo only (404 when the simulators are off): a simulated channel's identity service signs for that channel
            .requestMatchers(HttpMethod.POST, "/api/simulators/citizen-assertions").hasRole("CHANNEL")
            .anyRequest().denyAll())
        .httpBasic(b -> b.authenticationEntryPoint(refused))
        .oauth2ResourceServer(o -> o.jwt(j -> j.decoder(decoder).jwtAuthenticationConverter(tokens.caller()))
            .authenticationEntryPoint(refused))
        .exceptionHandling(e -> e.authenticationEntryPoint(refused).accessDeniedHandler((req, res, ex) ->
            ApiErrors.write(res, 403, "your credentials do not allow " + req.getMethod() + " " + req.getRequestURI()
                + (req.getUserPrincipal() instanceof JwtAuthenticationToken
                    ? " (this service is not among your client's scopes)" : ""))))
        .addFilterAfter(new CallerAttribute(channelBasic), BasicAuthenticationFilter.class)
        // a channel's or partner's POST with an Idempotency-Key: once authorised, processed at most once per key
        .addFilterAfter(new IdempotencyFilter(idempotencyKeys),
            AuthorizationFilter.class)
        .headers(SecurityConfiguration::apiHeaders)
        .csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }

  /** 401 (or 429 while a name or address must wait) with what to send, in the API's error shape. */
  private static void unauthenticated(HttpServletRequest req, HttpServletResponse res,
      AuthenticationException ex) throws IOException {
    if (ex instanceof VerifiedCredentials.Refused refused) {
      res.setHeader("Retry-After", Long.toString(Math.max(1, refused.retryAfter.toSeconds())));
      ApiErrors.write(res, 429, refused.getMessage());
      return;
    }
    String auth = req.getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      res.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      ApiErrors.write(res, 401, "the access token is not valid here: " + ex.getMessage());
      return;
    }
    if (ex instanceof LockedException) {
      ApiErrors.write(res, 401, ex.getMessage());
      return;
    }
    res.setHeader("WWW-Authenticate", "Bearer");
    res.addHeader("WWW-Authenticate", "Basic realm=\"cardcase\""); // staff tools
    ApiErrors.write(res, 401, "authentication required: a channel or partner system sends an access token"
        + " (Authorization: Bearer, from POST /oauth2/token with its client credentials); staff send their credentials");
  }

  /** The API serves data, never pages: nothing may frame it, load it as a script or send its address on. */
  static void apiHeaders(HeadersConfigurer<HttpSecurity> h) {
    h.contentSecurityPolicy(c -> c.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
        .frameOptions(f -> f.deny())
        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER));
  }

  @Bean
  @Order(2)
  SecurityFilterChain actuator(HttpSecurity http) throws Exception {
    http.securityMatcher("/actuator/**")
        .authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info").permitAll()
            .anyRequest().denyAll())
        .headers(SecurityConfiguration::apiHeaders)
        .csrf(c -> c.disable());
    return http.build();
  }

  @Configuration
  static class Workspace extends VaadinWebSecurity {
    @Override
    protected void configure(HttpSecurity http) throws Exception {
      super.configure(http);
      // Vaadin runs scripts it generates (eval) and inline styles; everything else comes from here only
      http.headers(h -> h
          .contentSecurityPolicy(c -> c.policyDirectives("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval';"
              + " style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:;"
              + " connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'"))
          .frameOptions(f -> f.sameOrigin())
          .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
          .permissionsPolicyHeader(p -> p.policy("camera=(self), microphone=(), geolocation=(), payment=()")));
      setLoginView(http, LoginView.class);
      StaffSingleSignOn.configure(http);
    }
  }

  /**
   * Puts the authenticated caller's name on the request so the call log can record it; outside
   * the demo a channel or partner system must use an access token, not its password.
   */
  static class CallerAttribute extends OncePerRequestFilter {
    private final boolean channelBasic;

    CallerAttribute(boolean channelBasic) {
      this.channelBasic = channelBasic;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
        throws ServletException, IOException {
      Authentication a = SecurityContextHolder.getContext().getAuthentication();
      if (a != null && a.isAuthenticated()) {
        boolean system = a.getAuthorities().stream().anyMatch(g -> g.getAuthority().equals("ROLE_CHANNEL") || g.getAuthority().equals("ROLE_PARTNER"));
        if (system && !channelBasic && a instanceof UsernamePasswordAuthenticationToken) {
          SecurityContextHolder.clearContext();
          ApiErrors.write(res, 401, "channel and partner systems authenticate with an access token here (POST /oauth2/token,"
              + " client credentials), not with their password");
          return;
        }
        req.setAttribute(CALLER, a.getName());
      }
      chain.doFilter(req, res);
    }
  }
}
