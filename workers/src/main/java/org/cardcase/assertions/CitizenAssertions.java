package org.cardcase.assertions;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.cardcase.audit.AuditTrail;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Proof that a channel authenticated the citizen a request is about: a <b>citizen assertion</b>, a
 * JWT the channel's own identity service signed (ES256 or RS256) right after it authenticated the
 * citizen, sent in the {@value #HEADER} header. A claim ("authenticated by CARD") is not believed;
 * a signature of a key the channel registered here is.
 *
 * <p>Claims: {@code iss} the channel's name here, {@code aud} this system ({@code
 * cardcase.assertions.audience}), {@code sub} {@code sha256:} and the lowercase hex SHA-256 of the
 * citizen's ID number in upper case (so a token in a channel's logs does not carry the ID number),
 * {@code amr} one method of those the channel has ({@link Channels#AUTHENTICATION}), {@code iat},
 * {@code exp} at most 5 minutes later, {@code jti} unique. Each assertion is taken once: its jti is
 * kept (per channel) until it expires, and the primary key makes a second presentation a replay
 * even when both arrive at the same moment.
 *
 * <p>Every refusal is a specific {@link AssertionRefused} and is in the audit trail of {@code
 * channel:<name>}; the channels' public keys are registered here by administrators (and by the
 * simulated channels for themselves), also audited there.
 */
@Service
public class CitizenAssertions {
  public static final String HEADER = "Citizen-Assertion";
  static final Duration SKEW = Duration.ofSeconds(60);
  static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(CitizenAssertions.class);

  /**
   * A verified assertion: this channel authenticated the person with this ID number by {@code
   * method}. {@code assertionId} is the assertion's jti, or null for an in-person check by this
   * system's own reader (see {@link #inPerson}).
   */
  public record Proof(String channel, String idNumber, String method, String assertionId, Instant issuedAt) {
    /** Whether this proof is about this person (ID numbers compared in upper case). */
    public boolean isFor(String idNumber) {
      return idNumber != null && this.idNumber.equals(idNumber.strip().toUpperCase());
    }

    /** The audit details that say how the person was authenticated: the method and, for an assertion, its id. */
    public Map<String, Object> auditDetail() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("authenticatedBy", method);
      if (assertionId != null) {
        m.put("assertionId", assertionId);
      }
      return m;
    }
  }

  /** A channel's registered key as administrators see it (the public JWK's parameters are not repeated). */
  public record ChannelKey(String channel, String kid, String keyType, Instant createdAt, Instant retiredAt) {}

  /** What a registration changed. */
  public record Registration(String channel, List<String> added, List<String> kept, List<String> retired, List<ChannelKey> keys) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final AuditTrail audit;
  private final Clock clock;
  private final String audience;

  private final PersonalFields personal;

  public CitizenAssertions(JdbcClient jdbc, TransactionTemplate tx, AuditTrail audit, Clock clock,
      @Value("${cardcase.assertions.audience:cardcase}") String audience, PersonalFields personal) {
    this.personal = personal;
    this.jdbc = jdbc;
    this.tx = tx;
    this.audit = audit;
    this.clock = clock;
    this.audience = audience;
  }

  public String audience() {
    return audience;
  }

  /** {@code sha256:} and the lowercase hex SHA-256 of the ID number in upper case: an assertion's {@code sub}. */
  public static String subjectOf(String idNumber) {
    return "sha256:" + sha256(idNumber.strip().toUpperCase());
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The citizen was authenticated in person by this system's own reader (the self-service terminal's
   * card or ID card reader): no assertion, the method checked against what the channel can do.
   * For trusted in-process callers only; the channel API never makes one.
   */
  public static Proof inPerson(String channel, String idNumber, String method) {
    String m = Channels.authentication(channel, method);
    if (m == null) {
      throw FieldErrors.of("authenticatedBy", "say how the citizen was authenticated");
    }
    return new Proof(channel, idNumber.strip().toUpperCase(), m, null, null);
  }

  /**
   * Verifies the channel's assertion about the person with this ID number and takes it (once).
   * Throws {@link AssertionRefused} with the reason, after auditing the refusal.
   */
  public Proof verify(String channel, String token, String idNumber) {
    try {
      return check(channel, token, idNumber);
    } catch (AssertionRefused r) {
      refused(channel, token, idNumber, r);
      throw r;
    }
  }

  private Proof check(String channel, String token, String idNumber) {
    if (token == null || token.isBlank()) {
      throw new AssertionRefused(AssertionRefused.Code.MISSING, "a " + HEADER + " header is required: a JWT the " + channel
          + " channel's identity service signed after it authenticated the citizen");
    }
    if (idNumber == null || idNumber.isBlank()) {
      throw new AssertionRefused(AssertionRefused.Code.OTHER_PERSON, "the request names no ID number for the assertion to be about");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token.strip());
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("not a signed JWT in compact form (header.payload.signature): " + e.getMessage());
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!JWSAlgorithm.ES256.equals(alg) && !JWSAlgorithm.RS256.equals(alg)) {
      throw invalid("alg " + alg + " is not accepted: sign with ES256 (or RS256)");
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null || kid.isBlank()) {
      throw invalid("the header names no kid: say which of the channel's registered keys signed it");
    }
    // the issuer before the signature: another channel's assertion is named as such (refusing on an unverified claim is safe)
    if (!channel.equals(claims.getIssuer())) {
      throw new AssertionRefused(AssertionRefused.Code.OTHER_CHANNEL, "the assertion was issued by "
          + (claims.getIssuer() == null ? "no one (no iss)" : "'" + claims.getIssuer() + "'") + ", not by the " + channel
          + " channel presenting it: a channel presents only its own assertions");
    }
    JWK key = key(channel, kid).orElseThrow(() -> new AssertionRefused(AssertionRefused.Code.FOREIGN_SIGNED,
        "signed by a key not registered for the " + channel + " channel (kid '" + kid + "' unknown or retired)"));
    if (!signatureHolds(jwt, alg, key)) {
      throw new AssertionRefused(AssertionRefused.Code.FOREIGN_SIGNED,
          "the signature does not verify with the " + channel + " channel's key '" + kid + "'");
    }
    // the signature holds: every claim below is the channel's own word
    if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
      throw invalid("aud must be '" + audience + "'");
    }
    Instant now = clock.instant();
    if (claims.getIssueTime() == null || claims.getExpirationTime() == null) {
      throw invalid("iat and exp are required");
    }
    Instant iat = claims.getIssueTime().toInstant();
    Instant exp = claims.getExpirationTime().toInstant();
    if (!exp.isAfter(iat) || Duration.between(iat, exp).compareTo(MAX_LIFETIME) > 0) {
      throw invalid("an assertion lives at most " + MAX_LIFETIME.toSeconds() + " s (exp - iat is "
          + Duration.between(iat, exp).toSeconds() + " s)");
    }
    if (iat.isAfter(now.plus(SKEW))) {
      throw invalid("issued in the future (iat " + iat + "); check the identity service's clock");
    }
    if (!exp.isAfter(now.minus(SKEW))) {
      throw new AssertionRefused(AssertionRefused.Code.EXPIRED, "the assertion expired at " + exp + ": get a new one");
    }
    if (!subjectOf(idNumber).equals(claims.getSubject())) {
      throw new AssertionRefused(AssertionRefused.Code.OTHER_PERSON,
          "the assertion is about another person than the ID number of this request (sub must be " + "sha256:<hex of the ID number>)");
    }
    List<String> amr;
    try {
      amr = claims.getStringListClaim("amr");
    } catch (ParseException e) {
      throw invalid("amr must be a JSON array of one method");
    }
    List<String> can = Channels.AUTHENTICATION.getOrDefault(channel, List.of());
    if (amr == null || amr.size() != 1) {
      throw invalid("amr must name exactly one method, one of " + can);
    }
    String method = amr.get(0);
    if (!can.contains(method)) {
      throw new AssertionRefused(AssertionRefused.Code.METHOD_NOT_ALLOWED, can.isEmpty()
          ? "the " + channel + " channel does not authenticate citizens"
          : "the " + channel + " channel authenticates a citizen by " + String.join(" or ", can) + ", not " + method);
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isBlank() || jti.length() > 200) {
      throw invalid("jti is required (a unique id of at most 200 characters)");
    }
    // taken once: the primary key decides between concurrent presentations
    int taken = jdbc.sql("insert into citizen_assertion_use (channel, jti, expires_at) values (?, ?, ?) on conflict do nothing")
        .params(channel, jti, Timestamp.from(exp.plus(SKEW))).update();
    if (taken == 0) {
      throw new AssertionRefused(AssertionRefused.Code.REPLAYED, "this assertion (jti '" + jti + "') was presented before:"
          + " an assertion is taken once; get a new one");
    }
    return new Proof(channel, idNumber.strip().toUpperCase(), method, jti, iat);
  }

  private static AssertionRefused invalid(String message) {
    return new AssertionRefused(AssertionRefused.Code.INVALID, message);
  }

  private static boolean signatureHolds(SignedJWT jwt, JWSAlgorithm alg, JWK key) {
    try {
      JWSVerifier verifier;
      if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        verifier = new ECDSAVerifier(ec);
      } else if (JWSAlgorithm.RS256.equals(alg) && key instanceof RSAKey rsa) {
        verifier = new RSASSAVerifier(rsa);
      } else {
        return false; // the key the kid names is not one for this algorithm
      }
      return jwt.verify(verifier);
    } catch (JOSEException | IllegalStateException e) {
      return false;
    }
  }

  private Optional<JWK> key(String channel, String kid) {
    return jdbc.sql("select jwk::text from channel_key where channel = ? and kid = ? and retired_at is null").params(channel, kid)
        .query(String.class).optional().map(json -> {
          try {
            return JWK.parse(json);
          } catch (ParseException e) {
            throw new IllegalStateException("registered key " + channel + "/" + kid + " unreadable", e);
          }
        });
  }

  /** Audits a refusal on the channel's trail; a retried request with the same token and reason is one entry. */
  private void refused(String channel, String token, String idNumber, AssertionRefused r) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("code", r.code().name());
    detail.put("reason", r.getMessage());
    // a token refused again for the same reason about the same person is one event; each missing header is its own
    String event = token == null || token.isBlank() ? UUID.randomUUID().toString() : sha256(token.strip());
    try {
      SignedJWT jwt = token == null ? null : SignedJWT.parse(token.strip());
      if (jwt != null) {
        if (jwt.getHeader().getKeyID() != null) {
          detail.put("kid", jwt.getHeader().getKeyID());
        }
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        if (c.getJWTID() != null) {
          detail.put("assertionId", c.getJWTID());
        }
        if (c.getIssuer() != null) {
          detail.put("issuer", c.getIssuer());
        }
      }
    } catch (ParseException | RuntimeException e) {
      // a malformed token: the code and reason say so
    }
    // the ID number's keyed digest (its blind index), never the number nor a plain SHA-256 of it
    String about = idNumber == null || idNumber.isBlank() ? "none" : personal.idDigest(idNumber.strip());
    detail.put("about", about);
    try {
      tx.executeWithoutResult(s -> audit.append("channel:" + channel, "assertion-refused:" + event + ":" + r.code() + ":" + about,
          channel, channel, "CITIZEN_ASSERTION_REFUSED", detail));
    } catch (RuntimeException e) {
      log.error("could not audit the refused citizen assertion of {} ({}); it is refused all the same", channel, r.code(), e);
    }
  }

  // ---- the channels' keys ----

  /**
   * Replaces the channel's set of signing keys with the public keys of this JWKS: new kids are
   * added, kids already registered with the same key are kept (a retired one active again), and
   * the channel's other keys are retired (they verify nothing from now on). Refuses private keys,
   * unknown channels, keys that are neither EC P-256 nor RSA of 2048 bits or more, and a kid
   * registered before with another key. Audited on {@code channel:<name>}.
   */
  public Registration replaceKeys(String channel, String jwksJson, String by) {
    List<JWK> keys = parse(channel, jwksJson);
    return tx.execute(s -> {
      jdbc.sql("select pg_advisory_xact_lock(hashtext(?))").param("channel-keys:" + channel).query().singleRow();
      List<String> added = new ArrayList<>();
      List<String> kept = new ArrayList<>();
      for (JWK k : keys) {
        (store(channel, k) ? added : kept).add(k.getKeyID());
      }
      List<String> retired = jdbc.sql("""
          update channel_key set retired_at = now() where channel = ? and retired_at is null and kid <> all(?) returning kid""")
          .params(channel, keys.stream().map(JWK::getKeyID).toArray(String[]::new)).query(String.class).list();
      audit.append("channel:" + channel, "keys-registered:" + UUID.randomUUID(), by, null, "CHANNEL_KEYS_REGISTERED",
          Map.of("added", added, "kept", kept, "retired", retired));
      return new Registration(channel, added, kept, retired, keys(channel));
    });
  }

  /**
   * Adds one public key to the channel's set (others stay): how a simulated channel registers its
   * own key on start. Nothing changes for a kid already registered with this key, retired or not.
   */
  public boolean addKey(String channel, String publicJwkJson, String by) {
    List<JWK> keys = parse(channel, "{\"keys\":[" + publicJwkJson + "]}");
    JWK k = keys.get(0);
    return Boolean.TRUE.equals(tx.execute(s -> {
      jdbc.sql("select pg_advisory_xact_lock(hashtext(?))").param("channel-keys:" + channel).query().singleRow();
      Optional<String> existing = jdbc.sql("select jwk::text from channel_key where channel = ? and kid = ?")
          .params(channel, k.getKeyID()).query(String.class).optional();
      if (existing.isPresent()) {
        sameKey(channel, k, existing.get());
        return false;
      }
      insert(channel, k);
      audit.append("channel:" + channel, "key-added:" + k.getKeyID(), by, null, "CHANNEL_KEYS_REGISTERED",
          Map.of("added", List.of(k.getKeyID()), "kept", List.of(), "retired", List.of()));
      return true;
    }));
  }

  /** The channel's keys, active and retired, oldest first. */
  public List<ChannelKey> keys(String channel) {
    return jdbc.sql("select channel, kid, jwk->>'kty' kty, created_at, retired_at from channel_key where channel = ? order by created_at, kid")
        .param(channel).query((rs, i) -> new ChannelKey(rs.getString("channel"), rs.getString("kid"), rs.getString("kty"),
            rs.getTimestamp("created_at").toInstant(),
            rs.getTimestamp("retired_at") == null ? null : rs.getTimestamp("retired_at").toInstant()))
        .list();
  }

  /** True when the key was added, false when it was registered already (then active again). */
  private boolean store(String channel, JWK k) {
    Optional<String> existing = jdbc.sql("select jwk::text from channel_key where channel = ? and kid = ?")
        .params(channel, k.getKeyID()).query(String.class).optional();
    if (existing.isPresent()) {
      sameKey(channel, k, existing.get());
      jdbc.sql("update channel_key set retired_at = null where channel = ? and kid = ?").params(channel, k.getKeyID()).update();
      return false;
    }
    insert(channel, k);
    return true;
  }

  private void insert(String channel, JWK k) {
    jdbc.sql("insert into channel_key (channel, kid, jwk) values (?, ?, ?::jsonb)").params(channel, k.getKeyID(), k.toJSONString())
        .update();
  }

  private static void sameKey(String channel, JWK k, String existingJson) {
    try {
      if (!JWK.parse(existingJson).computeThumbprint().equals(k.computeThumbprint())) {
        throw FieldErrors.of("keys", "kid '" + k.getKeyID() + "' is registered for " + channel
            + " with another key: give a new key a new kid");
      }
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException("registered key " + channel + "/" + k.getKeyID() + " unreadable", e);
    }
  }

  private static List<JWK> parse(String channel, String jwksJson) {
    if (!Channels.AUTHENTICATION.containsKey(channel)) {
      throw FieldErrors.of("channel", "'" + channel + "' is not a channel that authenticates citizens; one of "
          + new TreeSet<>(Channels.AUTHENTICATION.keySet()));
    }
    JWKSet set;
    try {
      set = JWKSet.parse(jwksJson == null ? "" : jwksJson);
    } catch (ParseException e) {
      throw FieldErrors.of("keys", "not a JWK set ({\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":…,\"x\":…,\"y\":…}]}): "
          + e.getMessage());
    }
    Map<String, String> errors = new LinkedHashMap<>();
    Set<String> kids = new HashSet<>();
    if (set.getKeys().isEmpty()) {
      errors.put("keys", "at least one public key");
    }
    for (int i = 0; i < set.getKeys().size(); i++) {
      JWK k = set.getKeys().get(i);
      String field = "keys[" + i + "]";
      if (k.isPrivate()) {
        errors.put(field, "contains a private key: send only the public key (the private key never leaves the channel)");
      } else if (k.getKeyID() == null || k.getKeyID().isBlank() || k.getKeyID().length() > 100) {
        errors.put(field, "kid is required (at most 100 characters)");
      } else if (!kids.add(k.getKeyID())) {
        errors.put(field, "kid '" + k.getKeyID() + "' appears twice");
      } else if (k.getKeyUse() != null && !"sig".equals(k.getKeyUse().identifier())) {
        errors.put(field, "use must be sig");
      } else if (k instanceof ECKey ec) {
        if (!Curve.P_256.equals(ec.getCurve()) || (k.getAlgorithm() != null && !JWSAlgorithm.ES256.equals(k.getAlgorithm()))) {
          errors.put(field, "an EC key must be on P-256, for ES256");
        }
      } else if (k instanceof RSAKey rsa) {
        if (rsa.size() < 2048 || (k.getAlgorithm() != null && !JWSAlgorithm.RS256.equals(k.getAlgorithm()))) {
          errors.put(field, "an RSA key must have at least 2048 bits, for RS256");
        }
      } else {
        errors.put(field, "kty must be EC (P-256, ES256) or RSA (RS256)");
      }
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    return set.getKeys();
  }

  /** Assertions past their expiry are refused by time; their ids need not be kept. */
  @Scheduled(fixedDelayString = "${cardcase.assertions.trim-interval:10m}", initialDelayString = "${cardcase.assertions.trim-interval:10m}")
  public int trimUsed() {
    int n = jdbc.sql("delete from citizen_assertion_use where expires_at < ?").param(Timestamp.from(clock.instant())).update();
    if (n > 0) {
      log.debug("trimmed {} expired citizen assertion ids", n);
    }
    return n;
  }
}
