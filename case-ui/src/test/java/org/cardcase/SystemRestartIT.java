package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole system as a user runs it: real PostgreSQL, Zeebe engine and Elasticsearch, the packaged
 * application in its own process. Cases wait at a human task and at a message catch, the
 * application is killed hard, started again, and the cases are completed.
 */
class SystemRestartIT {

  @Test
  void casesSurviveAHardStopAndCompleteAfterRestart() throws Exception {
    try (RunningSystem sys = new RunningSystem("restart")) {
      sys.start();
      JsonNode health = sys.json(sys.get("/actuator/health", null));
      for (String component : new String[] {"db", "engine", "search"}) {
        assertThat(health.at("/components/" + component + "/status").asText()).as(component).isEqualTo("UP");
      }

      // refused input changes nothing
      assertThat(sys.post("/api/applications", null, application("张三", id("11010519491231981"), "MALE")).statusCode())
          .isEqualTo(401);
      assertThat(sys.post("/api/applications", "web-portal:wrong", application("张三", id("11010519491231981"), "MALE"))
          .statusCode()).isEqualTo(401);
      HttpResponse<String> bad = sys.post("/api/applications", PORTAL,
          """
          {"applicantName":"","idNumber":"110105194912310012","sex":"MALE","phone":"12","channel":"web-portal"}""");
      assertThat(bad.statusCode()).isEqualTo(400);
      JsonNode fields = sys.json(bad).get("fields");
      assertThat(fields.get("applicantName").asText()).contains("required");
      assertThat(fields.get("idNumber").asText()).contains("check character");
      assertThat(fields.get("phone").asText()).contains("11-digit");
      assertThat(fields.get("issuingBank").asText()).contains("required");
      assertThat(sys.post("/api/applications", PORTAL, "{\"applicantName\": ").statusCode()).isEqualTo(400);
      assertThat(sys.post("/api/applications", PORTAL, "{\"nickname\": \"x\"}").body()).contains("nickname");
      assertThat(sys.count("select count(*) from card_case")).isZero();

      // two applications: A will wait for a clerk, B for the card centre
      String a = created(sys.post("/api/applications", PORTAL, application("王小明", id("11010519491231981"), "MALE")));
      String b = created(sys.post("/api/applications", PORTAL, application("李华", id("32010219850101982"), "FEMALE")));
      HttpResponse<String> again = sys.post("/api/applications", PORTAL, application("王小明", id("11010519491231981"), "MALE"));
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(sys.json(again).get("openCaseNumber").asText()).isEqualTo(a);

      await("A waits for review", () -> step(sys, a).equals("compare-photos"));
      await("B waits for review", () -> step(sys, b).equals("compare-photos"));
      comparePhotos(sys, b, "{\"photoDecision\":\"APPROVE\"}");
      await("B waits for the card", () -> step(sys, b).equals("wait-card-produced"));

      // the read model finds them by name and by case number
      await("search by name", () -> sys.get("/api/cases?q=" + URLEncoder.encode("王小明", "UTF-8"), CLERK).body().contains(a));
      String byNumber = sys.get("/api/cases?q=" + b, CLERK).body();
      assertThat(byNumber).contains(b).contains("李*").doesNotContain("李华").doesNotContain(id("32010219850101982"));
      // the call log is written off the request thread, within a second
      await("the applications in the call log",
          () -> sys.count("select count(*) from api_call where channel = 'web-portal' and path = '/api/applications'") >= 5);

      // an analyst changes the card application (the collection reminder after 12 working days, not
      // 10); a second person approves; the new version takes new cases, A and B stay on version 1
      String analyst = "analyst:analyst-demo";
      HttpResponse<String> made = sys.post("/api/models/drafts", analyst,
          "{\"processId\":\"card-application\",\"comment\":\"remind after 12 working days\"}");
      assertThat(made.statusCode()).isEqualTo(201);
      long draft = sys.json(made).get("id").asLong();
      assertThat(sys.post("/api/models/drafts", CLERK, "{\"processId\":\"card-application\"}").statusCode()).isEqualTo(403);
      String xml = sys.get("/api/models/drafts/" + draft + "/file", analyst).body();
      String changed = xml.replaceFirst("(?s)(id=\"collection-reminder-due\".*?cardcase:workingDays\" value=)\"10\"", "$1\"12\"");
      assertThat(changed).isNotEqualTo(xml);
      assertThat(sys.put("/api/models/drafts/" + draft + "/file?revision=1", analyst, changed, "application/xml").statusCode())
          .isEqualTo(200);
      HttpResponse<String> stale = sys.put("/api/models/drafts/" + draft + "/file?revision=1", "admin:admin-demo", xml,
          "application/xml");
      assertThat(stale.statusCode()).as("a save over another's is refused").isEqualTo(409);
      assertThat(sys.json(stale).get("savedBy").asText()).isEqualTo("analyst");
      JsonNode review = sys.json(sys.get("/api/models/drafts/" + draft, analyst));
      assertThat(review.at("/review/changes/0/elementId").asText()).isEqualTo("collection-reminder-due");
      assertThat(review.at("/review/changes").size()).isEqualTo(1);
      assertThat(sys.post("/api/models/drafts/" + draft + "/proposal", analyst, "{}").statusCode()).isEqualTo(200);
      assertThat(sys.post("/api/models/drafts/" + draft + "/approval", analyst, "{}").statusCode())
          .as("not by who made it").isEqualTo(403);
      JsonNode approved = sys.json(sys.post("/api/models/drafts/" + draft + "/approval", "admin:admin-demo", "{\"note\":\"ok\"}"));
      assertThat(approved.get("status").asText()).isEqualTo("DEPLOYED");
      assertThat(approved.get("deployedVersion").asInt()).isEqualTo(2);
      String c = created(sys.post("/api/applications", PORTAL, application("周杰", id("11010519800101981"), "MALE")));
      await("C waits for review", () -> step(sys, c).equals("compare-photos"));
      assertThat(sys.count("select model_version from process_link where case_number = ?", c)).isEqualTo(2);
      assertThat(sys.count("select count(*) from process_link where case_number in (?, ?) and model_version = 1", a, b))
          .isEqualTo(2);

      sys.kill();
      sys.start();

      // the engine came back empty; both cases were given back to it where they waited, each on its version
      assertThat(step(sys, a)).isEqualTo("compare-photos");
      assertThat(step(sys, b)).isEqualTo("wait-card-produced");
      await("C resumed", () -> sys.count("select resumed_count from process_link where case_number = ?", c) == 1);
      assertThat(sys.count("select model_version from process_link where case_number = ?", c)).isEqualTo(2);
      assertThat(sys.count("select count(*) from process_link where case_number in (?, ?) and model_version = 1", a, b))
          .as("A and B resumed on version 1 while version 2 is current").isEqualTo(2);
      assertThat(sys.count("select count(*) from audit_entry where subject = 'model:card-application'")).isEqualTo(4);
      comparePhotos(sys, a, "{\"photoDecision\":\"APPROVE\"}");
      comparePhotos(sys, c, "{\"photoDecision\":\"APPROVE\"}");
      await("A waits for the card", () -> step(sys, a).equals("wait-card-produced"));
      await("C waits for the card", () -> step(sys, c).equals("wait-card-produced"));
      for (String cn : new String[] {a, b, c}) {
        String callback = "{\"callbackId\":\"cb-" + cn + "\",\"caseNumber\":\"" + cn + "\",\"cardNumber\":\"A12345678\"}";
        assertThat(sys.json(sys.post("/api/callbacks/card-produced", PARTNER, callback)).get("duplicate").asBoolean()).isFalse();
        assertThat(sys.json(sys.post("/api/callbacks/card-produced", PARTNER, callback)).get("duplicate").asBoolean()).isTrue();
      }
      await("A ready", () -> status(sys, a).equals("CARD_READY"));
      await("B ready", () -> status(sys, b).equals("CARD_READY"));
      await("C ready", () -> status(sys, c).equals("CARD_READY"));
      for (String cn : new String[] {a, b, c}) {
        String activated = "{\"callbackId\":\"act-" + cn + "\",\"caseNumber\":\"" + cn + "\",\"branch\":\"ICBC Xicheng\"}";
        assertThat(sys.post("/api/callbacks/card-activated", PARTNER, activated).statusCode()).isEqualTo(200);
      }
      await("A active", () -> status(sys, a).equals("ACTIVE"));
      await("B active", () -> status(sys, b).equals("ACTIVE"));
      await("C active", () -> status(sys, c).equals("ACTIVE"));
      // resuming re-attached the waiting task instead of creating a second one
      assertThat(sys.count("select count(*) from human_task where case_number = ?", a)).isEqualTo(1);
      assertThat(sys.count("select resumed_count from process_link where case_number = ?", a)).isEqualTo(1);
      // the process-ended listener is its own job, so it may land just after the status change
      await("both process instances recorded as ended",
          () -> sys.count("select count(*) from process_link where ended_at is null") == 0);

      // the audit trail: each event once (the duplicate callback wrote nothing), chain intact
      JsonNode trail = sys.json(sys.get("/api/audit/cases/" + a, "supervisor:supervisor-demo"));
      List<String> actions = new ArrayList<>();
      trail.forEach(e -> actions.add(e.get("action").asText()));
      assertThat(actions).startsWith("CASE_RECEIVED").contains("CASE_RESUMED", "TASK_COMPLETED", "STATUS_CHANGED");
      long produced = 0;
      for (JsonNode e : trail) {
        if (e.get("action").asText().equals("MESSAGE_RECEIVED") && e.at("/detail/message").asText().equals("card-produced")) {
          produced++;
        }
      }
      assertThat(produced).as("the duplicate callback wrote nothing").isEqualTo(1);
      assertThat(sys.json(sys.get("/api/audit/cases/" + a + "/verify", "supervisor:supervisor-demo")).get("intact").asBoolean())
          .isTrue();
      assertThat(sys.get("/api/audit/cases/" + a, CLERK).statusCode()).isEqualTo(403);

      // rules a channel can check before submitting
      JsonNode ok = sys.json(sys.post("/api/validation/id-number", PORTAL, "{\"idNumber\":\"11010519491231002x\"}"));
      assertThat(ok.get("valid").asBoolean()).isTrue();
      assertThat(ok.get("birthDate").asText()).isEqualTo("1949-12-31");
      assertThat(ok.get("sex").asText()).isEqualTo("FEMALE");
      JsonNode no = sys.json(sys.post("/api/validation/id-number", PORTAL, "{\"idNumber\":\"110105194912310021\"}"));
      assertThat(no.get("valid").asBoolean()).isFalse();
      assertThat(no.get("errors").get(0).asText()).contains("check character");
      JsonNode due = sys.json(sys.get("/api/calendar/working-days/add?from=2026-02-02&days=15", PORTAL));
      assertThat(due.get("date").asText()).isEqualTo("2026-02-28");
      assertThat(due.get("provisional").asBoolean()).isFalse();
      assertThat(sys.get("/api/calendar/working-days/add?from=2026-02-30&days=1", PORTAL).statusCode()).isEqualTo(400);
      assertThat(sys.get("/api/calendar/working-days/add?from=2026-02-02&days=-1", PORTAL).body()).contains("negative");

      sys.close();
      // a normal stop takes the child servers with it
      assertThat(alive(sys.dataDir.resolve("elasticsearch/node.pid"))).as("Elasticsearch still running").isFalse();
      assertThat(alive(sys.dataDir.resolve("postgres/postmaster.pid"))).as("PostgreSQL still running").isFalse();
    }
  }

  @Test
  void aCaseStoredButNeverStartedIsStartedOnRecovery() throws Exception {
    try (RunningSystem sys = new RunningSystem("unstarted")) {
      sys.start();
      String a = created(sys.post("/api/applications", PORTAL, application("赵敏", id("44030419900101002"), "FEMALE")));
      await("A waits for review", () -> step(sys, a).equals("compare-photos"));
      sys.kill();
      // simulate a death between the commit and the start: a case row with a start instruction only
      try (var c = sys.db()) {
        // the embedded server is still the one the killed run left; use it before it is replaced
        c.createStatement().execute("""
            insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, issuing_bank)
            values ('SC-RECOVER-1', 'CARD_APPLICATION', 'RECEIVED', 'application-received', 'web-portal', '周芷若', '%s', 'FEMALE', '13812345678', 'BOC');
            insert into process_link (case_number, bpmn_process_id, variables)
            values ('SC-RECOVER-1', 'card-application', '{"caseNumber":"SC-RECOVER-1","reviewDueAt":"2030-01-02T09:30:00Z"}');
            """.formatted(id("44030419900101004")));
      }
      sys.start();
      // it has no documents, so its verification asks the applicant for them
      await("the stored case was started and verified", () -> step(sys, "SC-RECOVER-1").equals("wait-resubmission"));
      assertThat(step(sys, a)).isEqualTo("compare-photos");
    }
  }
}
