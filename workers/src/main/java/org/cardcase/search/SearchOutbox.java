package org.cardcase.search;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.deadlines.CaseDeadlines;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.tasks.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Feeds the search index from PostgreSQL. Each case change queues a row (in the change's own
 * transaction); this indexes the case's current row and deletes the queue entries it handled, in
 * one transaction with what it set aside: the outbox holds only what waits. Elasticsearch's answer
 * is read per document: a case with a document it refuses for what it is (a 4xx other than 429) is
 * set aside as a dead letter ({@link SearchDeadLetters}) and the rest of the batch is indexed; a
 * case with a document it cannot take now (429, 5xx) stays queued. If Elasticsearch is down or
 * busy, rows wait and are tried again with backoff ({@code search.retry-backoff.max}).
 */
@Component
public class SearchOutbox {
  private static final Logger log = LoggerFactory.getLogger(SearchOutbox.class);
  private final JdbcClient jdbc;
  private final CaseRepository cases;
  private final CaseIndex index;
  private volatile boolean indexReady;

  private final CardLifecycle cards;
  private final int batchSize;
  private final Duration interval;
  private final ScheduledExecutorService indexer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("search-indexer").daemon().factory());

  private final TaskStore tasks;
  private final CalendarStore calendar;

  private final CaseDeadlines deadlines;
  private final ProcessCatalog catalog;
  private final SearchDeadLetters deadLetters;
  private final TransactionTemplate tx;
  private final Duration backoffMax;
  /** Rounds in a row that could not index everything they read (Elasticsearch away or busy). */
  private volatile int failedRounds;
  private volatile Instant nextRoundAt;
  private volatile String lastProblem;

  public SearchOutbox(JdbcClient jdbc, CaseRepository cases, CardLifecycle cards, CaseIndex index,
      TaskStore tasks, CalendarStore calendar,
      CaseDeadlines deadlines, ProcessCatalog catalog,
      SearchDeadLetters deadLetters, TransactionTemplate tx,
      @Value("${cardcase.search.batch-size:1000}") int batchSize,
      @Value("${cardcase.search.outbox-interval:500ms}") Duration interval,
      @Value("${cardcase.search.retry-backoff.max:1m}") Duration backoffMax) {
    this.deadLetters = deadLetters;
    this.tx = tx;
    this.backoffMax = backoffMax;
    this.tasks = tasks;
    this.calendar = calendar;
    this.deadlines = deadlines;
    this.catalog = catalog;
    this.batchSize = batchSize;
    this.interval = interval;
    this.jdbc = jdbc;
    this.cases = cases;
    this.cards = cards;
    this.index = index;
  }

  /** Queues the changed case in the change's own transaction: indexed only if the change commits. */
  @EventListener
  public void on(CaseRepository.CaseChanged change) {
    queue(change.caseNumber());
  }

  /** A task was created, claimed, moved or completed: its case comes again, with all its tasks. */
  @EventListener
  public void on(TaskStore.TasksChanged change) {
    queue(change.caseNumber());
  }

  private void queue(String caseNumber) {
    jdbc.sql("insert into search_outbox (case_number) values (?)").param(caseNumber).update();
  }

  /** Queues every case, a page at a time (read through the cases' own API). */
  private int queueAll() {
    int queued = 0;
    String after = "";
    while (true) {
      List<String> page = cases.caseNumbersAfter(after, 5000);
      if (page.isEmpty()) {
        return queued;
      }
      jdbc.sql("insert into search_outbox (case_number) select unnest(?::text[])").param(page.toArray(String[]::new)).update();
      queued += page.size();
      after = page.get(page.size() - 1);
    }
  }

  private volatile boolean paused;

  /**
   * Runs on a thread of its own (not Spring's shared scheduler), so a backlog delays neither the
   * recovery sweep nor the calendar refresh.
   */
  @EventListener(ApplicationReadyEvent.class)
  public void startIndexer() {
    indexer.scheduleWithFixedDelay(this::drainQuietly, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stopIndexer() {
    indexer.shutdownNow();
  }

  /**
   * One round of the indexer. After a round that could not index everything (Elasticsearch away,
   * busy or failing), the next ones wait: the interval doubled per such round, at most the ceiling.
   */
  public void drainQuietly() {
    Instant next = nextRoundAt;
    if (next != null && Instant.now().isBefore(next)) {
      return;
    }
    try {
      drain();
      nextRoundAt = null;
      failedRounds = 0;
      lastProblem = null;
      if (paused) {
        paused = false;
        log.info("search indexing resumed");
      }
    } catch (RuntimeException e) {
      int rounds = ++failedRounds;
      Duration wait = backoff(rounds);
      nextRoundAt = Instant.now().plus(wait);
      lastProblem = e.getMessage();
      if (!paused) {
        // said once, not every round: the rows wait in the outbox and nothing is lost
        log.warn("search indexing paused (changes wait in the outbox and are tried again with backoff, at most every {} s): {}",
            backoffMax.toSeconds(), e.getMessage());
        paused = true;
      }
      indexReady = false; // an index dropped meanwhile is created again on the next round
    }
  }

  /** The wait after n rounds in a row that failed: the interval × 2^n, at most the ceiling. */
  Duration backoff(int rounds) {
    Duration d = interval.multipliedBy(1L << Math.min(rounds, 30));
    return d.compareTo(backoffMax) > 0 ? backoffMax : d;
  }

  /** Elasticsearch answered, but could not take some documents now (429, 5xx): their cases stay queued. */
  public static class NotTakenNow extends RuntimeException {
    NotTakenNow(String message) {
      super(message);
    }
  }

  /**
   * Indexes what is queued; returns the number of cases indexed. A case whose document
   * Elasticsearch refuses is set aside (a dead letter) and the others are indexed; queue rows of
   * both are deleted in one transaction with the dead letters. Throws {@link NotTakenNow} after
   * deleting what was handled when some cases have to be tried again later.
   */
  public synchronized int drain() {
    if (!indexReady) {
      if (index.createIfMissing()) {
        // a new index (first start, or a new mapping version): fill it from the system of record
        int queued = queueAll();
        log.info("search index {} created; {} cases queued for it", index.name(), queued);
      }
      indexReady = true;
    }
    int total = 0;
    while (true) {
      // the oldest waiting rows (the outbox holds nothing else)
      List<Map<String, Object>> rows = jdbc.sql("""
          select id, case_number from search_outbox where indexed_at is null order by id limit ?""")
          .param(batchSize).query().listOfRows();
      if (rows.isEmpty()) {
        return total;
      }
      List<String> numbers = rows.stream().map(r -> (String) r.get("case_number")).distinct().toList();
      Map<String, List<String>> cardNumbers = cards.cardNumbersOf(numbers);
      // one bulk request for the batch; a case changed again meanwhile has a newer row and comes again
      List<CaseRecord> found = cases.findAll(numbers);
      Map<String, CaseRecord> byNumber = found.stream()
          .collect(Collectors.toMap(CaseRecord::caseNumber, c -> c));
      WorkingDayCalendar days = calendar.current();
      List<TaskStore.TaskHistory> history = tasks.history(numbers);
      CaseIndex.Outcome outcome = index.indexEach(
          found.stream().map(c -> CaseDocument.of(c, cardNumbers.getOrDefault(c.caseNumber(), List.of()), days, index.tokens())).toList(),
          history.stream().filter(t -> byNumber.containsKey(t.caseNumber()))
              .map(t -> TaskDocument.of(t, byNumber.get(t.caseNumber()))).toList(),
          visitDocuments(cases.visits(numbers), byNumber, days, history, deadlines.ofCases(numbers)));
      // handled: indexed, or set aside; the rows of cases to try again stay
      Long[] handled = rows.stream().filter(r -> !outcome.retry().containsKey((String) r.get("case_number")))
          .map(r -> ((Number) r.get("id")).longValue()).toArray(Long[]::new);
      List<String> indexed = numbers.stream()
          .filter(n -> !outcome.retry().containsKey(n) && !outcome.refused().containsKey(n)).toList();
      tx.executeWithoutResult(s -> {
        deadLetters.refused(outcome.refused().values());
        deadLetters.indexed(indexed);
        jdbc.sql("delete from search_outbox where id = any(?)").param(handled).update();
      });
      outcome.refused().values().forEach(r -> log.error(
          "search index refused case {} ({} {}/{}: {}); set aside as a dead letter, the rest of its batch is indexed",
          r.caseNumber(), r.status(), r.index(), r.documentId(), r.reason()));
      total += indexed.size();
      if (!outcome.retry().isEmpty()) {
        throw new NotTakenNow(outcome.retry().size() + " case(s) not taken now and queued again, e.g. "
            + outcome.retry().entrySet().iterator().next());
      }
    }
  }

  /** Each stay numbered within its case (1, 2, ...), so a case indexed again overwrites its own. */
  private List<StepVisitDocument> visitDocuments(List<CaseRepository.StepVisit> visits,
      Map<String, CaseRecord> byNumber, WorkingDayCalendar days,
      List<TaskStore.TaskHistory> history, Map<String, List<CaseDeadlines.Deadline>> due) {
    Map<String, Integer> seq = new HashMap<>();
    Map<String, List<TaskStore.TaskHistory>> tasksOf = history.stream()
        .collect(Collectors.groupingBy(TaskStore.TaskHistory::caseNumber));
    return visits.stream().filter(v -> byNumber.containsKey(v.caseNumber()))
        .map(v -> StepVisitDocument.of(v, seq.merge(v.caseNumber(), 1, Integer::sum), byNumber.get(v.caseNumber()), days,
            dueOf(v, tasksOf.getOrDefault(v.caseNumber(), List.of()), due.getOrDefault(v.caseNumber(), List.of())))).toList();
  }

  /**
   * A stay's deadline: that of the task created for it (at the step, during the stay), else the
   * latest of the deadlines its step's timers read (the final one, not a reminder).
   */
  private Instant dueOf(CaseRepository.StepVisit v, List<TaskStore.TaskHistory> history,
      List<CaseDeadlines.Deadline> deadlines) {
    Instant from = v.enteredAt().minusSeconds(60);
    for (var t : history) {
      if (t.elementId().equals(v.step()) && t.dueAt() != null && !t.createdAt().isBefore(from)
          && (v.leftAt() == null || !t.createdAt().isAfter(v.leftAt()))) {
        return t.dueAt();
      }
    }
    Set<String> names = catalog.timerVariablesOfStep(v.step());
    return deadlines.stream().filter(d -> names.contains(d.name())).map(CaseDeadlines.Deadline::dueAt)
        .max(Comparator.naturalOrder()).orElse(null);
  }

  /**
   * Changes waiting to be indexed (a backlog that does not shrink means indexing is stuck). Handled
   * rows are deleted, so these are only the ones still to index; cases set aside are counted by
   * {@link SearchDeadLetters#waiting()}, not here.
   */
  public long waiting() {
    return jdbc.sql("select count(*) from search_outbox where indexed_at is null").query(Long.class).single();
  }

  /** When the indexer tries again after a round that failed (null while it runs every interval). */
  public Instant nextAttemptAt() {
    return nextRoundAt;
  }

  /** Why the last round failed, while the indexer backs off. */
  public String lastProblem() {
    return lastProblem;
  }

  /** Whether indexing is paused because the search service does not answer (the rows wait). */
  public boolean paused() {
    return paused;
  }

  /** Drops the index and queues every case again; the index is whole again once drained. */
  public synchronized int rebuild() {
    index.deleteIndex();
    indexReady = false;
    int queued = queueAll();
    drain();
    return queued;
  }
}
