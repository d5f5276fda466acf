package org.cardcase.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cardcase.FlowTestApplication;
import org.cardcase.infra.TestPorts;
import org.cardcase.infra.search.EmbeddedElasticsearch;
import org.cardcase.shared.FieldErrors;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An indexer that one bad document cannot stop, against a real Elasticsearch
 * node (the official distribution, as the application embeds it) and a real PostgreSQL: the indexer
 * reads Elasticsearch's answer per document, sets aside a case whose document it refuses (a value
 * too long for a keyword field: 400) and indexes the rest of the batch; the outbox keeps only what
 * waits; a write block (429) keeps the cases queued, with backoff, without setting them aside.
 */
@SpringBootTest(classes = FlowTestApplication.class, properties = {
    "cardcase.search.mode=embedded", "cardcase.search.outbox-interval=1h", "cardcase.search.retry-backoff.max=2s",
    "cardcase.simulators.registry.delay=20ms", "cardcase.demo-accounts=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its Elasticsearch node stops with it, not at the JVM's exit
class SearchDeadLettersTest {
  static final AtomicInteger NEXT = new AtomicInteger();

  @DynamicPropertySource
  static void ports(DynamicPropertyRegistry r) {
    r.add("cardcase.data-dir", () -> Path.of("target", "dead-letter-test-" + System.nanoTime()).toString());
    r.add("cardcase.postgres.port", TestPorts::free);
    r.add("cardcase.engine.port", TestPorts::free);
    r.add("cardcase.search.port", TestPorts::free);
    r.add("cardcase.search.distribution", () -> System.getProperty("cardcase.elasticsearch.distribution"));
  }

  @Autowired SearchOutbox outbox;
  @Autowired SearchDeadLetters deadLetters;
  @Autowired CaseIndex index;
  @Autowired EmbeddedElasticsearch node;
  @Autowired RestClient rest;
  @Autowired JdbcClient jdbc;

  @BeforeEach
  void elasticsearchUp() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!node.started()) {
      assertThat(System.nanoTime()).as("Elasticsearch started").isLessThan(deadline);
      Thread.sleep(300);
    }
    while (System.nanoTime() < deadline) {
      try {
        outbox.drain(); // creates the indices (and drains whatever the application queued)
        return;
      } catch (RuntimeException notYet) {
        Thread.sleep(300);
      }
    }
  }

  @Test
  void aBatchWithADocumentElasticsearchRefusesIndexesTheOthersAndSetsTheBadOneAsideUntilItIsFixedAndRetried() throws Exception {
    List<String> good = List.of(newCase("ICBC"), newCase("ABC"), newCase("CCB"), newCase("BOC"));
    // a value longer than a keyword field can hold (32 766 bytes): Elasticsearch refuses the document
    String bad = newCase("X".repeat(40_000));
    // a case changed twice is queued twice
    queue(good.get(0));
    assertThat(outbox.waiting()).as("the outbox was empty before").isEqualTo(6);

    int indexed = outbox.drain(); // one bulk request for all five cases
    assertThat(indexed).isEqualTo(4);
    refresh();
    for (String cn : good) {
      assertThat(index.search(cn, 5)).extracting(CaseHit::caseNumber).as("indexed despite its bad neighbour").contains(cn);
    }
    assertThat(index.search(bad, 5)).extracting(CaseHit::caseNumber).doesNotContain(bad);
    // nothing waits: the handled rows are gone, the bad case is set aside with the reason
    assertThat(outbox.waiting()).isZero();
    assertThat(jdbc.sql("select count(*) from search_outbox").query(Long.class).single()).isZero();
    long setAsideBefore = deadLetters.waiting() - 1;
    List<SearchDeadLetters.DeadLetter> waiting = deadLetters.list(true, 100).stream()
        .filter(x -> good.contains(x.caseNumber()) || x.caseNumber().equals(bad)).toList();
    assertThat(waiting).hasSize(1);
    SearchDeadLetters.DeadLetter d = waiting.getFirst();
    assertThat(d.caseNumber()).isEqualTo(bad);
    assertThat(d.documentIndex()).isEqualTo(index.name());
    assertThat(d.documentId()).isEqualTo(bad);
    assertThat(d.httpStatus()).isEqualTo(400);
    assertThat(d.errorType()).isEqualTo("document_parsing_exception");
    assertThat(d.reason()).contains("failed to parse field [issuingBank] of type [keyword]");
    assertThat(d.state()).isEqualTo(SearchDeadLetters.REFUSED);
    assertThat(d.lastRefusedAt()).isNotNull();
    System.out.println("dead letter: " + d.httpStatus() + " " + d.reason().substring(0, Math.min(200, d.reason().length())));

    // later changes keep flowing: the refused case blocks nothing
    String later = newCase("ICBC");
    assertThat(outbox.drain()).isEqualTo(1);
    assertThat(outbox.waiting()).isZero();

    // retried without a fix: refused again, set aside again as a new dead letter
    SearchDeadLetters.DeadLetter retried = deadLetters.retry(d.id(), "admin");
    assertThat(retried.state()).isEqualTo(SearchDeadLetters.RETRIED);
    assertThat(retried.resolvedBy()).isEqualTo("admin");
    assertThat(outbox.waiting()).as("back in the outbox").isEqualTo(1);
    assertThat(outbox.drain()).isZero();
    assertThat(outbox.waiting()).isZero();
    SearchDeadLetters.DeadLetter again = letterOf(bad);
    assertThat(again.id()).isNotEqualTo(d.id());
    assertThat(again.caseNumber()).isEqualTo(bad);

    // fixed in the system of record, then retried: indexed, and nothing is set aside any more
    jdbc.sql("update card_case set issuing_bank = 'ICBC' where case_number = ?").param(bad).update();
    deadLetters.retry(again.id(), "admin");
    assertThat(outbox.drain()).isEqualTo(1);
    refresh();
    assertThat(index.search(bad, 5)).extracting(CaseHit::caseNumber).contains(bad);
    assertThat(deadLetters.list(true, 100)).extracting(SearchDeadLetters.DeadLetter::caseNumber).doesNotContain(bad);
    assertThat(deadLetters.waiting()).isEqualTo(setAsideBefore);
    assertThat(outbox.waiting()).isZero();
    assertThat(jdbc.sql("select count(*) from search_outbox").query(Long.class).single()).isZero();
    assertThat(actions(bad)).containsExactly("admin SEARCH_DOCUMENT_RETRIED", "admin SEARCH_DOCUMENT_RETRIED");
    assertThatThrownBy(() -> deadLetters.retry(again.id(), "admin")).isInstanceOf(SearchDeadLetters.AlreadyHandled.class);
    assertThat(later).isNotNull();
  }

  @Test
  void aSkippedCaseNeedsAReasonIsAuditedAndAChangeThatIndexesClosesAnOpenOne() throws Exception {
    String skipped = newCase("Y".repeat(40_000));
    String healed = newCase("Z".repeat(40_000));
    outbox.drain();
    SearchDeadLetters.DeadLetter s = letterOf(skipped);
    assertThatThrownBy(() -> deadLetters.skip(s.id(), "admin", " ")).isInstanceOf(FieldErrors.class);
    assertThat(deadLetters.skip(s.id(), "admin", "test data, never searched").state()).isEqualTo(SearchDeadLetters.SKIPPED);
    assertThat(actions(skipped)).containsExactly("admin SEARCH_DOCUMENT_SKIPPED");
    assertThat(jdbc.sql("select detail->>'reason' from audit_entry where subject = ?").param("case:" + skipped)
        .query(String.class).single()).isEqualTo("test data, never searched");
    assertThatThrownBy(() -> deadLetters.retry(s.id(), "admin")).isInstanceOf(SearchDeadLetters.AlreadyHandled.class);

    // the other case is corrected by a change of its own (which queues it): indexed, its dead letter closes
    SearchDeadLetters.DeadLetter h = letterOf(healed);
    jdbc.sql("update card_case set issuing_bank = 'ABC' where case_number = ?").param(healed).update();
    queue(healed);
    assertThat(outbox.drain()).isEqualTo(1);
    assertThat(deadLetters.list(false, 100)).filteredOn(x -> x.id() == h.id()).extracting(SearchDeadLetters.DeadLetter::state)
        .containsExactly(SearchDeadLetters.INDEXED);
    assertThat(deadLetters.list(true, 100)).extracting(SearchDeadLetters.DeadLetter::caseNumber).doesNotContain(skipped, healed);
  }

  @Test
  void documentsElasticsearchCannotTakeNowStayQueuedAndAreTriedAgainWithBackoffNeverSetAside() throws Exception {
    // the disk's flood stage, as Elasticsearch blocks an index then: every write is answered 429
    block(true);
    String cn;
    try {
      cn = newCase("ICBC");
      outbox.drainQuietly();
      assertThat(outbox.paused()).isTrue();
      assertThat(outbox.waiting()).as("still queued").isEqualTo(1);
      assertThat(deadLetters.list(true, 50)).extracting(SearchDeadLetters.DeadLetter::caseNumber).doesNotContain(cn);
      assertThat(outbox.lastProblem()).contains("429");
      assertThat(outbox.nextAttemptAt()).as("backing off").isNotNull();
      // during the backoff a round does not even ask Elasticsearch
      outbox.drainQuietly();
      assertThat(outbox.waiting()).isEqualTo(1);
    } finally {
      block(false);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (outbox.waiting() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      outbox.drainQuietly();
    }
    assertThat(outbox.waiting()).isZero();
    assertThat(outbox.paused()).isFalse();
    assertThat(outbox.nextAttemptAt()).isNull();
    refresh();
    assertThat(index.search(cn, 5)).extracting(CaseHit::caseNumber).contains(cn);
    assertThat(deadLetters.list(false, 100)).extracting(SearchDeadLetters.DeadLetter::caseNumber).doesNotContain(cn);
  }

  @Test
  void theFullRebuildStillFillsTheIndexFromPostgreSql() throws Exception {
    String cn = newCase("ICBC");
    outbox.drain();
    int queued = outbox.rebuild();
    assertThat(queued).isGreaterThanOrEqualTo(1);
    assertThat(outbox.waiting()).isZero();
    refresh();
    assertThat(index.search(cn, 5)).extracting(CaseHit::caseNumber).contains(cn);
  }

  private SearchDeadLetters.DeadLetter letterOf(String cn) {
    return deadLetters.list(true, 100).stream().filter(x -> x.caseNumber().equals(cn)).findFirst().orElseThrow();
  }

  /** A case row as the cases package writes it, queued as its change would queue it. */
  private String newCase(String bank) {
    int n = NEXT.incrementAndGet();
    String cn = "SD" + System.currentTimeMillis() % 1_000_000_000L + String.format("%03d", n);
    jdbc.sql("""
        insert into card_case (case_number, case_type, status, current_step, channel, applicant_name, id_number, sex, phone, issuing_bank)
        values (?, 'CARD_APPLICATION', 'IN_PROGRESS', 'compare-photos', 'web-portal', '王测试', ?, 'MALE', '13800000000', ?)""")
        .params(cn, "11010519800101" + String.format("%03d", n) + "X", bank).update();
    queue(cn);
    return cn;
  }

  private void queue(String cn) {
    jdbc.sql("insert into search_outbox (case_number) values (?)").param(cn).update();
  }

  private List<String> actions(String cn) {
    return jdbc.sql("select actor || ' ' || action from audit_entry where subject = ? order by seq").param("case:" + cn)
        .query(String.class).list();
  }

  private void refresh() throws Exception {
    rest.performRequest(new Request("POST", "/_refresh"));
  }

  private void block(boolean on) throws Exception {
    Request r = new Request("PUT", "/" + index.name() + "/_settings");
    r.setJsonEntity("{\"index.blocks.read_only_allow_delete\": " + (on ? "true" : "null") + "}");
    rest.performRequest(r);
  }
}
