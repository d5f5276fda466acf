package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
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

  @Test
  void lossReissueVoucherFamilyAndChildCard() throws Exception {
    try (RunningSystem sys = new RunningSystem("services").with("--cardcase.simulators.bank.produce-after=1s")) {
      sys.start();
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
      JsonNode full = sys.json(sys.get("/api/medical-insurance-number?idNumber=" + holder + "&authenticatedBy=PHONE_PIN", SERVICE_LINE));
      assertThat(full.get("full").asBoolean()).isTrue();
      assertThat(full.get("medicalInsuranceNumber").asText()).matches("\\d{11}").endsWith(masked.get("medicalInsuranceNumber").asText()
          .replace("*", "")).isNotEqualTo(masked.get("medicalInsuranceNumber").asText());
      assertThat(sys.get("/api/medical-insurance-number?idNumber=" + holder + "&authenticatedBy=CARD", SERVICE_LINE).statusCode())
          .as("a phone line cannot have read a card").isEqualTo(400);
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
      String due = sys.json(sys.get("/api/calendar/working-days/add?from=" + java.time.LocalDate.now(
          java.time.ZoneId.of("Asia/Shanghai")) + "&days=15", PORTAL)).get("date").asText();
      assertThat(a.get("pickupDate").asText()).isEqualTo(due);

      // a hospital checks the certificate as a temporary medical voucher
      JsonNode voucher = sys.json(sys.get("/api/vouchers/" + certificate, HOSPITAL));
      assertThat(voucher.get("valid").asBoolean()).isTrue();
      assertThat(voucher.get("holderName").asText()).isEqualTo("狄*");
      HttpResponse<byte[]> pdf = sys.getBytes("/api/vouchers/" + certificate + "/certificate?idNumber=" + holder, COUNTER);
      assertThat(pdf.statusCode()).isEqualTo(200);
      assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
      assertThat(new String(pdf.body(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
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

      // family binding through the web portal, with the enrolment's social security numbers (not the ID numbers)
      String spouse = id("11010519820202020");
      String holderSsn = org.cardcase.simulators.InsuredPersonsSimulator.numberFor(holder);
      String spouseSsn = org.cardcase.simulators.InsuredPersonsSimulator.numberFor(spouse);
      String bind = """
          {"holderIdNumber":"%s","holderSocialSecurityNumber":"%s","holderName":"狄云","phone":"13800000000",
           "memberIdNumber":"%s","memberSocialSecurityNumber":"%s","memberName":"戚芳","memberPhone":"13800000001","relationship":"%s"}""";
      HttpResponse<String> idAsSsn = sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holder, spouse, spouseSsn, "SPOUSE"));
      assertThat(sys.json(idAsSsn).at("/fields/holderSocialSecurityNumber").asText()).contains("not the ID number");
      assertThat(sys.json(sys.post("/api/family-bindings", HOSPITAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE")))
          .at("/fields/holderCardNumber").asText()).as("a hospital swipes the holder's card").contains("swipe");
      HttpResponse<String> sibling = sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SIBLING"));
      assertThat(sys.json(sibling).at("/fields/relationship").asText()).contains("cannot share");
      String bindingCase = created(sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE")));
      assertThat(sys.json(sys.get("/api/family-bindings?holderIdNumber=" + holder, HOSPITAL)).at("/fields/authenticatedBy").asText())
          .as("an ID number alone does not show a family account").contains("CARD");
      await("linked", () -> sys.json(sys.get("/api/family-bindings?holderIdNumber=" + holder + "&authenticatedBy=CARD", HOSPITAL))
          .size() == 1);
      JsonNode link = sys.json(sys.get("/api/family-bindings?holderIdNumber=" + holder + "&authenticatedBy=CARD", HOSPITAL)).get(0);
      assertThat(link.get("memberName").asText()).isEqualTo("戚*");
      assertThat(sys.post("/api/family-bindings", PORTAL, bind.formatted(holder, holderSsn, spouse, spouseSsn, "SPOUSE")).statusCode())
          .isEqualTo(409);

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
        for (JsonNode l : sys.json(sys.get("/api/family-bindings?holderIdNumber=" + holder + "&authenticatedBy=WEB_LOGIN", PORTAL))) {
          if (l.get("relationship").asText().equals("CHILD") && !l.get("childECard").isNull()) {
            return l.get("childECard").asText().matches("\\*+\\d{4}");
          }
        }
        return false;
      });
      JsonNode mine = sys.json(sys.get("/api/child-cards?parentIdNumber=" + holder + "&authenticatedBy=WEB_LOGIN", PORTAL));
      assertThat(mine.get(0).get("caseNumber").asText()).as("found by the parent's ID, no case number").isEqualTo(childCase);
      assertThat(mine.get(0).get("eCard").asText()).startsWith("EC");
      assertThat(sys.get("/api/child-cards?parentIdNumber=" + holder, PORTAL).statusCode()).isEqualTo(400);
      assertThat(sys.json(sys.get("/api/audit/cases/" + bindingCase + "/verify", SUPERVISOR)).get("intact").asBoolean()).isTrue();
    }
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
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String statusAs(RunningSystem sys, String cn, String credentials) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, credentials)).get("status").asText();
  }

  static String stepAs(RunningSystem sys, String cn, String credentials) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, credentials)).get("currentStep").asText();
  }
}
