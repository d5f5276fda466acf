package org.cardcase.search;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository.StepVisit;
import org.cardcase.cases.CaseStatus;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.TestPorts;
import org.cardcase.infra.search.ElasticsearchUsers;
import org.cardcase.infra.search.EmbeddedElasticsearch;
import org.cardcase.tasks.TaskStore.TaskHistory;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;

/**
 * One real Elasticsearch node for the read-model tests of this module (the index, the supervisors'
 * figures, the breach forecast), started once per test JVM and stopped with it: a node takes about
 * 20 s to start. Tests keep apart by index prefixes of their own. Also the documents of a known
 * history, built as the indexer builds them.
 */
public final class TestReadModel {
  public static final SearchTokens TOKENS = new SearchTokens(Base64.getEncoder().encodeToString(new byte[32]), "", "");
  private static EmbeddedElasticsearch node;
  private static RestClient rest;

  private TestReadModel() {}

  /**
   * A client signed in as the superuser: the tests' indices are not the application's cardcase-*
   * (the application's own user and its role: ElasticsearchSecurityTest).
   */
  public static synchronized RestClient rest() {
    if (rest == null) {
      InfraProperties props = new InfraProperties();
      props.setDataDir(Path.of("target", "read-model-test-" + System.nanoTime()));
      props.getSearch().setPort(TestPorts.free());
      props.getSearch().setDistribution(Path.of(System.getProperty("cardcase.elasticsearch.distribution")));
      node = new EmbeddedElasticsearch(props);
      long deadline = System.nanoTime() + 180_000_000_000L;
      while (!node.started()) {
        assertThat(System.nanoTime()).as("Elasticsearch started").isLessThan(deadline);
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      rest = RestClient.builder(HttpHost.create(node.url())).setDefaultHeaders(new Header[] {
          new BasicHeader("Authorization", node.users().basic(ElasticsearchUsers.SUPERUSER))}).build();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          rest.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
        node.close();
      }));
    }
    return rest;
  }

  /** The three indices (cases, tasks, stays) under a prefix of the test's own, created. */
  public static CaseIndex index(String prefix) {
    ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    CaseIndex index = new CaseIndex(TOKENS, new ElasticsearchClient(new RestClientTransport(rest(), new JacksonJsonpMapper(mapper))), prefix);
    index.createIfMissing();
    return index;
  }

  public static IndexQueries queries(CaseIndex index) {
    return new IndexQueries(rest(), index);
  }

  /** Makes what was indexed visible to searches. */
  public static void refresh(String indexName) {
    try {
      rest().performRequest(new Request("POST", "/" + indexName + "/_refresh"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CaseDocument caseDocument(CaseRecord c) {
    return CaseDocument.of(c, List.of(), WorkingDayCalendar.official(), TOKENS);
  }

  public static TaskDocument task(TaskHistory t, CaseRecord c) {
    return TaskDocument.of(t, c);
  }

  public static StepVisitDocument visit(StepVisit v, int seq, CaseRecord c, WorkingDayCalendar calendar, Instant dueAt) {
    return StepVisitDocument.of(v, seq, c, calendar, dueAt);
  }

  public static CaseRecord caseOf(String cn, String type, Instant created, Instant closed) {
    return new CaseRecord(cn, type, closed == null ? CaseStatus.IN_PROGRESS : CaseStatus.COMPLETED, "step", "web-portal",
        "段誉", "110105199004041002", "MALE", "13812345678", "ICBC", created, closed == null ? created : closed, closed);
  }

  public static CaseRecord withBank(CaseRecord c, String bank) {
    return new CaseRecord(c.caseNumber(), c.caseType(), c.status(), c.currentStep(), c.channel(), c.applicantName(), c.idNumber(),
        c.sex(), c.phone(), bank, c.createdAt(), c.updatedAt(), c.closedAt());
  }

  public static Instant china(int y, int m, int d, int h, int min) {
    return LocalDateTime.of(y, m, d, h, min).atZone(WorkingDayCalendar.ZONE).toInstant();
  }
}
