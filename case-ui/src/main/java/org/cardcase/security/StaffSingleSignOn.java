package org.cardcase.security;

import com.vaadin.flow.spring.security.UidlRedirectStrategy;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cardcase.access.SingleSignOnAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.security.oauth2.client.OAuth2ClientProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Staff single sign-on through an OpenID Connect provider, beside the local accounts and off
 * unless {@code cardcase.sso.enabled=true} (with the standard
 * {@code spring.security.oauth2.client.registration.<id>.*} and {@code provider.<id>.issuer-uri}).
 * At each sign-in the person's roles and work groups are read from the ID token / user info claims
 * ({@code cardcase.sso.roles-claim}, default {@code cardcase_roles}; {@code cardcase.sso.groups-claim},
 * default {@code cardcase_groups}; a dotted name such as {@code realm_access.roles} reads a nested
 * claim), their staff_user row is provisioned or updated (see {@link SingleSignOnAccounts}), and
 * they get the authorities a local account with those roles gets ({@code ROLE_<role>}). Someone
 * with none of the workspace's roles, or whose account here is disabled, is sent back to the
 * sign-in page with the reason.
 */
public final class StaffSingleSignOn {
  private static final Logger log = LoggerFactory.getLogger(StaffSingleSignOn.class);
  /** Query parameter of the sign-in page naming why single sign-on was refused (see {@link #refusalCode}). */
  public static final String REFUSED = "sso-refused";
  private static final String ERROR_PREFIX = "cardcase_";

  private StaffSingleSignOn() {}

  public static boolean enabled(Environment env) {
    return env.getProperty("cardcase.sso.enabled", Boolean.class, false);
  }

  /**
   * The client registration staff sign in with: {@code cardcase.sso.registration-id}, or the only
   * one configured under {@code spring.security.oauth2.client.registration}.
   */
  public static String registrationId(Environment env) {
    String id = env.getProperty("cardcase.sso.registration-id");
    if (id != null && !id.isBlank()) {
      return id.strip();
    }
    Map<String, OAuth2ClientProperties.Registration> all = Binder.get(env)
        .bind("spring.security.oauth2.client.registration", Bindable.mapOf(String.class, OAuth2ClientProperties.Registration.class))
        .orElse(Map.of());
    if (all.size() != 1) {
      throw new IllegalStateException("cardcase.sso.enabled=true needs exactly one spring.security.oauth2.client.registration.<id> "
          + "(found " + all.keySet() + "), or cardcase.sso.registration-id naming the one staff sign in with");
    }
    return all.keySet().iterator().next();
  }

  /** The path that starts a single sign-on (the sign-in page's button links to it). */
  public static String authorizationPath(Environment env) {
    return "oauth2/authorization/" + registrationId(env);
  }

  /** Adds OAuth2 login to the workspace's filter chain when single sign-on is enabled; nothing otherwise. */
  public static void configure(HttpSecurity http) throws Exception {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    Environment env = context.getEnvironment();
    if (!enabled(env)) {
      return;
    }
    ClientRegistrationRepository registrations = context.getBeanProvider(ClientRegistrationRepository.class).getIfAvailable();
    if (registrations == null) {
      throw new IllegalStateException("cardcase.sso.enabled=true but no OpenID Connect client is configured: set "
          + "spring.security.oauth2.client.registration.<id>.client-id/client-secret/scope and "
          + "spring.security.oauth2.client.provider.<id>.issuer-uri");
    }
    String id = registrationId(env);
    var accounts = new StaffAccounts(context.getBean(SingleSignOnAccounts.class),
        env.getProperty("cardcase.sso.roles-claim", "cardcase_roles"),
        env.getProperty("cardcase.sso.groups-claim", "cardcase_groups"),
        env.getProperty("cardcase.sso.username-claim", "preferred_username"));
    // PKCE also for this confidential client (the provider may require it; it binds the code to this browser's sign-in)
    var authorizationRequests = new DefaultOAuth2AuthorizationRequestResolver(registrations,
        OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
    authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
    http.oauth2Login(o -> o
        .loginPage("/login")
        .authorizationEndpoint(a -> a.authorizationRequestResolver(authorizationRequests))
        .userInfoEndpoint(u -> u.oidcUserService(accounts))
        .failureHandler((req, res, ex) -> {
          String code = refusalCode(ex);
          if (code.equals("failed")) {
            log.warn("single sign-on failed: {}", ex.getMessage());
          }
          res.setStatus(HttpServletResponse.SC_FOUND);
          res.setHeader("Location", req.getContextPath() + "/login?" + REFUSED + "=" + code);
        }));
    // signing out also ends the session at the provider (a shared counter PC must not sign the next person in as the last);
    // a local account's sign-out goes to the start page as before
    var logout = new OidcClientInitiatedLogoutSuccessHandler(registrations);
    logout.setRedirectStrategy(new UidlRedirectStrategy());
    logout.setPostLogoutRedirectUri("{baseUrl}/login");
    http.logout(l -> l.logoutSuccessHandler(logout));
    log.info("staff single sign-on enabled through client registration {} (roles from claim {}, work groups from claim {})", id,
        accounts.rolesClaim, accounts.groupsClaim);
  }

  /** no-role, disabled, name-taken, bad-name, or failed (anything else: the provider said no, the state did not match...). */
  static String refusalCode(Exception ex) {
    if (ex instanceof OAuth2AuthenticationException o && o.getError().getErrorCode().startsWith(ERROR_PREFIX)) {
      return o.getError().getErrorCode().substring(ERROR_PREFIX.length()).replace('_', '-');
    }
    return "failed";
  }

  /** Loads the person from the provider, then lets them in as a member of staff (or not). */
  static final class StaffAccounts implements OAuth2UserService<OidcUserRequest, OidcUser> {
    private final OidcUserService provider = new OidcUserService();
    private final SingleSignOnAccounts accounts;
    final String rolesClaim;
    final String groupsClaim;
    private final String usernameClaim;

    StaffAccounts(SingleSignOnAccounts accounts, String rolesClaim, String groupsClaim, String usernameClaim) {
      this.accounts = accounts;
      this.rolesClaim = rolesClaim;
      this.groupsClaim = groupsClaim;
      this.usernameClaim = usernameClaim;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) throws OAuth2AuthenticationException {
      OidcUser person = provider.loadUser(request);
      Map<String, Object> claims = person.getClaims();
      String issuer = request.getClientRegistration().getProviderDetails().getIssuerUri();
      if (issuer == null && person.getIssuer() != null) {
        issuer = person.getIssuer().toString();
      }
      String username = claim(claims, usernameClaim).stream().findFirst().orElse(null);
      String name = Optional.ofNullable(person.getFullName()).orElse(username);
      var outcome = accounts.signIn(new SingleSignOnAccounts.Person(issuer + " " + person.getSubject(), username, name,
          claim(claims, rolesClaim), claim(claims, groupsClaim)));
      if (outcome.refusal() != null) {
        log.info("single sign-on of {} ({}) refused: {}", username, person.getSubject(), outcome.refusal());
        String code = ERROR_PREFIX + outcome.refusal().name().toLowerCase(Locale.ROOT);
        throw new OAuth2AuthenticationException(new OAuth2Error(code, "single sign-on refused: " + outcome.refusal(), null));
      }
      var authorities = outcome.account().roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
      // the principal's name is the staff_user name, as a local account's is
      Map<String, Object> named = new HashMap<>(person.getUserInfo() == null ? Map.of() : person.getUserInfo().getClaims());
      named.put("sub", person.getSubject());
      named.put(StaffAccounts.NAME, outcome.account().name());
      return new DefaultOidcUser(authorities, person.getIdToken(),
          new OidcUserInfo(named), StaffAccounts.NAME);
    }

    /** User-info claim the principal is named by (the staff_user name). */
    static final String NAME = "cardcase_username";

    /** A claim's values: a list, or one string (several separated by commas or spaces); a dotted name reads nested claims. */
    static List<String> claim(Map<String, Object> claims, String name) {
      Object v = claims.get(name);
      if (v == null && name.contains(".")) {
        Object at = claims;
        for (String part : name.split("\\.")) {
          at = at instanceof Map<?, ?> m ? m.get(part) : null;
        }
        v = at;
      }
      List<String> out = new ArrayList<>();
      if (v instanceof Collection<?> c) {
        c.stream().filter(Objects::nonNull).forEach(x -> out.add(x.toString()));
      } else if (v instanceof String s) {
        for (String part : s.split("[,\\s]+")) {
          if (!part.isBlank()) {
            out.add(part);
          }
        }
      }
      return out;
    }
  }
}
