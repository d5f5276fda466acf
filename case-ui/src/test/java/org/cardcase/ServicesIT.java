package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.cardcase.assertions.CitizenAssertions;
import org.cardcase.simulators.InsuredPersonsSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services after a card exists, through the channel API: a provisional loss report by phone,
 * a formal report and reissue at a counter with its pickup certificate checked by a hospital,
 * family binding and the child e-card, each with its validation.
 */
class ServicesIT {
  static final String PHONE = "96102:96102-demo";
  static final String SERVICE_LINE = "12333:12333-demo";
  static final String COUNTER = "counter:counter-demo";
  static final String HOSPITAL = "hospital:hospital-demo";
  static final String NHSA_APP = "nhsa-app:nhsa-app-demo";
  static final String ALIPAY = "alipay:alipay-demo";

  /** One system for the class: the centre's own family rules narrowed, the bank quick. */
  static RunningSystem sys;

  @BeforeAll
  static void start() throws Exception {
    // the centre's own family rules (the guides make neither): relationships narrowed, the child on the parent's register
    sys = new RunningSystem("services").with("--cardcase.simulators.bank.produce-after=1s")
        .with("--cardcase.family.relationships=SPOUSE,CHILD,PARENT").with("--cardcase.family.child-on-parents-household-register=true")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sys != null) {
      sys.close();
    }
  }


  @Test
  void lossReissueVoucherFamilyAndChildCard() throws Exception {
    // a holder with an active card (the registry simulator matches 999 clearly; the bank makes the card)
    String holder = id("11010519800101999");
    String applied = created(sys.post("/api/applications", PORTAL, application("狄云", holder, "MALE")));
    await("card ready", () -> status(sys, applied).equals("CARD_READY"));
    sys.post("/api/callbacks/card-activated", PARTNER, "{\"callbackId\":\"act-1\",\"caseNumber\":\"" + applied + "\",\"branch\":\"ICBC\"}");
    await("card active", () -> status(sys, applied).equals("ACTIVE"));

    // provisional loss report by phone: 201 with the report number; settlement stopped at once
    // a service outside the channel's scopes is refused before anything is read
    HttpResponse<String> wrongChannel = sys.post("/api/loss-reports", PORTAL, lossReport(holder, "狄云"));
    assertThat(wrongChannel.statusCode()).isEqualTo(403);
    assertThat(sys.json(wrongChannel).get("error").asText()).contains("POST /api/loss-reports");
    // the guides' lines: 12333 answers lookups, 96102 takes loss reports (24 h)
    assertThat(sys.post("/api/loss-reports", SERVICE_LINE, lossReport(holder, "狄云")).statusCode()).isEqualTo(403);
    JsonNode masked = sys.json(sys.get("/api/medical-insurance-number?idNumber=" + holder, SERVICE_LINE));
    assertThat(masked.get("full").asBoolean()).isFalse();
    String maskedNumber = masked.get("medicalInsuranceNumber").asText();
    // the old attack: any channel claiming it authenticated the citizen got the full number; a claim is not believed now
    for (String claim : List.of("CARD", "PHONE_PIN", "WEB_LOGIN")) {
      HttpResponse<String> claimed = sys.get("/api/medical-insurance-number?idNumber=" + holder + "&authenticatedBy=" + claim,
          SERVICE_LINE);
      assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(400);
      assertThat(sys.json(claimed).at("/fields/authenticatedBy").asText()).contains("Citizen-Assertion");
      assertThat(claimed.body()).doesNotContainPattern("\\d{11}");
    }
    // the 12333 line's identity service (simulated, with its own key) signed that it authenticated the caller by PIN
    String pin = assertion(sys, "12333", holder, "PHONE_PIN");
    JsonNode full = sys.json(sys.get("/api/medical-insurance-number?idNumber=" + holder, SERVICE_LINE, ASSERTION, pin));
    assertThat(full.get("full").asBoolean()).isTrue();
    assertThat(full.get("authenticatedBy").asText()).isEqualTo("PHONE_PIN");
    assertThat(full.get("medicalInsuranceNumber").asText()).matches("\\d{11}").endsWith(maskedNumber.replace("*", ""))
        .isNotEqualTo(maskedNumber);
    assertThat(sys.count("select count(*) from audit_entry where action = 'NUMBER_LOOKED_UP' and detail->>'assertionId' = ?",
        jti(pin))).as("the lookup audited with the assertion's id").isEqualTo(1);
    assertRefused(sys.get("/api/medical-insurance-number?idNumber=" + holder, SERVICE_LINE, ASSERTION, pin), "REPLAYED");
    assertRefused(sys.get("/api/medical-insurance-number?idNumber=" + holder, SERVICE_LINE, ASSERTION,
        assertion(sys, "alipay", holder, "APP_LOGIN")), "OTHER_CHANNEL");
    assertRefused(sys.get("/api/medical-insurance-number?idNumber=" + holder, SERVICE_LINE, ASSERTION,
        assertion(sys, "12333", id("11010519800101015"), "PHONE_PIN")), "OTHER_PERSON");
    assertRefused(sys.get("/api/medical-insurance-number?idNumber=" + holder, SERVICE_LINE, ASSERTION,
        assertion(sys, "12333", holder, "CARD")), "METHOD_NOT_ALLOWED");
    assertRefused(sys.get("/api/medical-insurance-number?idNumber=" + holder, SERVICE_LINE, ASSERTION,
        signed(new ECKeyGenerator(Curve.P_256).keyID(kidOf(sys, "12333")).generate(), claims("12333", holder, "PHONE_PIN"))),
        "FOREIGN_SIGNED");
    assertThat(sys.count("select count(*) from audit_entry where subject = 'channel:12333' and action = 'CITIZEN_ASSERTION_REFUSED'"))
        .as("each refusal audited on the channel's trail").isEqualTo(5);
    HttpResponse<String> reported = sys.post("/api/loss-reports", PHONE, lossReport(holder, "狄云"));
    assertThat(reported.statusCode()).as(reported.body()).isEqualTo(201);
    JsonNode report = sys.json(reported);
    assertThat(report.get("settlementStopped").asBoolean()).isTrue();
    assertThat(report.get("cardState").asText()).isEqualTo("SUSPENDED");
    assertThat(sys.post("/api/loss-reports", PHONE, lossReport(holder, "狄云")).statusCode()).isEqualTo(409);
    assertThat(sys.post("/api/loss-reports", PHONE, lossReport(id("11010519800101015"), "水笙")).statusCode())
        .as("no card for this person").isEqualTo(404);

    // formal report and reissue at the counter: certificate, pickup date in working days
    HttpResponse<String> online = sys.post("/api/reissues", PORTAL, reissue(holder));
    assertThat(online.statusCode()).as("a reissue is taken at a counter, not online").isEqualTo(403);
    HttpResponse<String> accepted = sys.post("/api/reissues", COUNTER, reissue(holder));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
    JsonNode a = sys.json(accepted);
    String certificate = a.get("certificateNumber").asText();
    String reissueCase = a.get("caseNumber").asText();
    assertThat(a.get("pickupWorkingDays").asInt()).isEqualTo(15);
    String due = sys.json(sys.get("/api/calendar/working-days/add?from=" + LocalDate.now(
        ZoneId.of("Asia/Shanghai")) + "&days=15", PORTAL)).get("date").asText();
    assertThat(a.get("pickupDate").asText()).isEqualTo(due);

    // a hospital checks the certificate as a temporary medical voucher
    JsonNode voucher = sys.json(sys.get("/api/vouchers/" + certificate, HOSPITAL));
    assertThat(voucher.get("valid").asBoolean()).isTrue();
    assertThat(voucher.get("holderName").asText()).isEqualTo("狄*");
    HttpResponse<byte[]> pdf = sys.getBytes("/api/vouchers/" + certificate + "/certificate?idNumber=" + holder, COUNTER);
    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
    assertThat(new String(pdf.body(), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    assertThat(sys.get("/api/vouchers/" + certificate + "/certificate?idNumber=" + id("11010519800101015"), COUNTER).statusCode())
        .as("someone else's ID number").isEqualTo(404);
    assertThat(sys.get("/api/vouchers/" + certificate + "/certificate?idNumber=" + holder, PORTAL).statusCode())
        .as("printed at a counter or terminal").isEqualTo(403);
    String typo = certificate.substring(0, 16) + ((certificate.charAt(16) - '0' + 1) % 10);
    assertThat(sys.get("/api/vouchers/" + typo, HOSPITAL).statusCode()).as("a misread number is refused").isEqualTo(400);
    await("the provisional report became formal", () -> statusAs(sys, report.get("reportNumber").asText(), PHONE).equals("FORMALISED"));

    // pickup at the counter once the new card is made
    await("ready for pickup", () -> stepAs(sys, reissueCase, COUNTER).equals("wait-pickup"));
    String pickup = "{\"certificateNumber\":\"" + certificate + "\",\"idNumber\":\"" + holder
        + "\",\"idCardChecked\":true,\"handedOverBy\":\"clerk\"}";
    assertThat(sys.post("/api/reissues/" + reissueCase + "/pickup", COUNTER, pickup.replace("true", "false")).statusCode()).isEqualTo(400);
    // made early, but collected only from the pickup date 15 working days on (guide 004): refused with the date,
    // and the certificate stays the holder's voucher (the hand-over on the date: LossAndReissueFlowTest)
    HttpResponse<String> early = sys.post("/api/reissues/" + reissueCase + "/pickup", COUNTER, pickup);
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(sys.json(early).get("error").asText()).contains("collected from " + a.get("pickupDate").asText());
    assertThat(sys.json(sys.get("/api/vouchers/" + certificate, HOSPITAL)).get("valid").asBoolean()).isTrue();

    // family binding through the web portal (guide 000 §1): the member's social insurance computer number (the
    // enrolment's own number), the member's ID number and the relationship; a "social security number" is the ID number
    String spouse = id("11010519820202020");
    String holderSsn = holder;
    String spouseSsn = InsuredPersonsSimulator.numberFor(spouse);
    String bind = """
        {"holderIdNumber":"%s","holderSocialSecurityNumber":"%s","holderName":"狄云","phone":"13800000000",
         "memberIdNumber":"%s","memberComputerNumber":"%s","memberName":"戚芳","memberPhone":"13800000001","relationship":"%s"}""";
    // the family account is the holder's: a binding, like a listing, needs the holder's assertion
    assertRefused(sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE")), "MISSING");
    assertRefused(sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE"), ASSERTION,
        assertion(sys, "web-portal", spouse, "WEB_LOGIN")), "OTHER_PERSON");
    HttpResponse<String> numberAsSsn = sys.post("/api/family-bindings", PORTAL,
        bind.formatted(holder, InsuredPersonsSimulator.numberFor(holder), spouse, spouseSsn, "SPOUSE"),
        ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN"));
    assertThat(sys.json(numberAsSsn).at("/fields/holderSocialSecurityNumber").asText()).contains("18-character ID number");
    HttpResponse<String> idAsComputerNumber = sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holder, spouse, spouse,
        "SPOUSE"), ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN"));
    assertThat(sys.json(idAsComputerNumber).at("/fields/memberComputerNumber").asText()).contains("this is an ID number");
    assertThat(sys.json(sys.post("/api/family-bindings", HOSPITAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE"),
        ASSERTION, assertion(sys, "hospital", holder, "CARD")))
        .at("/fields/holderCardNumber").asText()).as("a hospital swipes the holder's card").contains("swipe");
    HttpResponse<String> sibling = sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SIBLING"),
        ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN"));
    assertThat(sys.json(sibling).at("/fields/relationship").asText()).contains("cannot share").contains("service centre's rule");
    String bindingCase = created(sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE"),
        ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN")));
    assertRefused(sys.get("/api/family-bindings?holderIdNumber=" + holder, HOSPITAL), "MISSING");
    assertRefused(sys.get("/api/family-bindings?holderIdNumber=" + holder + "&authenticatedBy=CARD", HOSPITAL), "MISSING");
    await("linked", () -> {
      HttpResponse<String> r = sys.get("/api/family-bindings?holderIdNumber=" + holder, HOSPITAL, ASSERTION,
          assertion(sys, "hospital", holder, "CARD"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return sys.json(r).size() == 1;
    });
    HttpResponse<String> listed = sys.get("/api/family-bindings?holderIdNumber=" + holder, HOSPITAL, ASSERTION,
        assertion(sys, "hospital", holder, "CARD"));
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    JsonNode link = sys.json(listed).get(0);
    assertThat(link.get("memberName").asText()).isEqualTo("戚*");
    await("the holder told of the link", () -> sys.count(
        "select count(*) from notification where case_number = ? and template = 'family-link-added'", bindingCase) == 1);
    assertThat(sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE"), ASSERTION,
        assertion(sys, "web-portal", holder, "WEB_LOGIN")).statusCode()).isEqualTo(409);

    // the child e-card: fetch the letter, sign its hash, apply, a clerk approves
    String kid = id("11010520200303961"); // the registry cannot tell the household: a clerk reviews
    JsonNode letter = sys.json(sys.get("/api/child-cards/commitment-letter?parentIdNumber=" + holder
        + "&parentName=" + enc("狄云") + "&childName=" + enc("狄小云") + "&childIdNumber=" + kid, PORTAL));
    assertThat(letter.get("text").asText()).contains("狄云").contains("狄小云");
    String childRequest = """
        {"parentIdNumber":"%s","parentName":"狄云","phone":"13800000000","childName":"狄小云","childIdNumber":"%s",
         "householdRegisterPhoto":"%s","noticeAccepted":true,"noticeVersion":"%s","letterSha256":"%s","signedName":"狄云"}"""
        .formatted(holder, kid, png(900, 700), letter.get("noticeVersion").asText(), letter.get("sha256").asText());
    HttpResponse<String> unsigned = sys.post("/api/child-cards", PORTAL, childRequest.replace("\"noticeAccepted\":true", "\"noticeAccepted\":false"));
    assertThat(sys.json(unsigned).at("/fields/noticeAccepted").asText()).contains("accept");
    String childCase = created(sys.post("/api/child-cards", PORTAL, childRequest));
    await("review task", () -> sys.json(sys.get("/api/tasks?caseNumber=" + childCase, CLERK)).size() == 1);
    JsonNode task = sys.json(sys.get("/api/tasks?caseNumber=" + childCase, CLERK)).get(0);
    assertThat(task.get("step").asText()).isEqualTo("review-child-card");
    assertThat(sys.post("/api/tasks/" + task.get("id").asLong() + "/complete", CLERK, "{\"childReviewOutcome\":\"REJECTED\"}")
        .statusCode()).as("a refusal needs a reason").isEqualTo(400);
    assertThat(sys.post("/api/tasks/" + task.get("id").asLong() + "/complete", CLERK, "{\"childReviewOutcome\":\"APPROVED\"}")
        .statusCode()).isEqualTo(200);
    await("e-card in the family account", () -> {
      for (JsonNode l : sys.json(sys.get("/api/family-bindings?holderIdNumber=" + holder, PORTAL, ASSERTION,
          assertion(sys, "web-portal", holder, "WEB_LOGIN")))) {
        if (l.get("relationship").asText().equals("CHILD") && !l.get("childECard").isNull()) {
          return l.get("childECard").asText().matches("\\*+\\d{4}");
        }
      }
      return false;
    });
    JsonNode mine = sys.json(sys.get("/api/child-cards?parentIdNumber=" + holder, PORTAL, ASSERTION,
        assertion(sys, "web-portal", holder, "WEB_LOGIN")));
    assertThat(mine.get(0).get("caseNumber").asText()).as("found by the parent's ID, no case number").isEqualTo(childCase);
    assertThat(mine.get(0).get("eCard").asText()).startsWith("EC");
    assertRefused(sys.get("/api/child-cards?parentIdNumber=" + holder, PORTAL), "MISSING");

    // guide 003: a parent who passed real-name authentication in the national medical insurance app is verified by the
    // app's signed assertion, without a card or a verification here
    String appParent = id("11010519900404039");
    String appKid = id("11010520220404040");
    JsonNode appLetter = sys.json(sys.get("/api/child-cards/commitment-letter?parentIdNumber=" + appParent
        + "&parentName=" + enc("水岱") + "&childName=" + enc("水小岱") + "&childIdNumber=" + appKid, NHSA_APP));
    String appRequest = """
        {"parentIdNumber":"%s","parentName":"水岱","phone":"13800000002","childName":"水小岱","childIdNumber":"%s",
         "householdRegisterPhoto":"%s","noticeAccepted":true,"noticeVersion":"%s","letterSha256":"%s","signedName":"水岱"}"""
        .formatted(appParent, appKid, png(900, 700), appLetter.get("noticeVersion").asText(), appLetter.get("sha256").asText());
    assertRefused(sys.post("/api/child-cards", NHSA_APP, appRequest, ASSERTION, assertion(sys, "nhsa-app", appKid, "APP_LOGIN")),
        "OTHER_PERSON");
    String appCase = created(sys.post("/api/child-cards", NHSA_APP, appRequest, ASSERTION,
        assertion(sys, "nhsa-app", appParent, "APP_LOGIN")));
    await("issued on the app's real-name authentication", () -> statusAs(sys, appCase, NHSA_APP).equals("ISSUED"));
    assertRefused(sys.get("/api/child-cards?parentIdNumber=" + holder + "&authenticatedBy=WEB_LOGIN", PORTAL), "MISSING");

    // progress without a case number: every case of the person, only with an assertion about them
    assertThat(sys.get("/api/progress?idNumber=" + holder, PORTAL).statusCode()).isEqualTo(400);
    JsonNode everything = sys.json(sys.get("/api/progress?idNumber=" + holder, PORTAL, ASSERTION,
        assertion(sys, "web-portal", holder, "WEB_LOGIN")));
    assertThat(everything.findValuesAsText("caseNumber")).contains(applied, reissueCase, bindingCase, childCase);
    assertThat(everything.get(0).has("status") && everything.get(0).has("currentStep") && everything.get(0).has("openedAt")).isTrue();

    ownCopy(sys, holder, applied, reissueCase, certificate, bindingCase, childCase, kid, appParent, appCase);

    // the holder removes the spouse's link (with an assertion) and is told, once
    assertRefused(sys.delete("/api/family-bindings/" + link.get("id").asLong() + "?holderIdNumber=" + holder, PORTAL, ASSERTION,
        "x.y.z"), "INVALID");
    HttpResponse<String> removed = sys.delete("/api/family-bindings/" + link.get("id").asLong() + "?holderIdNumber=" + holder, PORTAL,
        ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN"));
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    assertThat(sys.count("select count(*) from notification where case_number = ? and template = 'family-link-removed'", bindingCase))
        .isEqualTo(1);

    // an administrator registers the hospital's next key beside the one it has; private keys are refused
    ECKey simulated = ECKey.parse(sys.value("select private_jwk from sim_channel_identity_key where channel = 'hospital'"));
    ECKey next = new ECKeyGenerator(Curve.P_256).keyID("hospital-next").generate();
    String jwks = "{\"keys\":[" + simulated.toPublicJWK().toJSONString() + "," + next.toPublicJWK().toJSONString() + "]}";
    assertThat(sys.put("/api/admin/channels/hospital/keys", CLERK, jwks).statusCode()).isEqualTo(403);
    HttpResponse<String> withPrivate = sys.put("/api/admin/channels/hospital/keys", ADMIN, "{\"keys\":[" + next.toJSONString() + "]}");
    assertThat(withPrivate.statusCode()).isEqualTo(400);
    assertThat(withPrivate.body()).contains("private");
    assertThat(sys.put("/api/admin/channels/nobody/keys", ADMIN, jwks).statusCode()).isEqualTo(400);
    JsonNode registered = sys.json(sys.put("/api/admin/channels/hospital/keys", ADMIN, jwks));
    assertThat(registered.get("added").toString()).contains("hospital-next");
    assertThat(registered.get("kept").toString()).contains(simulated.getKeyID());
    assertThat(sys.get("/api/family-bindings?holderIdNumber=" + holder, HOSPITAL, ASSERTION,
        signed(next, claims("hospital", holder, "CARD"))).statusCode()).as("signed by the new key").isEqualTo(200);
    assertThat(sys.json(sys.get("/api/audit/cases/" + bindingCase + "/verify", SUPERVISOR)).get("intact").asBoolean()).isTrue();
  }

  /** The registry's photo on file shown under the citizen's assertion before it is chosen; the citizen's cases without a case number. */
  @Test
  void thePhotoOnFileIsShownBeforeItIsChosenAndTheCitizensCasesAreListedWithoutACaseNumber() throws Exception {
    String citizen = id("11010519850505999");
    String photoPath = "/api/photo-on-file?idNumber=" + citizen;

    // only with the channel's assertion about this same citizen; each refusal is 401 with its code
    assertRefused(sys.get(photoPath, PORTAL), "MISSING");
    assertRefused(sys.get(photoPath, PORTAL, ASSERTION, assertion(sys, "web-portal", id("11010519850505015"), "WEB_LOGIN")),
        "OTHER_PERSON");
    assertRefused(sys.get(photoPath, PORTAL, ASSERTION, assertion(sys, "alipay", citizen, "APP_LOGIN")), "OTHER_CHANNEL");
    HttpResponse<String> lineOnly = sys.get(photoPath, SERVICE_LINE, ASSERTION, assertion(sys, "12333", citizen, "PHONE_PIN"));
    assertThat(lineOnly.statusCode()).as("the phone line takes no applications").isEqualTo(403);
    assertThat(sys.get("/api/photo-on-file?idNumber=" + citizen.substring(0, 17) + (citizen.charAt(17) == '0' ? '1' : '0'), PORTAL).statusCode()).as("a misread number").isEqualTo(400);

    String token = assertion(sys, "web-portal", citizen, "WEB_LOGIN");
    HttpResponse<String> shown = sys.get(photoPath, PORTAL, ASSERTION, token);
    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    assertThat(shown.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    JsonNode photo = sys.json(shown);
    byte[] png = Base64.getDecoder().decode(photo.get("photo").asText());
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(img.getWidth()).isEqualTo(358);
    assertThat(img.getHeight()).isEqualTo(441);
    assertThat(photo.get("contentType").asText()).isEqualTo("image/png");
    String sha = photo.get("sha256").asText();
    assertThat(sha).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png)));
    assertThat(photo.get("idNumber").asText()).doesNotContain("19850505");
    assertThat(sys.count("select count(*) from audit_entry where subject = ? and action = 'PERSONAL_DATA_VIEWED'"
        + " and detail->>'assertionId' = ? and detail->>'photoSha256' = ? and actor = 'web-portal'",
        sys.personTrail(citizen), jti(token), sha))
        .as("the look audited on the person's trail, with the assertion's id and the photo's digest").isEqualTo(1);
    assertThat(sys.count("select count(*) from audit_entry where subject like 'person:%' and subject like ?", "%" + citizen + "%"))
        .as("the ID number itself is not in the trail's name").isZero();
    assertRefused(sys.get(photoPath, PORTAL, ASSERTION, token), "REPLAYED");
    HttpResponse<String> none = sys.get("/api/photo-on-file?idNumber=" + id("11010519850505991"), PORTAL, ASSERTION,
        assertion(sys, "web-portal", id("11010519850505991"), "WEB_LOGIN"));
    assertThat(none.statusCode()).as("nobody on file").isEqualTo(404);

    // the citizen chooses the photo shown: the card's portrait is that photo
    String applied = created(sys.post("/api/applications", PORTAL, """
        {"applicantName":"苗人凤","idNumber":"%s","sex":"MALE","phone":"13812345678","issuingBank":"ICBC","channel":"web-portal",
         "usePhotoOnFile":true,"idCardPhoto":"%s"}""".formatted(citizen, ID_CARD)));
    assertThat(sys.value("select sha256 from case_document where case_number = ? and kind = 'PORTRAIT_PHOTO'", applied))
        .isEqualTo(sha);
    await("card ready", () -> status(sys, applied).equals("CARD_READY"));

    // no case number: the citizen's cases, through another channel that authenticated them too
    assertThat(sys.get("/api/progress?idNumber=" + citizen, ALIPAY).statusCode()).isEqualTo(400);
    String listToken = assertion(sys, "alipay", citizen, "APP_LOGIN");
    HttpResponse<String> listed = sys.get("/api/progress?idNumber=" + citizen, ALIPAY, ASSERTION, listToken);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    JsonNode mine = sys.json(listed);
    assertThat(mine).hasSize(1);
    JsonNode c = mine.get(0);
    assertThat(c.get("caseNumber").asText()).isEqualTo(applied);
    assertThat(c.at("/kind/code").asText()).isEqualTo("CARD_APPLICATION");
    assertThat(c.at("/kind/zh").asText()).isNotBlank().isNotEqualTo("CARD_APPLICATION");
    assertThat(c.at("/kind/en").asText()).isEqualTo("Card application");
    assertThat(c.at("/status/code").asText()).isEqualTo("CARD_READY");
    assertThat(c.get("openedOn").asText()).isEqualTo(LocalDate.now(ZoneId.of("Asia/Shanghai")).toString());
    assertThat(c.get("closedOn").isNull()).isTrue();
    assertThat(c.at("/card/cardNumber").asText()).as("the card's number masked").matches("\\*+\\d{4}");
    assertThat(c.at("/card/state/code").asText()).isEqualTo("AWAITING_ACTIVATION");
    assertThat(c.has("nextDate")).isTrue();
    if (!c.get("nextDate").isNull()) {
      assertThat(c.at("/nextDate/date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
      assertThat(c.at("/nextDate/provisional").isBoolean()).isTrue();
    }
    assertThat(listed.body()).as("no name or ID number in the list").doesNotContain("苗人凤").doesNotContain(citizen);
    assertThat(sys.count("select count(*) from audit_entry where subject = ? and action = 'PROGRESS_LOOKED_UP'"
        + " and actor = 'alipay' and detail->>'assertionId' = ?", "case:" + applied, jti(listToken))).isEqualTo(1);
  }

  /**
   * The citizen's own copy (PIPL art. 45): A's cases, card numbers in full, the spouse masked and A's
   * own young child in full, the messages sent to A (not the one the spouse got), and who looked and why (a supervisor
   * by role, not by name); the copy audited on each case; never B's data; no assertion 401; no scope 403; the PDF.
   */
  static void ownCopy(RunningSystem sys, String holder, String applied, String reissueCase, String certificate,
      String bindingCase, String childCase, String kid, String other, String otherCase) throws Exception {
    // a supervisor looks at the holder's personal data with a reason
    assertThat(sys.get("/api/cases/" + applied + "/personal-data?reason=" + enc("核对住址"), SUPERVISOR).statusCode()).isEqualTo(200);
    String a = assertion(sys, "web-portal", holder, "WEB_LOGIN");
    HttpResponse<String> r = sys.get("/api/own-data?idNumber=" + holder, PORTAL, ASSERTION, a);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode copy = sys.json(r);
    assertThat(copy.at("/person/idNumber").asText()).isEqualTo(holder);
    assertThat(copy.at("/person/name").asText()).isEqualTo("狄云");
    assertThat(copy.get("cases").findValuesAsText("caseNumber")).contains(applied, reissueCase, bindingCase, childCase)
        .doesNotContain(otherCase);
    JsonNode application = StreamSupport.stream(copy.get("cases").spliterator(), false)
        .filter(c -> c.get("caseNumber").asText().equals(applied)).findFirst().orElseThrow();
    assertThat(application.at("/kind/zh").asText()).isEqualTo("社保卡申领");
    assertThat(application.get("steps").size()).as("every step with its dates").isGreaterThan(2);
    assertThat(application.get("steps").get(0).get("enteredAt").asText()).isNotEmpty();
    assertThat(copy.get("lossReports").findValuesAsText("code")).contains("LOSS_REPORT");
    assertThat(copy.get("vouchers").findValuesAsText("number")).containsExactly(certificate);
    assertThat(copy.get("cards").findValuesAsText("cardNumber")).as("the holder's own card numbers in full")
        .anyMatch(n -> n.matches("[A-Z0-9]{6,}"));
    assertThat(copy.get("cards").findValuesAsText("medicalInsuranceNumber")).anyMatch(n -> n.matches("\\d{11}"));
    JsonNode family = copy.get("family");
    JsonNode child = StreamSupport.stream(family.spliterator(), false)
        .filter(f -> f.at("/relationship/code").asText().equals("CHILD")).findFirst().orElseThrow();
    assertThat(child.get("idNumber").asText()).as("the holder's own child under 18, with an e-card").isEqualTo(kid);
    assertThat(child.get("name").asText()).isEqualTo("狄小云");
    assertThat(child.get("shownInFull").asBoolean()).isTrue();
    JsonNode spouseLink = StreamSupport.stream(family.spliterator(), false)
        .filter(f -> f.at("/relationship/code").asText().equals("SPOUSE")).findFirst().orElseThrow();
    assertThat(spouseLink.get("name").asText()).as("another adult: by relationship, masked").isEqualTo("戚*");
    assertThat(spouseLink.get("idNumber").asText()).contains("*");
    assertThat(copy.get("notifications").findValuesAsText("text")).as("the messages sent to the holder")
        .anyMatch(t -> t.contains("已绑定家庭共济成员")).noneMatch(t -> t.contains("已将您的医保个人账户绑定为家庭共济成员"));
    JsonNode looks = copy.get("looks");
    JsonNode supervisorLook = StreamSupport.stream(looks.spliterator(), false)
        .filter(l -> l.at("/what/code").asText().equals("PERSONAL_DATA_VIEWED") && applied.equals(l.get("caseNumber").asText()))
        .findFirst().orElseThrow();
    assertThat(supervisorLook.get("reason").asText()).isEqualTo("核对住址");
    assertThat(supervisorLook.at("/who/kind").asText()).isEqualTo("STAFF");
    assertThat(supervisorLook.at("/who/roles/0/code").asText()).isEqualTo("SUPERVISOR");
    assertThat(supervisorLook.get("reference").asText()).startsWith("case:" + applied + "#");
    assertThat(looks.toString()).as("staff by role and group, not by account name").doesNotContain("\"supervisor\"");
    assertThat(looks.findValuesAsText("code")).as("the copy itself is accounted for").contains("CITIZEN_COPY_OBTAINED");
    assertThat(sys.count("select count(*) from audit_entry where action = 'CITIZEN_COPY_OBTAINED' and detail->>'assertionId' = ?",
        jti(a))).as("audited on each of the holder's cases and their own trail")
        .isEqualTo(copy.get("cases").size() + 1);
    assertThat(sys.count("select count(*) from audit_entry where action = 'CITIZEN_COPY_OBTAINED' and subject = ?",
        "case:" + otherCase)).isZero();

    // never another person's: the number named must be the assertion's, either way round; no assertion, no copy
    assertRefused(sys.get("/api/own-data?idNumber=" + other, PORTAL, ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN")),
        "OTHER_PERSON");
    assertRefused(sys.get("/api/own-data?idNumber=" + holder, PORTAL, ASSERTION, assertion(sys, "web-portal", other, "WEB_LOGIN")),
        "OTHER_PERSON");
    assertRefused(sys.get("/api/own-data?idNumber=" + holder, PORTAL), "MISSING");
    assertRefused(sys.get("/api/own-data?idNumber=" + holder, PORTAL, ASSERTION, a), "REPLAYED");
    HttpResponse<String> noScope = sys.get("/api/own-data?idNumber=" + holder, SERVICE_LINE, ASSERTION,
        assertion(sys, "12333", holder, "PHONE_PIN"));
    assertThat(noScope.statusCode()).as("the 12333 line has no own-data scope").isEqualTo(403);
    JsonNode theirs = sys.json(sys.get("/api/own-data?idNumber=" + other, NHSA_APP, ASSERTION,
        assertion(sys, "nhsa-app", other, "APP_LOGIN")));
    assertThat(theirs.get("cases").findValuesAsText("caseNumber")).contains(otherCase).doesNotContain(applied, childCase);

    // the same copy as a PDF: it parses, with the case number and the Chinese headings
    HttpResponse<byte[]> pdf = sys.getBytes("/api/own-data?idNumber=" + holder, PORTAL,
        Map.of("Accept", "application/pdf", ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN")));
    assertThat(pdf.statusCode()).as(new String(pdf.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
    try (var doc = Loader.loadPDF(pdf.body())) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("个人信息副本").contains("Copy of your personal data").contains("查阅记录").contains(applied)
          .contains("核对住址").contains("年");
    }
    assertThat(sys.getBytes("/api/own-data?idNumber=" + holder + "&format=pdf", PORTAL,
        Map.of(ASSERTION, assertion(sys, "web-portal", holder, "WEB_LOGIN"))).body()).startsWith("%PDF-".getBytes());
    assertThat(sys.count("select count(*) from audit_entry where action = 'CITIZEN_COPY_OBTAINED' and subject = ? "
        + "and detail->>'format' = 'PDF'", "case:" + applied)).isEqualTo(2);
  }

  static final String ASSERTION = "Citizen-Assertion";

  /** The claims a channel's identity service signs after it authenticated the citizen by {@code method}. */
  static JWTClaimsSet claims(String channel, String idNumber, String method) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(channel).audience("cardcase")
        .subject(CitizenAssertions.subjectOf(idNumber)).claim("amr", List.of(method))
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
        .jwtID(UUID.randomUUID().toString()).build();
  }

  static String signed(ECKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  /** An assertion signed with the simulated channel's own key (kept in its simulator's table). */
  static String assertion(RunningSystem sys, String channel, String idNumber, String method) throws Exception {
    return signed(ECKey.parse(sys.value("select private_jwk from sim_channel_identity_key where channel = ?", channel)),
        claims(channel, idNumber, method));
  }

  static String kidOf(RunningSystem sys, String channel) throws Exception {
    return sys.value("select kid from sim_channel_identity_key where channel = ?", channel);
  }

  static String jti(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
  }

  static void assertRefused(HttpResponse<String> r, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(new ObjectMapper().readTree(r.body()).get("code").asText()).isEqualTo(code);
  }

  static String lossReport(String idNumber, String name) {
    return "{\"idNumber\":\"" + idNumber + "\",\"holderName\":\"" + name + "\",\"phone\":\"13800000000\"}";
  }

  static String reissue(String holder) {
    return """
        {"holderIdNumber":"%s","holderName":"狄云","phone":"13800000000","applicant":"HOLDER","holderIdOriginalChecked":true,
         "holderIdCopy":"%s","replacementForm":"%s","acceptedBy":"clerk"}""".formatted(holder, ID_CARD, png(800, 1000));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String statusAs(RunningSystem sys, String cn, String credentials) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, credentials)).get("status").asText();
  }

  static String stepAs(RunningSystem sys, String cn, String credentials) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, credentials)).get("currentStep").asText();
  }
}
