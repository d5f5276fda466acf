package org.cardcase.simulators;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the channels' identity services: each channel that authenticates citizens (web
 * portal, Alipay, WeChat, the national medical insurance app, 12333, terminal, counter, hospital)
 * signs its citizen assertions with an EC P-256 key of its own, made on first start and kept in
 * {@code sim_channel_identity_key} (the private key stays there, as it would stay with the channel);
 * the public half is registered like a real channel's, through {@link CitizenAssertions#addKey}.
 * Tests and the demo endpoint ask it for an assertion as the channel's identity service would
 * issue one right after it authenticated the citizen.
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class ChannelIdentitySimulator {
  static final Duration LIFETIME = Duration.ofMinutes(2);
  private final JdbcClient jdbc;
  private final CitizenAssertions assertions;
  private final Clock clock;
  private final ConcurrentHashMap<String, ECKey> keys = new ConcurrentHashMap<>();

  public ChannelIdentitySimulator(JdbcClient jdbc, CitizenAssertions assertions, Clock clock) {
    this.jdbc = jdbc;
    this.assertions = assertions;
    this.clock = clock;
  }

  /** Every simulated channel has its key and has registered it by the time the application serves. */
  @EventListener(ApplicationReadyEvent.class)
  public void registerAll() {
    Channels.AUTHENTICATION.keySet().forEach(this::key);
  }

  /**
   * An assertion the channel's identity service signs after it authenticated the citizen by {@code
   * method}: for this system, about this ID number, valid for 2 minutes, with a new jti.
   */
  public String assertionFor(String channel, String idNumber, String method) {
    List<String> can = Channels.AUTHENTICATION.getOrDefault(channel, List.of());
    if (!can.contains(method)) {
      throw FieldErrors.of("method", can.isEmpty() ? "the " + channel + " channel does not authenticate citizens"
          : "the " + channel + " channel authenticates a citizen by " + String.join(" or ", can));
    }
    return sign(channel, claims(channel, idNumber, method).build());
  }

  /** The claims {@link #assertionFor} signs, for a test to change one before signing. */
  public JWTClaimsSet.Builder claims(String channel, String idNumber, String method) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder().issuer(channel).audience(assertions.audience()).subject(CitizenAssertions.subjectOf(idNumber))
        .claim("amr", List.of(method)).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME)))
        .jwtID(UUID.randomUUID().toString());
  }

  /** Signs these claims with the channel's own key (ES256, its kid in the header). */
  public String sign(String channel, JWTClaimsSet claims) {
    ECKey key = key(channel);
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
          claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("the " + channel + " identity simulator could not sign", e);
    }
  }

  /** The channel's signing key: made once and kept (across restarts), its public half registered. */
  private ECKey key(String channel) {
    if (!Channels.AUTHENTICATION.containsKey(channel)) {
      throw FieldErrors.of("channel", "the " + channel + " channel does not authenticate citizens");
    }
    return keys.computeIfAbsent(channel, c -> {
      try {
        ECKey made = new ECKeyGenerator(Curve.P_256).keyID("sim-" + c + "-" + UUID.randomUUID().toString().substring(0, 8))
            .algorithm(JWSAlgorithm.ES256).generate();
        jdbc.sql("insert into sim_channel_identity_key (channel, kid, private_jwk) values (?, ?, ?) on conflict (channel) do nothing")
            .params(c, made.getKeyID(), made.toJSONString()).update();
        // a key made before (by another start or thread) wins
        ECKey kept = ECKey.parse(jdbc.sql("select private_jwk from sim_channel_identity_key where channel = ?").param(c)
            .query(String.class).single());
        assertions.addKey(c, kept.toPublicJWK().toJSONString(), "simulator");
        return kept;
      } catch (JOSEException | ParseException e) {
        throw new IllegalStateException("the " + c + " identity simulator has no usable key", e);
      }
    });
  }
}
