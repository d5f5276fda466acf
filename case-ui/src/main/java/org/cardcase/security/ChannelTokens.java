package org.cardcase.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.access.Account;
import org.cardcase.access.Accounts;
import org.cardcase.access.ChannelClients;
import org.cardcase.access.SignInGuard;
import org.cardcase.access.StaffAdministration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Channel and partner systems authenticate with OAuth 2 client credentials: {@code POST
 * /oauth2/token} (Spring Authorization Server inside the application) gives a short-lived JWT access
 * token whose scopes are the services the client may call; the API checks it with the public key
 * alone. Each channel and partner is a client of its own in {@code channel_client}, the same row
 * its demo HTTP Basic credentials come from. Tokens are self-contained and kept nowhere: a client
 * that is disabled, or loses a scope, is refused at its next call although its token has not
 * expired. With {@code cardcase.security.channel-tokens.jwk-set-uri} the API trusts an external
 * OAuth 2 server's tokens instead (same claims: {@code sub} the client, {@code scope} the services).
 */
@Configuration
public class ChannelTokens {
  private final ChannelClients clients;
  private final Accounts accounts;
  private final Duration lifetime;
  /** The accounts behind recent tokens, so a token check needs no database round trip. */
  private final Map<String, Cached> recent = new ConcurrentHashMap<>();
  private volatile RSAKey key;

  private record Cached(Optional<Account> account, long until) {}

  public ChannelTokens(ChannelClients clients, Accounts accounts,
      @Value("${cardcase.security.channel-tokens.lifetime:5m}") Duration lifetime) {
    this.clients = clients;
    this.accounts = accounts;
    this.lifetime = lifetime;
  }

  @Bean
  @Order(0)
  SecurityFilterChain tokenService(HttpSecurity http, SignInGuard guard) throws Exception {
    OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
    http.securityMatcher(server.getEndpointsMatcher())
        .with(server, s -> s.registeredClientRepository(registeredClients()).authorizationService(new NothingKept()))
        .authorizeHttpRequests(a -> a.anyRequest().authenticated())
        .addFilterBefore(new SecretGuessing(guard), AbstractPreAuthenticatedProcessingFilter.class)
        .csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings(@Value("${cardcase.security.channel-tokens.issuer:}") String issuer) {
    AuthorizationServerSettings.Builder b = AuthorizationServerSettings.builder();
    return (issuer.isBlank() ? b : b.issuer(issuer)).build();
  }

  /** The signing key, kept in PostgreSQL so every instance and every restart signs and checks alike. */
  @Bean
  JWKSource<SecurityContext> tokenSigningKeys() {
    return new ImmutableJWKSet<>(new JWKSet(signingKey()));
  }

  /** Checks access tokens: this system's own (by its key), or an external server's (by its JWK set). */
  @Bean
  JwtDecoder channelTokenDecoder(@Value("${cardcase.security.channel-tokens.jwk-set-uri:}") String jwkSetUri,
      @Value("${cardcase.security.channel-tokens.issuer:}") String issuer) throws JOSEException {
    NimbusJwtDecoder decoder = jwkSetUri.isBlank() ? NimbusJwtDecoder.withPublicKey(signingKey().toRSAPublicKey()).build()
        : NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
    decoder.setJwtValidator(issuer.isBlank() ? JwtValidators.createDefault() : JwtValidators.createDefaultWithIssuer(issuer));
    return decoder;
  }

  private RSAKey signingKey() {
    if (key == null) {
      String jwk = clients.signingKey(() -> {
        try {
          RSAKey k = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
          return new ChannelClients.SigningKey(k.getKeyID(), k.toJSONString());
        } catch (JOSEException e) {
          throw new IllegalStateException("cannot make a token signing key", e);
        }
      });
      try {
        key = RSAKey.parse(jwk);
      } catch (ParseException e) {
        throw new IllegalStateException("the stored token signing key cannot be read", e);
      }
    }
    return key;
  }

  /** A token asked for without a {@code scope} carries every scope of its client. */
  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> allScopesByDefault() {
    return ctx -> {
      if (ctx.getAuthorizedScopes().isEmpty() && !ctx.getRegisteredClient().getScopes().isEmpty()) {
        ctx.getClaims().claim("scope", List.copyOf(ctx.getRegisteredClient().getScopes()));
      }
    };
  }

  /** A channel or partner from {@code channel_client} as an OAuth 2 client with the client credentials grant only. */
  RegisteredClientRepository registeredClients() {
    return new RegisteredClientRepository() {
      @Override
      public void save(RegisteredClient client) {
        throw new UnsupportedOperationException("channel and partner clients are kept in channel_client");
      }

      @Override
      public RegisteredClient findById(String id) {
        return findByClientId(id);
      }

      @Override
      public RegisteredClient findByClientId(String id) {
        return clients.find(id).map(c -> RegisteredClient.withId(c.name()).clientId(c.name()).clientSecret(c.secretHash())
            .clientName(c.name())
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .scopes(s -> s.addAll(c.scopes()))
            .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
            .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(lifetime)
                .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED).build())
            .build()).orElse(null);
      }
    };
  }

  /**
   * A checked token as the API's caller: its client by name, the client's kind as a role, and the
   * token's scopes that the client still has. A disabled client is refused.
   */
  Converter<Jwt, AbstractAuthenticationToken> caller() {
    return jwt -> {
      String name = jwt.getSubject();
      Account a = account(name).orElseThrow(() -> new InvalidBearerTokenException("the client " + name + " is not enabled here"));
      if ("STAFF".equals(a.kind())) {
        throw new InvalidBearerTokenException("access tokens are for channel and partner systems");
      }
      Collection<GrantedAuthority> authorities = new ArrayList<>();
      authorities.add(new SimpleGrantedAuthority("ROLE_" + a.kind()));
      for (String scope : scopes(jwt)) {
        if (a.scopes().contains(scope)) {
          authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope));
        }
      }
      return new JwtAuthenticationToken(jwt, authorities, name);
    };
  }

  private static List<String> scopes(Jwt jwt) {
    Object s = jwt.getClaims().get("scope");
    if (s instanceof String text) {
      return List.of(text.split(" "));
    }
    return s instanceof Collection<?> c ? c.stream().map(String::valueOf).toList() : List.of();
  }

  private Optional<Account> account(String name) {
    long now = System.nanoTime();
    Cached c = recent.get(name);
    if (c != null && now - c.until() < 0) {
      return c.account();
    }
    Optional<Account> a = accounts.find(name);
    if (recent.size() > 10_000) {
      recent.clear();
    }
    recent.put(name, new Cached(a, now + Duration.ofSeconds(30).toNanos()));
    return a;
  }

  /** A client disabled or changed is checked afresh at its next call. */
  @EventListener
  public void on(StaffAdministration.AccountChanged changed) {
    recent.remove(changed.username());
  }

  /**
   * Wrong client secrets at the token endpoint are slowed down like wrong passwords (per client and
   * per address), and a client still waiting is refused before its secret is checked.
   */
  private static final class SecretGuessing extends OncePerRequestFilter {
    private final SignInGuard guard;

    SecretGuessing(SignInGuard guard) {
      this.guard = guard;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
        throws ServletException, IOException {
      String client = "POST".equals(req.getMethod()) && req.getRequestURI().endsWith("/oauth2/token") ? clientId(req) : null;
      if (client == null) {
        chain.doFilter(req, res);
        return;
      }
      String address = req.getRemoteAddr();
      var refusal = guard.check(client, address);
      if (refusal.isPresent()) {
        res.setHeader("Retry-After", Long.toString(refusal.get().retryAfter().toSeconds()));
        res.setStatus(429);
        res.setContentType("application/json");
        res.getWriter().write("{\"error\":\"slow_down\",\"error_description\":\"" + refusal.get().reason() + "\"}");
        return;
      }
      chain.doFilter(req, res);
      if (res.getStatus() == 401) {
        guard.failed(client, address, "token");
      } else if (res.getStatus() == 200) {
        guard.succeeded(client, address);
      }
    }

    private static String clientId(HttpServletRequest req) {
      String h = req.getHeader("Authorization");
      if (h != null && h.regionMatches(true, 0, "Basic ", 0, 6)) {
        try {
          String pair = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
          int colon = pair.indexOf(':');
          return colon > 0 ? URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8) : null;
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
      return req.getParameter("client_id");
    }
  }

  /** Self-contained tokens of the client credentials grant need no store (nothing to refresh or look up). */
  private static final class NothingKept implements OAuth2AuthorizationService {
    @Override
    public void save(OAuth2Authorization authorization) {}

    @Override
    public void remove(OAuth2Authorization authorization) {}

    @Override
    public OAuth2Authorization findById(String id) {
      return null;
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
      return null;
    }
  }
}
