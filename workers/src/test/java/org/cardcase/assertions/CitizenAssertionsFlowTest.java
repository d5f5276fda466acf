package org.cardcase.assertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cardcase.FlowTest;
import org.cardcase.assertions.AssertionRefused.Code;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.MedicalInsuranceNumbers;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.family.FamilyBindings;
import org.cardcase.shared.FieldErrors;
import org.cardcase.simulators.ChannelIdentitySimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Signed citizen assertions on the real PostgreSQL, with the simulated channels' own keys and keys
 * made here: what is accepted (once), every way one is refused (each audited on the channel's
 * trail, nothing else written), the channels' keys, and the holder told of family links.
 */
class CitizenAssertionsFlowTest extends FlowTest {
  @Autowired CitizenAssertions assertions;
  @Autowired ChannelIdentitySimulator identity;
  @Autowired MedicalInsuranceNumbers numbers;
  @Autowired FamilyBindings families;

  static String jti(String token) {
    try {
      return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  static String signed(ECKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  Code refusal(String channel, String token, String idNumber) {
    try {
      assertions.verify(channel, token, idNumber);
    } catch (AssertionRefused e) {
      return e.code();
    }
    throw new AssertionError("the assertion was accepted");
  }

  List<AuditTrail.Entry> refusals(String channel) {
    return audit.entries("channel:" + channel).stream().filter(e -> e.action().equals("CITIZEN_ASSERTION_REFUSED")).toList();
  }

  long uses(String channel, String jti) {
    return jdbc.sql("select count(*) from citizen_assertion_use where channel = ? and jti = ?").params(channel, jti)
        .query(Long.class).single();
  }

  @Test
  void aValidAssertionGivesTheFullNumberOnceWithItsIdInTheAuditAndIsRefusedAsAReplayAfterwards() throws Exception {
    String holder = id("19810303", "031");
    String applied = activeCardHolder("狄云", holder);
    String number = card(applied).medicalInsuranceNumber();

    // no assertion: masked, audited as not authenticated
    MedicalInsuranceNumbers.Lookup masked = numbers.masked(holder, "12333");
    assertThat(masked.full()).isFalse();
    assertThat(masked.medicalInsuranceNumber()).isNotEqualTo(number);
    assertThat(refusal("12333", null, holder)).as("no header where proof is needed").isEqualTo(Code.MISSING);

    String token = identity.assertionFor("12333", holder, "PHONE_PIN");
    assertThat(token).as("the token carries the ID number's digest, not the number").doesNotContain(holder);
    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getSubject()).isEqualTo(CitizenAssertions.subjectOf(holder))
        .startsWith("sha256:").hasSize(7 + 64);
    CitizenAssertions.Proof proof = assertions.verify("12333", token, holder.toLowerCase());
    assertThat(proof.method()).isEqualTo("PHONE_PIN");
    assertThat(proof.assertionId()).isEqualTo(jti(token));
    MedicalInsuranceNumbers.Lookup full = numbers.lookup(proof);
    assertThat(full.full()).isTrue();
    assertThat(full.medicalInsuranceNumber()).isEqualTo(number);
    assertThat(full.authenticatedBy()).isEqualTo("PHONE_PIN");
    List<Map<String, Object>> lookups = audit.entries(AuditTrail.ofCase(applied)).stream()
        .filter(e -> e.action().equals("NUMBER_LOOKED_UP")).map(AuditTrail.Entry::detail).toList();
    assertThat(lookups).hasSize(2);
    assertThat(lookups.get(0)).containsEntry("full", false).doesNotContainKey("assertionId");
    assertThat(lookups.get(1)).containsEntry("full", true).containsEntry("authenticatedBy", "PHONE_PIN")
        .containsEntry("assertionId", jti(token));

    // the same token again: a replay, refused and audited; nothing else written
    int caseEntries = audit.count(AuditTrail.ofCase(applied));
    assertThatThrownBy(() -> assertions.verify("12333", token, holder))
        .isInstanceOfSatisfying(AssertionRefused.class, e -> {
          assertThat(e.code()).isEqualTo(Code.REPLAYED);
          assertThat(e.getMessage()).contains(jti(token));
        });
    assertThat(audit.count(AuditTrail.ofCase(applied))).isEqualTo(caseEntries);
    assertThat(refusals("12333")).anySatisfy(e -> assertThat(e.detail()).containsEntry("code", "REPLAYED")
        .containsEntry("assertionId", jti(token)).containsEntry("about", personal.idDigest(holder)));
    assertThat(refusals("12333").toString()).as("the channel's trail never carries the ID number").doesNotContain(holder);
  }

  @Test
  void eightThreadsPresentingOneTokenAreAnsweredOnceAndRefusedAsReplaysOtherwise() throws Exception {
    String person = id("19820404", "033");
    String token = identity.assertionFor("alipay", person, "APP_LOGIN");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(pool.submit(() -> {
        start.await();
        try {
          return assertions.verify("alipay", token, person);
        } catch (AssertionRefused e) {
          return e.code();
        }
      }));
    }
    start.countDown();
    List<Object> out = Collections.synchronizedList(new ArrayList<>());
    for (Future<Object> f : answers) {
      out.add(f.get(30, TimeUnit.SECONDS));
    }
    pool.shutdown();
    assertThat(out.stream().filter(o -> o instanceof CitizenAssertions.Proof)).hasSize(1);
    assertThat(out.stream().filter(o -> o == Code.REPLAYED)).hasSize(7);
    assertThat(uses("alipay", jti(token))).isEqualTo(1);
  }

  @Test
  void expiredTooLongLivedForeignSignedAnotherChannelsAnotherPersonsAndAnUnknownMethodAreEachRefusedForTheirReason()
      throws Exception {
    String person = id("19830505", "035");
    String other = id("19830505", "037");
    Instant now = clock.instant();
    int before = refusals("web-portal").size();

    // expired (past the 60 s of clock skew); within the skew still accepted
    JWTClaimsSet expired = identity.claims("web-portal", person, "WEB_LOGIN").issueTime(Date.from(now.minusSeconds(400)))
        .expirationTime(Date.from(now.minusSeconds(200))).build();
    assertThat(refusal("web-portal", identity.sign("web-portal", expired), person)).isEqualTo(Code.EXPIRED);
    JWTClaimsSet justPast = identity.claims("web-portal", person, "WEB_LOGIN").issueTime(Date.from(now.minusSeconds(200)))
        .expirationTime(Date.from(now.minusSeconds(20))).build();
    assertThat(assertions.verify("web-portal", identity.sign("web-portal", justPast), person).method()).isEqualTo("WEB_LOGIN");

    // lives longer than 5 minutes
    JWTClaimsSet tooLong = identity.claims("web-portal", person, "WEB_LOGIN").expirationTime(Date.from(now.plusSeconds(301 + 5)))
        .issueTime(Date.from(now)).build();
    assertThatThrownBy(() -> assertions.verify("web-portal", identity.sign("web-portal", tooLong), person))
        .isInstanceOfSatisfying(AssertionRefused.class, e -> {
          assertThat(e.code()).isEqualTo(Code.INVALID);
          assertThat(e.getMessage()).contains("at most 300 s");
        });

    // signed by a key the channel never registered: under an unknown kid, and under the channel's own kid
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("stranger").generate();
    JWTClaimsSet fine = identity.claims("web-portal", person, "WEB_LOGIN").build();
    assertThat(refusal("web-portal", signed(stranger, fine), person)).isEqualTo(Code.FOREIGN_SIGNED);
    String realKid = SignedJWT.parse(identity.assertionFor("web-portal", person, "WEB_LOGIN")).getHeader().getKeyID();
    ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID(realKid).generate();
    assertThat(refusal("web-portal", signed(impostor, identity.claims("web-portal", person, "WEB_LOGIN").build()), person))
        .isEqualTo(Code.FOREIGN_SIGNED);
    // a web-portal claim signed with Alipay's key (a channel cannot sign for another)
    assertThat(refusal("web-portal", identity.sign("alipay", identity.claims("web-portal", person, "WEB_LOGIN").build()), person))
        .isEqualTo(Code.FOREIGN_SIGNED);

    // Alipay's own assertion presented by the web portal
    String alipays = identity.assertionFor("alipay", person, "APP_LOGIN");
    assertThat(refusal("web-portal", alipays, person)).isEqualTo(Code.OTHER_CHANNEL);
    assertThat(assertions.verify("alipay", alipays, person).channel()).as("not taken by the refusal").isEqualTo("alipay");

    // about another person than the request
    String aboutOther = identity.assertionFor("web-portal", other, "WEB_LOGIN");
    assertThat(refusal("web-portal", aboutOther, person)).isEqualTo(Code.OTHER_PERSON);
    assertThat(uses("web-portal", jti(aboutOther))).as("a refused assertion is not taken").isZero();

    // a method the web portal does not have
    String phonePin = identity.sign("web-portal", identity.claims("web-portal", person, "PHONE_PIN").build());
    assertThatThrownBy(() -> assertions.verify("web-portal", phonePin, person))
        .isInstanceOfSatisfying(AssertionRefused.class, e -> {
          assertThat(e.code()).isEqualTo(Code.METHOD_NOT_ALLOWED);
          assertThat(e.getMessage()).contains("WEB_LOGIN");
        });

    // garbage, an unsigned token, another audience
    assertThat(refusal("web-portal", "not-a-token", person)).isEqualTo(Code.INVALID);
    assertThat(refusal("web-portal", new PlainJWT(fine).serialize(), person)).isEqualTo(Code.INVALID);
    assertThat(refusal("web-portal", identity.sign("web-portal", identity.claims("web-portal", person, "WEB_LOGIN")
        .audience("someone-else").build()), person)).isEqualTo(Code.INVALID);

    assertThat(refusals("web-portal").subList(before, refusals("web-portal").size()).stream()
        .map(e -> e.detail().get("code")).toList())
        .as("each refusal audited with its reason")
        .containsExactly("EXPIRED", "INVALID", "FOREIGN_SIGNED", "FOREIGN_SIGNED", "FOREIGN_SIGNED", "OTHER_CHANNEL",
            "OTHER_PERSON", "METHOD_NOT_ALLOWED", "INVALID", "INVALID", "INVALID");
  }

  @Test
  void keysAreRegisteredAsPublicKeysOnlyAndAKeyLeftOutOfTheSetIsRetired() throws Exception {
    String person = id("19840606", "039");
    assertThatThrownBy(() -> assertions.replaceKeys("counter",
        "{\"keys\":[" + new ECKeyGenerator(Curve.P_256).keyID("k1").generate().toJSONString() + "]}", "admin"))
        .as("a private key").isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("keys[0]")).contains("private"));
    ECKey k1 = new ECKeyGenerator(Curve.P_256).keyID("counter-2026-1").generate();
    assertThatThrownBy(() -> assertions.replaceKeys("96102", "{\"keys\":[" + k1.toPublicJWK().toJSONString() + "]}", "admin"))
        .as("a channel that does not authenticate citizens").isInstanceOfSatisfying(FieldErrors.class,
            e -> assertThat(e.errors()).containsKey("channel"));
    assertThatThrownBy(() -> assertions.replaceKeys("counter", "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"c2VjcmV0\"}]}",
        "admin")).isInstanceOf(FieldErrors.class);

    String simulated = identity.assertionFor("counter", person, "ID_CARD");
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("counter-rsa").generate();
    CitizenAssertions.Registration r = assertions.replaceKeys("counter",
        "{\"keys\":[" + k1.toPublicJWK().toJSONString() + "," + rsa.toPublicJWK().toJSONString() + "]}", "admin");
    assertThat(r.added()).containsExactly("counter-2026-1", "counter-rsa");
    assertThat(r.retired()).as("the simulator's key, left out").singleElement().asString().startsWith("sim-counter-");
    assertThat(refusal("counter", simulated, person)).isEqualTo(Code.FOREIGN_SIGNED);
    assertThat(assertions.verify("counter", signed(k1, identity.claims("counter", person, "ID_CARD").build()), person).method())
        .isEqualTo("ID_CARD");
    SignedJWT viaRsa = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("counter-rsa").build(),
        identity.claims("counter", person, "ID_CARD").build());
    viaRsa.sign(new RSASSASigner(rsa));
    assertThat(assertions.verify("counter", viaRsa.serialize(), person).method()).as("RS256 too").isEqualTo("ID_CARD");

    // rotation: the next set without k1 retires it
    ECKey k2 = new ECKeyGenerator(Curve.P_256).keyID("counter-2026-2").generate();
    CitizenAssertions.Registration next = assertions.replaceKeys("counter", "{\"keys\":[" + k2.toPublicJWK().toJSONString() + "]}",
        "admin");
    assertThat(next.retired()).containsExactlyInAnyOrder("counter-2026-1", "counter-rsa");
    assertThat(refusal("counter", signed(k1, identity.claims("counter", person, "ID_CARD").build()), person))
        .isEqualTo(Code.FOREIGN_SIGNED);
    assertThatThrownBy(() -> assertions.replaceKeys("counter", "{\"keys\":[" + new ECKeyGenerator(Curve.P_256)
        .keyID("counter-2026-2").generate().toPublicJWK().toJSONString() + "]}", "admin"))
        .as("a kid reused for another key").isInstanceOf(FieldErrors.class);
    assertThat(audit.entries("channel:counter").stream().filter(e -> e.action().equals("CHANNEL_KEYS_REGISTERED")))
        .anySatisfy(e -> assertThat(e.actor()).isEqualTo("admin"));
  }

  @Test
  void usedAssertionIdsAreKeptUntilTheyExpireOnly() throws Exception {
    String person = id("19850808", "041");
    Instant now = clock.instant();
    // within the clock skew: accepted, kept until exp + 60 s, 2 s from now
    String old = identity.sign("wechat", identity.claims("wechat", person, "APP_LOGIN").issueTime(Date.from(now.minusSeconds(200)))
        .expirationTime(Date.from(now.minusSeconds(58))).build());
    String fresh = identity.assertionFor("wechat", person, "APP_LOGIN");
    assertions.verify("wechat", old, person);
    assertions.verify("wechat", fresh, person);
    Thread.sleep(2_500);
    assertThat(assertions.trimUsed()).isPositive();
    assertThat(uses("wechat", jti(old))).isZero();
    assertThat(uses("wechat", jti(fresh))).as("still refused as a replay while it could be presented").isEqualTo(1);
    assertThat(refusal("wechat", old, person)).as("after trimming, refused by time").isEqualTo(Code.EXPIRED);
  }

  @Test
  void theHolderIsToldOnceAtThePhoneOnRecordWhenALinkToTheirAccountIsAddedAndWhenItIsRemoved() throws Exception {
    String holder = id("19790909", "043");
    String applied = activeCardHolder("水笙", holder); // the phone on record: 13812345678
    String member = id("19800101", "045");
    FamilyBindings.Request request = FamilyBindings.Request.webPortal(holder, "水笙", "13700000000", computerNumber(member), member,
        "汪啸风", "SPOUSE").withMemberPhone("13700000001");
    // another person's assertion does not bind this holder's account
    assertThatThrownBy(() -> families.request(request, "web-portal",
        assertions.verify("web-portal", identity.assertionFor("web-portal", member, "WEB_LOGIN"), member)))
        .isInstanceOfSatisfying(AssertionRefused.class, e -> assertThat(e.code()).isEqualTo(Code.OTHER_PERSON));
    String token = identity.assertionFor("web-portal", holder, "WEB_LOGIN");
    String cn = families.request(request, "web-portal", assertions.verify("web-portal", token, holder));
    await("linked", () -> cases.get(cn).closedAt() != null);
    await("holder told", () -> notifications(cn).contains("family-link-added"));
    assertThat(recipients(cn, "family-link-added")).as("once, at the phone the service centre has").containsExactly("13812345678");
    assertThat(notificationText(cn, "family-link-added")).contains("汪*").contains("网上服务大厅");
    assertThat(audit.entries(AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("FAMILY_LINKED")))
        .singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("assertionId", jti(token))
            .containsEntry("authenticatedBy", "WEB_LOGIN"));

    String listing = identity.assertionFor("web-portal", holder, "WEB_LOGIN");
    List<FamilyBindings.Link> links = families.links(assertions.verify("web-portal", listing, holder));
    assertThat(links).singleElement().satisfies(l -> assertThat(l.memberIdNumber()).isEqualTo(member));
    assertThat(audit.entries(AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("FAMILY_LINKS_LOOKED_UP")))
        .singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("assertionId", jti(listing)));

    long linkId = links.get(0).id();
    assertThatThrownBy(() -> families.remove(linkId, assertions.verify("web-portal",
        identity.assertionFor("web-portal", member, "WEB_LOGIN"), member))).as("only the holder removes")
        .isInstanceOf(CaseNotFound.class);
    String removal = identity.assertionFor("web-portal", holder, "WEB_LOGIN");
    families.remove(linkId, assertions.verify("web-portal", removal, holder));
    assertThat(families.links(holder)).isEmpty();
    assertThatThrownBy(() -> families.remove(linkId, assertions.verify("web-portal",
        identity.assertionFor("web-portal", holder, "WEB_LOGIN"), holder))).as("a retried removal").isInstanceOf(CaseNotFound.class);
    assertThat(recipients(cn, "family-link-removed")).as("told once").containsExactly("13812345678");
    assertThat(notificationText(cn, "family-link-removed")).contains("汪*");
    assertThat(audit.entries(AuditTrail.ofCase(cn)).stream().filter(e -> e.action().equals("FAMILY_LINK_REMOVED")))
        .singleElement().satisfies(e -> assertThat(e.detail()).containsEntry("assertionId", jti(removal)));
  }
}
