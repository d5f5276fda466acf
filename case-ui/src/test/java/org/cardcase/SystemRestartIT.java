package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The whole system as a user runs it: real PostgreSQL, Zeebe engine and Elasticsearch, the packaged
 * application in its own process. Cases wait at a human task and at a message catch, the
 * application is killed hard, started again, and the cases are completed.
 */
class SystemRestartIT {
  static final String PORTAL = "web-portal:web-portal-demo";
  static final String CLERK = "clerk:clerk-demo";
  static final String PARTNER = "card-production:card-production-demo";

  static String application(String name, String idNumber, String sex) {
    return """
        {"applicantName":"%s","idNumber":"%s","sex":"%s","phone":"13812345678","issuingBank":"ICBC","channel":"web-portal"}"""
        .formatted(name, idNumber, sex);
  }

  /** A valid ID number: the GB 11643 check character appended to 17 digits. */
  static String id(String first17) {
    return first17 + org.cardcase.identity.IdNumber.checkCharacter(first17);
  }

  @Test
  void casesSurviveAHardStopAndCompleteAfterRestart() throws Exception {
    try (RunningSystem sys = new RunningSystem("restart")) {
      sys.start();
      JsonNode health = sys.json(sys.get("/actuator/health", null));
      for (String component : new String[] {"db", "engine", "search"}) {
        assertThat(health.at("/components/" + component + "/status").asText()).as(component).isEqualTo("UP");
      }

      // refused input changes nothing
      assertThat(sys.post("/api/applications", null, application("张三", id("11010519491231001"), "MALE")).statusCode())
          .isEqualTo(401);
      assertThat(sys.post("/api/applications", "web-portal:wrong", application("张三", id("11010519491231001"), "MALE"))
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
      String a = created(sys.post("/api/applications", PORTAL, application("王小明", id("11010519491231001"), "MALE")));
      String b = created(sys.post("/api/applications", PORTAL, application("李华", id("32010219850101002"), "FEMALE")));
      HttpResponse<String> again = sys.post("/api/applications", PORTAL, application("王小明", id("11010519491231001"), "MALE"));
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(sys.json(again).get("openCaseNumber").asText()).isEqualTo(a);

      await("A waits for review", () -> step(sys, a).equals("review-application"));
      await("B waits for review", () -> step(sys, b).equals("review-application"));
      completeReview(sys, b, "{\"reviewOutcome\":\"APPROVED\"}");
      await("B waits for the card", () -> step(sys, b).equals("wait-card-produced"));

      // the read model finds them by name and by case number
      await("search by name", () -> sys.get("/api/cases?q=" + java.net.URLEncoder.encode("王小明", "UTF-8"), CLERK).body().contains(a));
      String byNumber = sys.get("/api/cases?q=" + b, CLERK).body();
      assertThat(byNumber).contains(b).contains("李*").doesNotContain("李华").doesNotContain(id("32010219850101002"));
      assertThat(sys.count("select count(*) from api_call where channel = 'web-portal' and path = '/api/applications'"))
          .isGreaterThanOrEqualTo(5);

      sys.kill();
      sys.start();

      // the engine came back empty; both cases were given back to it where they waited
      assertThat(step(sys, a)).isEqualTo("review-application");
      assertThat(step(sys, b)).isEqualTo("wait-card-produced");
      completeReview(sys, a, "{\"reviewOutcome\":\"APPROVED\"}");
      await("A waits for the card", () -> step(sys, a).equals("wait-card-produced"));
      for (String cn : new String[] {a, b}) {
        String callback = "{\"callbackId\":\"cb-" + cn + "\",\"caseNumber\":\"" + cn + "\",\"cardNumber\":\"A12345678\"}";
        assertThat(sys.json(sys.post("/api/callbacks/card-produced", PARTNER, callback)).get("duplicate").asBoolean()).isFalse();
        assertThat(sys.json(sys.post("/api/callbacks/card-produced", PARTNER, callback)).get("duplicate").asBoolean()).isTrue();
      }
      await("A done", () -> status(sys, a).equals("CARD_READY"));
      await("B done", () -> status(sys, b).equals("CARD_READY"));
      // resuming re-attached the waiting task instead of creating a second one
      assertThat(sys.count("select count(*) from human_task where case_number = ?", a)).isEqualTo(1);
      assertThat(sys.count("select resumed_count from process_link where case_number = ?", a)).isEqualTo(1);
      // the process-ended listener is its own job, so it may land just after the status change
      await("both process instances recorded as ended",
          () -> sys.count("select count(*) from process_link where ended_at is null") == 0);

      // the audit trail: each event once (the duplicate callback wrote nothing), chain intact
      JsonNode trail = sys.json(sys.get("/api/audit/cases/" + a, "supervisor:supervisor-demo"));
      java.util.List<String> actions = new java.util.ArrayList<>();
      trail.forEach(e -> actions.add(e.get("action").asText()));
      assertThat(actions).startsWith("CASE_RECEIVED").contains("CASE_RESUMED", "TASK_COMPLETED", "STATUS_CHANGED");
      assertThat(actions.stream().filter("MESSAGE_RECEIVED"::equals).count()).isEqualTo(1);
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
      await("A waits for review", () -> step(sys, a).equals("review-application"));
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
      await("the stored case was started and reached review", () -> step(sys, "SC-RECOVER-1").equals("review-application"));
      assertThat(step(sys, a)).isEqualTo("review-application");
    }
  }

  static String created(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return RunningSystem.JSON.readTree(r.body()).get("caseNumber").asText();
  }

  static String step(RunningSystem sys, String cn) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, cn.startsWith("SC-") ? CLERK : PORTAL)).get("currentStep").asText();
  }

  static String status(RunningSystem sys, String cn) throws Exception {
    return sys.json(sys.get("/api/cases/" + cn, PORTAL)).get("status").asText();
  }

  static void completeReview(RunningSystem sys, String cn, String form) throws Exception {
    JsonNode tasks = sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK));
    assertThat(tasks).hasSize(1);
    HttpResponse<String> r = sys.post("/api/tasks/" + tasks.get(0).get("id").asLong() + "/complete", CLERK, form);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (Exception | AssertionError e) {
        // not yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out waiting until: " + what);
  }

  static boolean alive(Path pidFile) throws Exception {
    if (!Files.exists(pidFile)) {
      return false;
    }
    String pid = Files.readAllLines(pidFile).get(0).trim();
    return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
  }
}
