package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The engine breaks under load the way the test engine used to (its stream processor dies on a
 * failed log read). Health says so at once, the API keeps accepting applications (stored, started
 * when the engine can take them), the application replaces the engine in-process and resumes every
 * open case, and every case reaches the branch once: one card, one production order each.
 */
class EngineFaultIT {
  static final int APPLICATIONS = 30;

  @Test
  void aFailedEngineIsReportedReplacedAndEveryCaseFinishesOnce() throws Exception {
    try (RunningSystem sys = new RunningSystem("engine-fault").with("--cardcase.engine.fault-injection=true")
        .with("--cardcase.simulators.bank.produce-after=1s")) {
      sys.start();
      assertThat(engineState(sys)).isEqualTo("UP");
      assertThat(sys.post("/api/admin/engine/fault", SUPERVISOR, "{}").statusCode()).as("only admins break things").isEqualTo(403);

      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<String> cases = Collections.synchronizedList(new ArrayList<>());
      AtomicLong slowest = new AtomicLong();
      AtomicBoolean faultInjected = new AtomicBoolean();
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < APPLICATIONS; i++) {
        int n = i;
        sent.add(clients.submit(() -> {
          String idNumber = id("110105" + LocalDate.of(1980, 1, 1).plusDays(n).format(DateTimeFormatter.BASIC_ISO_DATE) + "999");
          long t0 = System.nanoTime();
          HttpResponse<String> r = sys.post("/api/applications", PORTAL, application("王测" + (char) ('甲' + n), idNumber, "MALE"));
          long ms = (System.nanoTime() - t0) / 1_000_000;
          if (faultInjected.get()) {
            slowest.accumulateAndGet(ms, Math::max);
          }
          cases.add(created(r));
          return null;
        }));
        if (i == APPLICATIONS / 3) {
          for (Future<?> f : sent) {
            f.get();
          }
          // break it while the first third is on its way through verification and production
          assertThat(sys.post("/api/admin/engine/fault", ADMIN, "{}").statusCode()).isEqualTo(200);
          faultInjected.set(true);
          long t0 = System.nanoTime();
          await("health shows the engine not working", () -> !engineState(sys).equals("UP"));
          assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("time until health shows it").isLessThan(Duration.ofSeconds(10));
          assertThat(sys.get("/actuator/health/readiness", null).statusCode()).as("not ready while healing")
              .isIn(200, 503);
        }
      }
      for (Future<?> f : sent) {
        f.get();
      }
      clients.shutdown();
      assertThat(slowest.get()).as("slowest answer while the engine was away (ms)").isLessThan(5_000);

      await("the engine is back", () -> engineState(sys).equals("UP"));
      JsonNode engine = sys.json(sys.get("/api/engine", SUPERVISOR));
      assertThat(engine.at("/status/heals").asLong()).isEqualTo(1);
      assertThat(engine.at("/generations/0/reason").asText()).isEqualTo("HEAL");
      assertThat(engine.at("/generations/0/failure").asText()).contains("stream processor failed");

      // every case reaches the branch, each exactly once
      for (String cn : cases) {
        awaitLong("case " + cn + " at the branch", () -> step(sys, cn).equals("wait-card-activated"));
      }
      for (String cn : cases) {
        assertThat(sys.count("select count(*) from card where case_number = ?", cn)).as("cards of " + cn).isEqualTo(1);
        assertThat(sys.count("select count(*) from card_transition t join card c on c.card_id = t.card_id "
            + "where c.case_number = ? and t.to_state = 'PRODUCED'", cn)).as("production of " + cn).isEqualTo(1);
        assertThat(sys.count("select count(*) from process_link where case_number = ? and engine_generation = 2", cn))
            .as("instance of " + cn + " in the new engine").isEqualTo(1);
      }
      // and finishes once when the branch confirms activation
      for (String cn : cases) {
        String activated = "{\"callbackId\":\"act-" + cn + "\",\"caseNumber\":\"" + cn + "\",\"branch\":\"ICBC Xicheng\"}";
        assertThat(sys.post("/api/callbacks/card-activated", PARTNER, activated).statusCode()).isEqualTo(200);
      }
      for (String cn : cases) {
        awaitLong("case " + cn + " active", () -> status(sys, cn).equals("ACTIVE"));
      }
      awaitLong("every instance ended", () -> sys.count("select count(*) from process_link where ended_at is null") == 0);
      assertThat(sys.count("select count(*) from card where state = 'ACTIVE'")).isEqualTo(APPLICATIONS);
      for (String cn : cases.subList(0, 3)) {
        assertThat(sys.json(sys.get("/api/audit/cases/" + cn + "/verify", SUPERVISOR)).get("intact").asBoolean()).isTrue();
      }
      assertThat(sys.logText()).contains("ENGINE FAILED").contains("engine healed");
    }
  }

  static String engineState(RunningSystem sys) throws Exception {
    return sys.json(sys.get("/actuator/health", null)).at("/components/engine/details/state").asText();
  }

  /** Like await, with room for the whole batch to pass verification and production. */
  static void awaitLong(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
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
}
