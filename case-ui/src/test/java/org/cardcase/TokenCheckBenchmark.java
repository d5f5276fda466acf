package org.cardcase;

import com.nimbusds.jose.*; import com.nimbusds.jose.crypto.*; import com.nimbusds.jose.jwk.*; import com.nimbusds.jose.jwk.gen.*; import com.nimbusds.jwt.*;
import java.util.*; import java.time.*;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
/**
 * What checking one channel access token costs, as the API checks it: an RS256 JWT of 2048-bit RSA
 * verified by Spring Security's Nimbus decoder (signature, exp and nbf), 3 runs of 20 000 after a
 * warm-up. {@code ./cardcase bench tokens}; {@code ./cardcase bench queues} measures it against the
 * running system's own key, with whole requests around it.
 */
public class TokenCheckBenchmark {
  public static void main(String[] a) throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(),
      new JWTClaimsSet.Builder().subject("web-portal").issuer("http://localhost:8080").issueTime(Date.from(now)).notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300))).claim("scope", List.of("applications","lookups")).build());
    jwt.sign(new RSASSASigner(key));
    String token = jwt.serialize();
    var decoder = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
    for (int i = 0; i < 5000; i++) decoder.decode(token);
    for (int r = 0; r < 3; r++) {
      int n = 20000; long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) decoder.decode(token);
      System.out.printf("run %d: %.1f µs per token%n", r + 1, (System.nanoTime() - t0) / 1e3 / n);
    }
  }
}
