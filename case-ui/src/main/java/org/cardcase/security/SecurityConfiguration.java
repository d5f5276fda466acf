package org.cardcase.security;

import com.vaadin.flow.spring.security.VaadinWebSecurity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cardcase.access.Accounts;
import org.cardcase.ui.LoginView;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Two doors. {@code /api/**}: channel and partner systems (and staff tools) with HTTP Basic
 * credentials, no session. Everything else: the Vaadin workspace for staff, with a login form.
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
      PasswordEncoder encoder, @org.springframework.beans.factory.annotation.Value("${cardcase.security.verified-credentials-ttl:60s}")
      java.time.Duration ttl, org.cardcase.access.SignInGuard guard) {
    var bcrypt = new org.springframework.security.authentication.dao.DaoAuthenticationProvider(users);
    bcrypt.setPasswordEncoder(encoder);
    return new VerifiedCredentials(bcrypt, ttl, guard);
  }

  @Bean
  UserDetailsService userDetailsService(Accounts accounts) {
    return name -> accounts.find(name)
        .map(a -> User.withUsername(a.name()).password(a.passwordHash())
            .roles(a.roles().toArray(String[]::new)).build())
        .orElseThrow(() -> new UsernameNotFoundException(name));
  }

  @Bean
  @Order(1)
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    http.securityMatcher("/api/**")
        .authorizeHttpRequests(a -> a
            .requestMatchers(HttpMethod.POST, "/api/applications", "/api/applications/*/resubmission").hasRole("CHANNEL")
            .requestMatchers(HttpMethod.GET, "/api/progress", "/api/medical-insurance-number").hasRole("CHANNEL")
            .requestMatchers(HttpMethod.POST, "/api/loss-reports", "/api/loss-reports/*/withdrawal", "/api/reissues",
                "/api/reissues/*/pickup", "/api/family-bindings", "/api/child-cards").hasRole("CHANNEL")
            .requestMatchers(HttpMethod.GET, "/api/family-bindings", "/api/child-cards/commitment-letter", "/api/child-cards")
              .hasRole("CHANNEL")
            .requestMatchers(HttpMethod.DELETE, "/api/family-bindings/*").hasRole("CHANNEL")
            .requestMatchers(HttpMethod.GET, "/api/vouchers/*/certificate").hasRole("CHANNEL")
            .requestMatchers(HttpMethod.GET, "/api/vouchers/*").hasAnyRole("CHANNEL", "CLERK", "SUPERVISOR")
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
            .requestMatchers("/api/callbacks/**").hasRole("PARTNER")
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
            .anyRequest().denyAll())
        .httpBasic(b -> b.authenticationEntryPoint((req, res, ex) -> {
          if (ex instanceof VerifiedCredentials.Refused refused) {
            // locked (an administrator unlocks) or throttled (wait and try again): say which
            if (refused.retryAfter != null) {
              res.setHeader("Retry-After", Long.toString(Math.max(1, refused.retryAfter.toSeconds())));
            }
            ApiErrors.write(res, refused.retryAfter != null ? 429 : 401, refused.getMessage());
            return;
          }
          ApiErrors.write(res, 401, "authentication required: send the channel's credentials (HTTP Basic)");
        }))
        .exceptionHandling(e -> e.accessDeniedHandler((req, res, ex) ->
            ApiErrors.write(res, 403, "your credentials do not allow " + req.getMethod() + " " + req.getRequestURI())))
        .addFilterAfter(new CallerAttribute(), BasicAuthenticationFilter.class)
        .csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain actuator(HttpSecurity http) throws Exception {
    http.securityMatcher("/actuator/**")
        .authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info").permitAll()
            .anyRequest().denyAll())
        .csrf(c -> c.disable());
    return http.build();
  }

  @Configuration
  static class Workspace extends VaadinWebSecurity {
    @Override
    protected void configure(HttpSecurity http) throws Exception {
      super.configure(http);
      setLoginView(http, LoginView.class);
      StaffSingleSignOn.configure(http);
    }
  }

  /** Puts the authenticated caller's name on the request so the call log can record it. */
  static class CallerAttribute extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
        throws ServletException, IOException {
      Authentication a = SecurityContextHolder.getContext().getAuthentication();
      if (a != null && a.isAuthenticated()) {
        req.setAttribute(CALLER, a.getName());
      }
      chain.doFilter(req, res);
    }
  }
}
