package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A card application through the channel API as a citizen's channel, a clerk and the bank see it:
 * photo checks at intake, the clerk's request for a new photo, the resubmission, progress lookup
 * by ID number and case number, the card made by the bank simulator and activated at a branch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplicationChannelIT {
  static final String ALIPAY = "alipay:alipay-demo";

  /** One system for the class; the first test counts every case in it, so it runs first. */
  static RunningSystem sys;

  @BeforeAll
  static void start() throws Exception {
    sys = new RunningSystem("channel").with("--cardcase.simulators.bank.produce-after=1s")
        .with("--cardcase.security.lock-period=20s").with("--cardcase.jobs.retry-backoff=200ms").start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sys != null) {
      sys.close();
    }
  }

  @Test
  @Order(1)
  void applyResubmitFollowProgressAndActivate() throws Exception {
    String idNumber = id("11010519900303002");

    // files are checked at intake: specific errors, nothing stored
    HttpResponse<String> bad = sys.post("/api/applications", PORTAL, application("赵敏", idNumber, "FEMALE")
        .replace(PORTRAIT, png(120, 160)).replace(ID_CARD, Base64.getEncoder().encodeToString("not an image".getBytes())));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(sys.json(bad).at("/fields/portraitPhoto").asText()).contains("120×160").contains("at least 358×441");
    assertThat(sys.json(bad).at("/fields/idCardPhoto").asText()).contains("not a JPEG, PNG or PDF");
    assertThat(sys.count("select count(*) from card_case")).isZero();

    String cn = created(sys.post("/api/applications", PORTAL, application("赵敏", idNumber, "FEMALE")));
    await("photo comparison", () -> step(sys, cn).equals("compare-photos"));

    // the clerk sees the documents; opening one needs a reason and is audited
    JsonNode docs = sys.json(sys.get("/api/cases/" + cn + "/documents", CLERK));
    assertThat(docs).hasSize(2);
    long portraitId = docs.get(0).get("kind").asText().equals("PORTRAIT_PHOTO") ? docs.get(0).get("id").asLong() : docs.get(1).get("id").asLong();
    assertThat(sys.get("/api/cases/" + cn + "/documents/" + portraitId + "/content", CLERK).statusCode()).isEqualTo(400);
    HttpResponse<String> photo = sys.get("/api/cases/" + cn + "/documents/" + portraitId + "/content?reason=compare%20photos", CLERK);
    assertThat(photo.statusCode()).isEqualTo(200);
    assertThat(photo.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/png");
    assertThat(sys.get("/api/cases/" + cn + "/documents", PORTAL).statusCode()).isEqualTo(403);

    // an invalid decision is refused next to its field; a valid one asks for a new photo
    await("the task", () -> sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).size() == 1);
    JsonNode task = sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).get(0);
    HttpResponse<String> noReason = sys.post("/api/tasks/" + task.get("id").asLong() + "/complete", CLERK,
        "{\"photoDecision\":\"REQUEST_NEW_PHOTO\"}");
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(sys.json(noReason).at("/fields/decisionReason").asText()).contains("required");
    comparePhotos(sys, cn, "{\"photoDecision\":\"REQUEST_NEW_PHOTO\",\"decisionReason\":\"照片背景不是白色\"}");
    await("waits for new photos", () -> step(sys, cn).equals("wait-resubmission"));

    // progress lookup: only the right pair answers, and in words
    JsonNode progress = sys.json(sys.get("/api/progress?idNumber=" + idNumber + "&caseNumber=" + cn, "12333:12333-demo"));
    assertThat(progress.at("/status/zh").asText()).isEqualTo("待申请人重新提交");
    assertThat(progress.at("/currentStep/en").asText()).isEqualTo("Waiting for new photos from the applicant");
    assertThat(progress.at("/applicantName").asText()).isEqualTo("赵*");
    JsonNode resubmitBy = null;
    for (JsonNode d : progress.get("deadlines")) {
      if (d.at("/deadline/code").asText().equals("resubmissionDueAt")) {
        resubmitBy = d;
      }
    }
    assertThat(resubmitBy).isNotNull();
    // only what is ahead: the photo review's deadline belongs to a step the case has passed
    for (JsonNode d : progress.get("deadlines")) {
      assertThat(d.at("/deadline/code").asText()).isNotEqualTo("reviewDueAt");
    }
    JsonNode staffView = sys.json(sys.get("/api/cases/" + cn, SUPERVISOR));
    boolean reviewPassed = false;
    for (JsonNode d : staffView.get("deadlines")) {
      if (d.get("name").asText().equals("reviewDueAt")) {
        reviewPassed = !d.get("running").asBoolean();
      }
    }
    assertThat(reviewPassed).as("staff see it, marked as not running").isTrue();
    assertThat(resubmitBy.get("workingDaysLeft").asInt()).isEqualTo(20);
    HttpResponse<String> wrongPair = sys.get("/api/progress?idNumber=" + id("11010519491231002") + "&caseNumber=" + cn, PORTAL);
    HttpResponse<String> noCase = sys.get("/api/progress?idNumber=" + idNumber + "&caseNumber=SC19990101000001", PORTAL);
    assertThat(wrongPair.statusCode()).isEqualTo(404);
    assertThat(noCase.statusCode()).isEqualTo(404);
    assertThat(wrongPair.body()).as("a wrong pair learns nothing").isEqualTo(noCase.body()).doesNotContain(cn);
    assertThat(sys.get("/api/progress?idNumber=123&caseNumber=" + cn, PORTAL).statusCode()).isEqualTo(400);
    assertThat(sys.notificationText(cn, "new-photo-requested"))
        .contains("照片背景不是白色");

    // the resubmission continues the same case; a retry is answered, not repeated; other channels see nothing
    String resubmission = "{\"resubmissionId\":\"rs-1\",\"portraitPhoto\":\"" + png(420, 520) + "\"}";
    assertThat(sys.post("/api/applications/" + cn + "/resubmission", ALIPAY, resubmission).statusCode()).isEqualTo(404);
    HttpResponse<String> taken = sys.post("/api/applications/" + cn + "/resubmission", PORTAL, resubmission);
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    assertThat(sys.json(taken).get("verificationRound").asInt()).isEqualTo(2);
    assertThat(sys.json(sys.post("/api/applications/" + cn + "/resubmission", PORTAL, resubmission)).get("verificationRound").asInt())
        .isEqualTo(2);
    await("photo comparison again", () -> step(sys, cn).equals("compare-photos"));
    assertThat(sys.post("/api/applications/" + cn + "/resubmission", PORTAL, resubmission.replace("rs-1", "rs-2")).statusCode())
        .as("not waiting for photos now").isEqualTo(409);
    comparePhotos(sys, cn, "{\"photoDecision\":\"APPROVE\"}");

    // the bank simulator makes the card (and reports it twice); one card, numbers masked in the lookup
    await("card ready", () -> status(sys, cn).equals("CARD_READY"));
    // the duplicate report must have been sent (and turned away) before "one transition" means anything
    await("the bank's callbacks sent", () -> sys.count("select count(*) from sim_bank_order where case_number = ?", cn) > 0
        && sys.count("select count(*) from sim_bank_order where case_number = ? and callbacks_owed > 0", cn) == 0);
    JsonNode ready = sys.json(sys.get("/api/progress?idNumber=" + idNumber + "&caseNumber=" + cn, "terminal:terminal-demo"));
    assertThat(ready.at("/card/state/zh").asText()).isEqualTo("待领取激活");
    assertThat(ready.at("/card/cardNumber").asText()).matches("\\*{5}\\d{4}");
    assertThat(ready.at("/card/medicalInsuranceNumber").asText()).matches("\\*{7}\\d{4}");
    assertThat(sys.count("select count(*) from card_transition t join card c on c.card_id = t.card_id where c.case_number = ? and t.to_state = 'PRODUCED'", cn))
        .isEqualTo(1);

    // the branch confirms pickup and activation
    String activated = "{\"callbackId\":\"branch-77\",\"caseNumber\":\"" + cn + "\",\"branch\":\"ICBC Xicheng branch\"}";
    assertThat(sys.post("/api/callbacks/card-activated", PARTNER, "{\"callbackId\":\"x\",\"caseNumber\":\"" + cn + "\"}").statusCode())
        .isEqualTo(400);
    assertThat(sys.json(sys.post("/api/callbacks/card-activated", PARTNER, activated)).get("duplicate").asBoolean()).isFalse();
    assertThat(sys.json(sys.post("/api/callbacks/card-activated", PARTNER, activated)).get("duplicate").asBoolean()).isTrue();
    await("active", () -> status(sys, cn).equals("ACTIVE"));
    JsonNode done = sys.json(sys.get("/api/progress?idNumber=" + idNumber + "&caseNumber=" + cn, PORTAL));
    assertThat(done.at("/card/state/en").asText()).isEqualTo("Active");
    assertThat(done.get("closed").asBoolean()).isTrue();
    assertThat(done.get("deadlines")).isEmpty();
    // the activation message is sent once the case is closed
    await("told", () -> sys.count("select count(*) from notification where case_number = ?", cn) == 3);

    JsonNode trail = sys.json(sys.get("/api/audit/cases/" + cn, SUPERVISOR));
    List<String> actions = new ArrayList<>();
    trail.forEach(e -> actions.add(e.get("action").asText()));
    assertThat(actions).contains("DOCUMENT_VIEWED", "APPLICATION_RESUBMITTED", "VERIFICATION_DECIDED", "NOTIFICATION_SENT");
    assertThat(sys.json(sys.get("/api/audit/cases/" + cn + "/verify", SUPERVISOR)).get("intact").asBoolean()).isTrue();

    // the queue API: paged, with its true size; all tasks only for a supervisor; bad options named
    JsonNode page = sys.json(sys.get("/api/task-queue?scope=ALL&limit=5", SUPERVISOR));
    assertThat(page.has("total") && page.has("overdue") && page.get("items").isArray()).isTrue();
    assertThat(sys.get("/api/task-queue?scope=ALL", CLERK).statusCode()).isEqualTo(403);
    HttpResponse<String> badSort = sys.get("/api/task-queue?sort=NEWEST", CLERK);
    assertThat(badSort.statusCode()).isEqualTo(400);
    assertThat(sys.json(badSort).at("/fields/sort").asText()).contains("DUE");
    assertThat(sys.get("/api/task-queue?after=xyz", CLERK).statusCode()).isEqualTo(400);
    // bulk moves: each task on its own, refusals named; unknown actions and clerks' reassignments refused
    HttpResponse<String> badBulk = sys.post("/api/tasks/bulk", CLERK, "{\"action\":\"MOVE\",\"taskIds\":[1]}");
    assertThat(badBulk.statusCode()).isEqualTo(400);
    assertThat(sys.json(badBulk).at("/fields/action").asText()).contains("CLAIM");
    JsonNode bulk = sys.json(sys.post("/api/tasks/bulk", CLERK, "{\"action\":\"CLAIM\",\"taskIds\":[987654321]}"));
    assertThat(bulk.get("moved")).isEmpty();
    assertThat(bulk.at("/refused/0/code").asText()).isEqualTo("NOT_FOUND");
    assertThat(sys.post("/api/tasks/bulk", CLERK, "{\"action\":\"REASSIGN\",\"taskIds\":[1],\"assignee\":\"clerk2\"}")
        .statusCode()).isEqualTo(403);

    // a step that fails for good: an incident that supervisors see and act on (analysts may only look)
    String down = created(sys.post("/api/applications", PORTAL, application("张三丰", id("11010519910404995"), "MALE")));
    await("incident", () -> sys.count("select count(*) from incident where case_number = ? and closed_at is null", down) == 1);
    JsonNode incident = null;
    for (JsonNode i : sys.json(sys.get("/api/incidents", SUPERVISOR))) {
      incident = i.get("caseNumber").asText().equals(down) ? i : incident;
    }
    assertThat(incident).isNotNull();
    assertThat(incident.get("elementId").asText()).isEqualTo("query-registry");
    assertThat(incident.get("error").asText()).contains("unavailable");
    String incidentUrl = "/api/incidents/" + incident.get("id").asLong();
    assertThat(sys.get("/api/incidents?case=" + down, "analyst:analyst-demo").statusCode()).isEqualTo(200);
    assertThat(sys.get("/api/incidents", CLERK).statusCode()).isEqualTo(403);
    assertThat(sys.post(incidentUrl + "/retry", "analyst:analyst-demo", "{}").statusCode()).isEqualTo(403);
    assertThat(sys.post("/api/incidents/999999/retry", SUPERVISOR, "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> noCancelReason = sys.post(incidentUrl + "/case-cancellation", SUPERVISOR, "{\"reason\":\" \"}");
    assertThat(noCancelReason.statusCode()).isEqualTo(400);
    assertThat(sys.json(noCancelReason).at("/fields/reason").asText()).contains("why");
    assertThat(status(sys, down)).as("a refused cancellation changes nothing").isNotEqualTo("CANCELLED");
    JsonNode cancelled = sys.json(sys.post(incidentUrl + "/case-cancellation", SUPERVISOR,
        "{\"reason\":\"applicant withdrew at the counter\"}"));
    assertThat(cancelled.get("result").asText()).isEqualTo("CANCELLED");
    assertThat(status(sys, down)).isEqualTo("CANCELLED");
    assertThat(sys.post(incidentUrl + "/retry", SUPERVISOR, "{}").statusCode()).isEqualTo(409);
    assertThat(sys.json(sys.get("/api/incidents?case=" + down, SUPERVISOR)).get(0).get("state").asText()).isEqualTo("CANCELLED");

    // the dashboard as data: supervisors and analysts read it, clerks are refused, bad input says what is wrong
    await("the dashboard counts today's cases", () -> sys.json(sys.get("/api/dashboard?days=7", SUPERVISOR))
        .at("/figures/throughput").findValues("received").stream().mapToLong(JsonNode::asLong).sum() >= 2);
    assertThat(sys.get("/api/dashboard/steps?days=7&caseType=CARD_APPLICATION", "analyst:analyst-demo").statusCode()).isEqualTo(200);
    assertThat(sys.get("/api/dashboard", CLERK).statusCode()).isEqualTo(403);
    HttpResponse<String> badDays = sys.get("/api/dashboard?days=0", SUPERVISOR);
    assertThat(badDays.statusCode()).isEqualTo(400);
    assertThat(sys.json(badDays).at("/fields/days").asText()).contains("between 1 and 366");
    assertThat(sys.json(sys.get("/api/dashboard/forecast-accuracy?from=not-a-date", SUPERVISOR)).at("/fields/from").asText())
        .contains("date");
    assertThat(sys.json(sys.get("/api/dashboard/forecast-accuracy?from=2026-01-01&days=30", SUPERVISOR)).get("stays").asLong())
        .as("no finished stays to learn from yet").isZero();

    // an analyst checks a model before proposing it: a shipped one passes, one without its checkpoint is refused at the element
    String model;
    try (var in = getClass().getResourceAsStream("/bpmn/provisional-loss-report.bpmn")) {
      model = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JsonNode passes = sys.json(sys.post("/api/models/check", "analyst:analyst-demo", model, "application/xml"));
    assertThat(passes.get("deployable").asBoolean()).as(passes.toString()).isTrue();
    String noCheckpoint = model.replace("type=\"case.checkpoint\"", "type=\"case.nothing\"");
    JsonNode refused = sys.json(sys.post("/api/models/check", "analyst:analyst-demo", noCheckpoint, "application/xml"));
    assertThat(refused.get("deployable").asBoolean()).isFalse();
    assertThat(refused.findValuesAsText("elementId")).contains("wait-loss-resolution");
    assertThat(refused.findValuesAsText("rule")).contains("checkpoint", "job-type");
    assertThat(sys.post("/api/models/check", CLERK, model, "application/xml").statusCode()).isEqualTo(403);
    assertThat(sys.post("/api/models/check", "analyst:analyst-demo", "", "application/xml").statusCode()).isEqualTo(400);

    // repeated wrong passwords: a member of staff is locked for a while (here 20 s), and an administrator may unlock sooner
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> wrong = sys.get("/api/tasks", "clerk2:wrong-" + i);
      if (wrong.statusCode() == 429) { // the growing wait between tries: honour it, as a person would
        Thread.sleep(1_000 * Long.parseLong(wrong.headers().firstValue("Retry-After").orElseThrow()) + 100);
        wrong = sys.get("/api/tasks", "clerk2:wrong-" + i);
      }
      assertThat(wrong.statusCode()).isEqualTo(401);
    }
    HttpResponse<String> locked = sys.get("/api/tasks", "clerk2:clerk2-demo");
    assertThat(locked.statusCode()).as("the right password does not open a locked account").isEqualTo(429);
    assertThat(Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow())).isBetween(10L, 20L);
    assertThat(sys.post("/api/admin/accounts/clerk2/unlock", "admin:admin-demo", "{\"reason\":\"\"}").statusCode()).isEqualTo(400);
    assertThat(sys.post("/api/admin/accounts/clerk2/unlock", CLERK, "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
    HttpResponse<String> unlock = sys.post("/api/admin/accounts/clerk2/unlock", "admin:admin-demo",
        "{\"reason\":\"called the service desk, identity checked\"}");
    assertThat(sys.json(unlock).get("unlocked").asBoolean()).isTrue();
    assertThat(sys.get("/api/tasks", "clerk2:clerk2-demo").statusCode()).isEqualTo(200);
    List<String> accountTrail = new ArrayList<>();
    sys.json(sys.get("/api/audit/accounts/clerk2", SUPERVISOR)).forEach(e -> accountTrail.add(e.get("action").asText()));
    assertThat(accountTrail).containsExactly("ACCOUNT_LOCKED", "ACCOUNT_UNLOCKED");

    // a channel system's name is treated the same way: told to wait, and served again after it by itself
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> wrong = sys.get("/api/reference", "wechat:wrong");
      if (wrong.statusCode() == 429) {
        Thread.sleep(1_000 * Long.parseLong(wrong.headers().firstValue("Retry-After").orElseThrow()) + 100);
        wrong = sys.get("/api/reference", "wechat:wrong");
      }
      assertThat(wrong.statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = sys.get("/api/reference", "wechat:wechat-demo");
    assertThat(throttled.statusCode()).isEqualTo(429);
    Thread.sleep(1_000 * Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow()) + 200);
    assertThat(sys.get("/api/reference", "wechat:wechat-demo").statusCode()).as("the lock ended by itself").isEqualTo(200);
    assertThat(sys.json(sys.get("/api/audit/accounts/wechat", SUPERVISOR)).get(0).get("action").asText()).isEqualTo("SIGN_IN_THROTTLED");
  }

  /** Sends the same request {@code n} times, released together by a barrier; the answers in order. */
  static List<HttpResponse<String>> atOnce(int n, Callable<HttpResponse<String>> request) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> {
          barrier.await(30, TimeUnit.SECONDS);
          return request.call();
        }));
      }
      List<HttpResponse<String>> out = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Nothing twice: a retrying channel sends one application four times at the same
   * moment. With an Idempotency-Key it is processed once and every answer is the first one (or 409
   * while that one is still being processed); without a key the rule "one open application per
   * person" holds in PostgreSQL: one 201, three 409 with the open case's number. Either way one case
   * and one card. Another channel is told there is an open application, not its number.
   */
  @Test
  @Order(2)
  void fourIdenticalApplicationsAtTheSameMomentMakeOneCase() throws Exception {
    String keyed = id("11010519660808001");
    String body = application("令狐冲", keyed, "MALE");
    List<HttpResponse<String>> answers = atOnce(4, () -> sys.post("/api/applications", PORTAL, body, "Idempotency-Key",
        "portal-retry-7f3c2a"));
    List<HttpResponse<String>> processed = answers.stream().filter(r -> r.statusCode() == 201
        && r.headers().firstValue("Idempotent-Replayed").isEmpty()).toList();
    assertThat(processed).as("processed once: %s", answers.stream().map(HttpResponse::statusCode).toList()).hasSize(1);
    HttpResponse<String> first = processed.get(0);
    String cn = sys.json(first).get("caseNumber").asText();
    for (HttpResponse<String> r : answers) {
      if (r != first) {
        assertThat(r.statusCode()).as(r.body()).isIn(201, 409);
        if (r.statusCode() == 201) {
          assertThat(r.body()).isEqualTo(first.body());
        } else {
          assertThat(r.body()).contains("a request with this Idempotency-Key is still being processed");
        }
      }
    }
    HttpResponse<String> retried = sys.post("/api/applications", PORTAL, body, "Idempotency-Key", "portal-retry-7f3c2a");
    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(retried.body()).as("the first answer again").isEqualTo(first.body());
    assertThat(retried.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location")).hasValue("/api/cases/" + cn);
    assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    HttpResponse<String> otherBody = sys.post("/api/applications", PORTAL, body.replace("13812345678", "13812345679"),
        "Idempotency-Key", "portal-retry-7f3c2a");
    assertThat(otherBody.statusCode()).isEqualTo(422);
    assertThat(sys.json(otherBody).get("error").asText()).contains("was used for another request");
    assertThat(sys.post("/api/applications", PORTAL, body, "Idempotency-Key", "x".repeat(256)).statusCode()).as("too long a key")
        .isEqualTo(400);
    assertThat(sys.count("select count(*) from card_case where id_bidx = ?", sys.blindIndex(keyed))).as("one case").isEqualTo(1);
    assertThat(sys.count("select count(*) from card where holder_bidx = ?", sys.blindIndex(keyed))).as("one card").isEqualTo(1);

    // without a key
    String plain = id("11010519660808003");
    String plainBody = application("任盈盈", plain, "MALE");
    List<HttpResponse<String>> unkeyed = atOnce(4, () -> sys.post("/api/applications", PORTAL, plainBody));
    assertThat(unkeyed).as(unkeyed.stream().map(HttpResponse::body).toList().toString())
        .filteredOn(r -> r.statusCode() == 201).hasSize(1);
    String open = created(unkeyed.stream().filter(r -> r.statusCode() == 201).findFirst().orElseThrow());
    assertThat(unkeyed).filteredOn(r -> r.statusCode() == 409).hasSize(3).allSatisfy(r -> {
      assertThat(sys.json(r).get("openCaseNumber").asText()).isEqualTo(open);
      assertThat(sys.json(r).get("error").asText()).isEqualTo("this person already has an open card application: " + open);
    });
    assertThat(sys.count("select count(*) from card_case where id_bidx = ?", sys.blindIndex(plain))).as("one case").isEqualTo(1);
    assertThat(sys.count("select count(*) from card where holder_bidx = ?", sys.blindIndex(plain))).as("one card").isEqualTo(1);

    // the same person through another channel: refused, and the other channel's case number is not said
    HttpResponse<String> alipay = sys.post("/api/applications", ALIPAY,
        plainBody.replace("\"channel\":\"web-portal\"", "\"channel\":\"alipay\""));
    assertThat(alipay.statusCode()).as(alipay.body()).isEqualTo(409);
    assertThat(sys.json(alipay).get("openCaseNumber").isNull()).isTrue();
    assertThat(alipay.body()).doesNotContain(open).contains("already has an open card application");
  }
}
