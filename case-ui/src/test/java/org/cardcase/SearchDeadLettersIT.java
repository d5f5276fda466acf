package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import org.cardcase.infra.search.ElasticsearchUsers;
import org.junit.jupiter.api.Test;

/**
 * The packaged application with its embedded Elasticsearch: a case whose document the index
 * refuses is set aside and shown to administrators at /api/admin/search/dead-letters while every
 * other change goes on being indexed; nothing is counted as waiting that does not wait, handled
 * outbox rows are gone; after the data is fixed a retry indexes it; the full rebuild still works.
 */
class SearchDeadLettersIT {

  @Test
  void aRefusedDocumentIsSetAsideShownToAdministratorsAndRetriedOnceFixed() throws Exception {
    try (RunningSystem sys = new RunningSystem("search-dead-letters")) {
      sys.start();
      String good = created(sys.post("/api/applications", PORTAL, application("王一", id("11010519800101231"), "MALE")));
      String bad = created(sys.post("/api/applications", PORTAL, application("王二", id("11010519800102233"), "MALE")));
      await("both indexed", () -> found(sys, good) && found(sys, bad));

      // Elasticsearch runs with security on. Without credentials (curl 127.0.0.1:<port>/_search) it answers
      // 401; the application's own user (its password generated under data/keys, owner-only) reads its indices
      HttpClient es = HttpClient.newHttpClient();
      URI all = URI.create("http://127.0.0.1:" + sys.esPort + "/_search");
      HttpResponse<String> anonymous = es.send(HttpRequest.newBuilder(all).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body()).doesNotContain(good);
      HttpResponse<String> asApplication = es.send(HttpRequest.newBuilder(all)
          .header("Authorization", sys.esAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(asApplication.statusCode()).isEqualTo(200);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
          ElasticsearchUsers.file(sys.dataDir)))).isEqualTo("rw-------");
      assertThat(sys.json(sys.get("/actuator/health", null)).at("/components/search/status").asText()).isEqualTo("UP");

      // the bad case's data becomes something the index's mapping cannot hold (a keyword of 40 000 bytes)
      sql(sys, "update card_case set issuing_bank = repeat('X', 40000) where case_number = ?", bad);
      sql(sys, "insert into search_outbox (case_number) values (?)", bad);
      await("set aside", () -> deadLetterOf(sys, bad) != null);
      JsonNode d = deadLetterOf(sys, bad);
      assertThat(d.get("httpStatus").asInt()).isEqualTo(400);
      assertThat(d.get("documentId").asText()).isEqualTo(bad);
      assertThat(d.get("reason").asText()).contains("failed to parse field [issuingBank]").doesNotContain("XXXX");
      assertThat(d.get("lastRefusedAt").asText()).isNotBlank();

      // it blocks nothing: a later application is indexed; nothing waits, no outbox row is left
      String later = created(sys.post("/api/applications", PORTAL, application("王三", id("11010519800103235"), "MALE")));
      await("a later case indexed", () -> found(sys, later));
      await("nothing waits", () -> sys.json(sys.get("/api/admin/search", ADMIN)).get("waiting").asLong() == 0);
      await("the outbox is empty", () -> sys.count("select count(*) from search_outbox") == 0);
      assertThat(sys.json(sys.get("/api/admin/search", ADMIN)).get("deadLetters").asLong()).isEqualTo(1);

      // administrators only; a skip needs a reason; unknown ids are 404
      assertThat(sys.get("/api/admin/search/dead-letters", CLERK).statusCode()).isEqualTo(403);
      assertThat(sys.get("/api/admin/search/dead-letters", SUPERVISOR).statusCode()).isEqualTo(403);
      long id = d.get("id").asLong();
      assertThat(sys.post("/api/admin/search/dead-letters/" + id + "/skip", ADMIN, "{\"reason\":\" \"}").statusCode()).isEqualTo(400);
      assertThat(sys.post("/api/admin/search/dead-letters/999999/retry", ADMIN, "{}").statusCode()).isEqualTo(404);

      // fixed, then retried: back into the outbox, indexed, nothing set aside any more
      sql(sys, "update card_case set issuing_bank = 'ICBC' where case_number = ?", bad);
      HttpResponse<String> retried = sys.post("/api/admin/search/dead-letters/" + id + "/retry", ADMIN, "{}");
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
      assertThat(sys.json(retried).get("state").asText()).isEqualTo("RETRIED");
      assertThat(sys.post("/api/admin/search/dead-letters/" + id + "/retry", ADMIN, "{}").statusCode()).isEqualTo(409);
      await("the fixed case indexed", () -> sys.count("select count(*) from search_outbox") == 0
          && sys.json(sys.get("/api/admin/search/dead-letters", ADMIN)).isEmpty());
      assertThat(sys.json(sys.get("/api/admin/search", ADMIN)).get("waiting").asLong()).isZero();
      assertThat(sys.count("select count(*) from audit_entry where subject = ? and action = 'SEARCH_DOCUMENT_RETRIED'",
          "case:" + bad)).isEqualTo(1);

      // the full rebuild still works
      HttpResponse<String> rebuilt = sys.post("/api/admin/search/rebuild", ADMIN, "{}");
      assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
      assertThat(sys.json(rebuilt).get("reindexedCases").asInt()).isGreaterThanOrEqualTo(3);
      await("all found after the rebuild", () -> found(sys, good) && found(sys, bad) && found(sys, later));
      assertThat(sys.json(sys.get("/api/admin/search", ADMIN)).get("waiting").asLong()).isZero();

      // every search is accounted for: who searched, for what (masked), how many found
      String idNumber = id("11010519800102233");
      assertThat(sys.json(sys.get("/api/cases?q=" + idNumber, SUPERVISOR)).size()).isEqualTo(1);
      JsonNode searches = sys.json(sys.get("/api/audit/searches/supervisor", ADMIN));
      JsonNode last = searches.get(searches.size() - 1);
      assertThat(last.get("action").asText()).isEqualTo("CASES_SEARCHED");
      assertThat(last.get("channel").asText()).isEqualTo("api");
      assertThat(last.get("detail").get("query").asText()).isEqualTo(idNumber.substring(0, 6) + "********" + idNumber.substring(14));
      assertThat(last.get("detail").get("hits").asInt()).isEqualTo(1);
      assertThat(sys.count("select count(*) from audit_entry where detail::text like ?", "%" + idNumber + "%"))
          .as("the ID number searched for is nowhere in the trail").isZero();
    }
  }

  private static boolean found(RunningSystem sys, String cn) throws Exception {
    JsonNode hits = sys.json(sys.get("/api/cases?q=" + cn, SUPERVISOR));
    for (JsonNode h : hits) {
      if (h.get("caseNumber").asText().equals(cn)) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode deadLetterOf(RunningSystem sys, String cn) throws Exception {
    for (JsonNode d : sys.json(sys.get("/api/admin/search/dead-letters", ADMIN))) {
      if (d.get("caseNumber").asText().equals(cn)) {
        return d;
      }
    }
    return null;
  }

  private static void sql(RunningSystem sys, String sql, String param) throws Exception {
    try (Connection c = sys.db(); var st = c.prepareStatement(sql)) {
      st.setString(1, param);
      st.executeUpdate();
    }
  }
}
