package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * External mode, tested rather than described: the packaged application against a PostgreSQL
 * server of its own (Debian's, installed by .ci/run), an Elasticsearch node started apart from it
 * and the engine reached over its gRPC address in another process. Nothing embedded starts; a case
 * runs end to end, and survives a restart of the application while the engine keeps its state.
 */
@EnabledIf("org.cardcase.ExternalServers#postgresInstalled")
class ExternalModeIT {

  @Test
  void theApplicationRunsOnServersStartedApartFromIt() throws Exception {
    Path work = Path.of(System.getProperty("cardcase.it.work", "target/it")).resolve("external-" + System.currentTimeMillis());
    try (ExternalServers ext = new ExternalServers(work.resolve("servers"));
        RunningSystem sys = new RunningSystem("external-app")) {
      ext.startElasticsearch();
      ext.startPostgres();
      ext.startEngine();
      ext.awaitElasticsearch();
      ext.applicationArguments().forEach(sys::with);
      sys.with("--cardcase.simulators.bank.produce-after=1s");
      // a task job the stopped application had not stored comes back to the restarted one in seconds
      sys.with("--cardcase.tasks.activation-timeout=5s");
      sys.start();

      JsonNode health = sys.json(sys.get("/actuator/health", null));
      for (String component : new String[] {"db", "engine", "search"}) {
        assertThat(health.at("/components/" + component + "/status").asText()).as(component).isEqualTo("UP");
      }
      assertThat(health.at("/components/engine/details/mode").asText()).isEqualTo("external");
      // nothing embedded was started in the application's data directory
      for (String embedded : new String[] {"postgres", "elasticsearch", "engine"}) {
        assertThat(Files.exists(sys.dataDir.resolve(embedded))).as(embedded + " started by the application").isFalse();
      }

      String cn = created(sys.post("/api/applications", PORTAL, application("郭靖", id("11010519800303123"), "MALE")));
      await("waits for the clerk", () -> step(sys, cn).equals("compare-photos"));

      // the application restarts; the engine, a server of its own, keeps the case
      sys.close();
      sys.start();
      assertThat(step(sys, cn)).isEqualTo("compare-photos");
      try (var c = ext.db(); var st = c.prepareStatement("select resumed_count from process_link where case_number = ?")) {
        st.setString(1, cn);
        var rs = st.executeQuery();
        rs.next();
        assertThat(rs.getInt(1)).as("an external engine keeps its instances: nothing to resume").isZero();
      }

      comparePhotos(sys, cn, "{\"photoDecision\":\"APPROVE\"}");
      awaitLong(() -> status(sys, cn).equals("CARD_READY"));
      String activated = "{\"callbackId\":\"ext-" + cn + "\",\"caseNumber\":\"" + cn + "\",\"branch\":\"ICBC Xicheng\"}";
      assertThat(sys.post("/api/callbacks/card-activated", PARTNER, activated).statusCode()).isEqualTo(200);
      awaitLong(() -> status(sys, cn).equals("ACTIVE"));
      // the read model is fed from the external PostgreSQL into the external Elasticsearch
      await("found by search", () -> sys.get("/api/cases?q=" + cn, CLERK).body().contains(cn));
    }
  }

  static void awaitLong(Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(300);
    }
  }
}
