package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The domain rules through the running system: reference data, the calendar kept in PostgreSQL
 * and edited by an administrator (a provisional deadline of a waiting case is recomputed and its
 * armed timer re-armed in the engine), the card lifecycle, and audited views of personal data.
 */
class DomainRulesIT {

  static final String YEAR_2027 = """
      {"source": "国务院办公厅关于2027年部分节假日安排的通知 (test copy)", "reason": "the 2027 arrangement was published",
       "days": [
         {"date": "2027-01-01", "kind": "holiday", "occasion": "New Year"},
         {"date": "2027-02-06", "kind": "holiday", "occasion": "Spring Festival"},
         {"date": "2027-02-07", "kind": "holiday", "occasion": "Spring Festival"},
         {"date": "2027-02-08", "kind": "holiday", "occasion": "Spring Festival"},
         {"date": "2027-02-09", "kind": "holiday", "occasion": "Spring Festival"},
         {"date": "2027-02-10", "kind": "holiday", "occasion": "Spring Festival"},
         {"date": "2027-02-11", "kind": "holiday", "occasion": "Spring Festival"},
         {"date": "2027-02-12", "kind": "holiday", "occasion": "Spring Festival"},
         {"date": "2027-02-20", "kind": "workday", "occasion": "Spring Festival"}
       ]}""";

  @Test
  void calendarCardsReferenceDataAndAuditedViews() throws Exception {
    // a production deadline long enough to reach into 2027, whose calendar is not loaded yet
    try (RunningSystem sys = new RunningSystem("rules").with("--cardcase.deadlines.production-working-days=60")) {
      sys.start();

      // reference data for channels and forms
      JsonNode ref = sys.json(sys.get("/api/reference", PORTAL));
      assertThat(codes(ref.get("BANK"))).contains("ICBC", "CCB");
      assertThat(codes(ref.get("RELATIONSHIP"))).contains("SPOUSE", "CHILD", "PARENT");
      assertThat(codes(ref.get("CHANNEL"))).containsExactly("web-portal", "alipay", "wechat", "12333", "96102", "counter",
          "terminal", "hospital", "nhsa-app");
      assertThat(codes(ref.get("DOCUMENT_KIND"))).contains("PORTRAIT_PHOTO", "ID_CARD_FRONT", "HOUSEHOLD_REGISTER",
          "COMMITMENT_LETTER", "PICKUP_CERTIFICATE");
      assertThat(ref.get("BANK").get(0).get("nameZh").asText()).isEqualTo("中国工商银行");
      assertThat(sys.get("/api/reference/colours", PORTAL).statusCode()).isEqualTo(400);
      HttpResponse<String> unknownBank = sys.post("/api/applications", PORTAL,
          application("钱多多", id("11010519800101003"), "MALE").replace("ICBC", "HSBC"));
      assertThat(unknownBank.statusCode()).isEqualTo(400);
      assertThat(sys.json(unknownBank).at("/fields/issuingBank").asText()).contains("unknown issuing bank 'HSBC'");

      // an application opens its card; approval sends it to production with a provisional deadline
      String cn = created(sys.post("/api/applications", PORTAL, application("孙悟空", id("11010519800101981"), "MALE")));
      JsonNode received = sys.json(sys.get("/api/cases/" + cn, PORTAL));
      assertThat(received.at("/card/state").asText()).isEqualTo("APPLIED");
      String cardId = received.at("/card/cardId").asText();
      await("waits for the photo comparison", () -> step(sys, cn).equals("compare-photos"));
      comparePhotos(sys, cn, "{\"photoDecision\":\"APPROVE\"}");
      await("waits for the card", () -> step(sys, cn).equals("wait-card-produced"));
      JsonNode waiting = sys.json(sys.get("/api/cases/" + cn, PORTAL));
      assertThat(waiting.at("/card/state").asText()).isEqualTo("IN_PRODUCTION");
      JsonNode production = deadline(waiting, "productionDueAt");
      assertThat(production.get("provisional").asBoolean()).isTrue();
      long waitSeq = sys.count("select wait_seq from process_link where case_number = ?", cn);

      // the calendar: loaded years for everyone, changes for administrators only, bad input changes nothing
      assertThat(years(sys)).containsExactly(2025, 2026);
      assertThat(sys.put("/api/admin/calendar/2027", CLERK, YEAR_2027).statusCode()).isEqualTo(403);
      HttpResponse<String> weekday = sys.put("/api/admin/calendar/2027", ADMIN,
          YEAR_2027.replace("2027-02-20", "2027-02-16"));
      assertThat(weekday.statusCode()).isEqualTo(400);
      assertThat(sys.json(weekday).at("/fields/days.2027-02-16").asText()).contains("Saturday or Sunday");
      HttpResponse<String> badDate = sys.put("/api/admin/calendar/2027", ADMIN, YEAR_2027.replace("2027-01-01", "2027-01-32"));
      assertThat(sys.json(badDate).at("/fields/line 1").asText()).contains("not a date");
      assertThat(years(sys)).containsExactly(2025, 2026);

      HttpResponse<String> saved = sys.put("/api/admin/calendar/2027", ADMIN, YEAR_2027);
      assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
      assertThat(sys.json(saved).get("added")).hasSize(9);
      assertThat(sys.json(saved).get("deadlinesRecomputed").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(years(sys)).containsExactly(2025, 2026, 2027);
      JsonNode after = deadline(sys.json(sys.get("/api/cases/" + cn, PORTAL)), "productionDueAt");
      assertThat(after.get("provisional").asBoolean()).isFalse();
      assertThat(after.get("dueAt").asText()).as("holidays in 2027 push the deadline later")
          .isGreaterThan(production.get("dueAt").asText());
      assertThat(sys.json(sys.get("/api/calendar/working-days/add?from=2027-02-05&days=1", PORTAL)).get("date").asText())
          .as("the API uses the new year at once").isEqualTo("2027-02-15");
      // the waiting case: same visit of the wait state, timer re-armed at the new instant, resume variables updated
      await("timer re-armed", () -> sys.logText().contains("case " + cn + ": productionDueAt moved to"));
      assertThat(step(sys, cn)).isEqualTo("wait-card-produced");
      assertThat(sys.count("select wait_seq from process_link where case_number = ?", cn)).isEqualTo(waitSeq);
      assertThat(sys.value("select variables->>'productionDueAt' from process_link where case_number = ?", cn))
          .isEqualTo(after.get("dueAt").asText().replace(".000", ""));
      JsonNode trail = sys.json(sys.get("/api/audit/cases/" + cn, SUPERVISOR));
      assertThat(actions(trail)).contains("DEADLINE_RECOMPUTED", "CARD_OPENED", "CARD_STATE_CHANGED");

      // the re-entered wait state still takes the card-produced message
      String callback = "{\"callbackId\":\"cb-" + cn + "\",\"caseNumber\":\"" + cn + "\",\"cardNumber\":\"A12345678\"}";
      assertThat(sys.post("/api/callbacks/card-produced", PARTNER, callback).statusCode()).isEqualTo(200);
      await("card ready", () -> sys.json(sys.get("/api/cases/" + cn, PORTAL)).at("/card/state").asText()
          .equals("AWAITING_ACTIVATION"));
      JsonNode card = sys.json(sys.get("/api/cards/" + cardId, CLERK));
      assertThat(card.get("cardNumber").asText()).isEqualTo("*****5678");
      assertThat(card.get("holderName").asText()).isEqualTo("孙**");
      assertThat(card.get("history")).extracting(h -> h.get("to").asText())
          .containsExactly("APPLIED", "IN_PRODUCTION", "PRODUCED", "AWAITING_ACTIVATION");

      // a transition the lifecycle does not allow is refused with what is allowed; a clerk cannot move cards
      HttpResponse<String> refused = sys.post("/api/cards/" + cardId + "/transitions", SUPERVISOR,
          "{\"to\":\"REPLACED\",\"reason\":\"test\"}");
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(sys.json(refused).get("error").asText()).contains("AWAITING_ACTIVATION and cannot become REPLACED")
          .contains("ACTIVE");
      assertThat(sys.post("/api/cards/" + cardId + "/transitions", SUPERVISOR, "{\"to\":\"ACTIVE\"}").statusCode()).isEqualTo(400);
      assertThat(sys.post("/api/cards/" + cardId + "/transitions", CLERK, "{\"to\":\"ACTIVE\",\"reason\":\"x\"}").statusCode())
          .isEqualTo(403);
      HttpResponse<String> activated = sys.post("/api/cards/" + cardId + "/transitions", SUPERVISOR,
          "{\"to\":\"ACTIVE\",\"reason\":\"branch confirmed activation by phone\"}");
      assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
      JsonNode last = sys.json(activated).get("history").get(4);
      assertThat(last.get("actor").asText()).isEqualTo("supervisor");
      assertThat(last.get("reason").asText()).isEqualTo("branch confirmed activation by phone");

      // personal data in full only with a reason, only for staff, and every look is audited
      assertThat(sys.get("/api/cases/" + cn + "/personal-data", CLERK).statusCode()).isEqualTo(400);
      assertThat(sys.get("/api/cases/" + cn + "/personal-data?reason=x", PORTAL).statusCode()).isEqualTo(403);
      JsonNode full = sys.json(sys.get("/api/cases/" + cn + "/personal-data?reason=citizen%20at%20the%20counter", CLERK));
      assertThat(full.get("applicantName").asText()).isEqualTo("孙悟空");
      assertThat(full.get("idNumber").asText()).isEqualTo(id("11010519800101981"));
      JsonNode viewed = null;
      for (JsonNode e : sys.json(sys.get("/api/audit/cases/" + cn, SUPERVISOR))) {
        if (e.get("action").asText().equals("PERSONAL_DATA_VIEWED")) {
          viewed = e;
        }
      }
      assertThat(viewed).isNotNull();
      assertThat(viewed.get("actor").asText()).isEqualTo("clerk");
      assertThat(viewed.at("/detail/reason").asText()).isEqualTo("citizen at the counter");
      assertThat(sys.json(sys.get("/api/audit/cases/" + cn + "/verify", SUPERVISOR)).get("intact").asBoolean()).isTrue();
      assertThat(actions(sys.json(sys.get("/api/audit/calendar/2027", SUPERVISOR)))).containsExactly("CALENDAR_YEAR_ADDED");
      assertThat(actions(sys.json(sys.get("/api/audit/cards/" + cardId, SUPERVISOR)))).hasSize(5);
    }
  }

  static List<String> codes(JsonNode items) {
    List<String> out = new ArrayList<>();
    items.forEach(i -> out.add(i.get("code").asText()));
    return out;
  }

  static List<String> actions(JsonNode trail) {
    List<String> out = new ArrayList<>();
    trail.forEach(e -> out.add(e.get("action").asText()));
    return out;
  }

  static List<Integer> years(RunningSystem sys) throws Exception {
    List<Integer> out = new ArrayList<>();
    sys.json(sys.get("/api/calendar/years", PORTAL)).forEach(y -> out.add(y.get("year").asInt()));
    return out;
  }

  static JsonNode deadline(JsonNode caseStatus, String name) {
    for (JsonNode d : caseStatus.get("deadlines")) {
      if (d.get("name").asText().equals(name)) {
        return d;
      }
    }
    throw new AssertionError("no deadline " + name + " in " + caseStatus);
  }
}
