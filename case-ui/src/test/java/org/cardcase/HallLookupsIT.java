package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;
import static org.cardcase.ServicesIT.ASSERTION;
import static org.cardcase.ServicesIT.assertRefused;
import static org.cardcase.ServicesIT.assertion;
import static org.cardcase.ServicesIT.jti;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Issue 25, items 7 and 8, through the channel API of the packaged application: the registry's
 * photo on file is shown to the citizen (under their channel's signed assertion, audited as a view
 * of personal data) before they choose it, and a citizen authenticated by their channel but without
 * a case number sees their cases with kind, dates and the card's masked number.
 */
class HallLookupsIT {
  static final String SERVICE_LINE = "12333:12333-demo";
  static final String ALIPAY = "alipay:alipay-demo";

  @Test
  void thePhotoOnFileIsShownBeforeItIsChosenAndTheCitizensCasesAreListedWithoutACaseNumber() throws Exception {
    try (RunningSystem sys = new RunningSystem("hall-lookups").with("--cardcase.simulators.bank.produce-after=1s")) {
      sys.start();
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
      java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
      assertThat(img.getWidth()).isEqualTo(358);
      assertThat(img.getHeight()).isEqualTo(441);
      assertThat(photo.get("contentType").asText()).isEqualTo("image/png");
      String sha = photo.get("sha256").asText();
      assertThat(sha).isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(png)));
      assertThat(photo.get("idNumber").asText()).doesNotContain("19850505");
      assertThat(sys.count("select count(*) from audit_entry where subject = ? and action = 'PERSONAL_DATA_VIEWED'"
          + " and detail->>'assertionId' = ? and detail->>'photoSha256' = ? and actor = 'web-portal'",
          "person:" + org.cardcase.assertions.CitizenAssertions.subjectOf(citizen), jti(token), sha))
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
      assertThat(c.get("openedOn").asText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString());
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
  }
}
