package org.cardcase.shared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Tables that grow with every request or every run of something are kept for a period and trimmed
 * by one job: each owner says how long its rows are kept and deletes, a batch at a time, the rows
 * older than that (its SQL stays in its own package). The job runs {@code cardcase.retention.initial-delay}
 * (10 minutes) after the start and then every {@code cardcase.retention.interval} (1 day), deleting
 * {@code cardcase.retention.batch-size} (5 000) rows per statement, so no delete holds long locks.
 */
@Component
public class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  /** A table kept for a period: its owner deletes rows older than a cutoff, at most {@code limit} of them. */
  public interface Table {
    /** The table's name, for the log and the health report. */
    String table();

    /** How long a row is kept. */
    Duration retention();

    /** Deletes at most {@code limit} rows older than {@code cutoff}; returns how many it deleted. */
    int trim(Instant cutoff, int limit);
  }

  /** One table's last trim. */
  public record Trimmed(String table, Duration retention, Instant cutoff, long deleted, Instant at, String failure) {}

  private final List<Table> tables;
  private final Clock clock;
  private final int batchSize;
  private final Map<String, Trimmed> last = new ConcurrentHashMap<>();

  public Retention(List<Table> tables, Clock clock, @Value("${cardcase.retention.batch-size:5000}") int batchSize) {
    this.tables = List.copyOf(tables);
    this.clock = clock;
    this.batchSize = Math.max(1, batchSize);
  }

  @Scheduled(initialDelayString = "${cardcase.retention.initial-delay:10m}", fixedDelayString = "${cardcase.retention.interval:1d}")
  void scheduled() {
    trimAll();
  }

  /** Trims every table now; one that fails does not stop the others. Returns rows deleted per table. */
  public Map<String, Long> trimAll() {
    Map<String, Long> deleted = new LinkedHashMap<>();
    for (Table t : tables) {
      Instant now = clock.instant();
      Instant cutoff = now.minus(t.retention());
      long n = 0;
      String failure = null;
      try {
        int batch;
        do {
          batch = t.trim(cutoff, batchSize);
          n += batch;
        } while (batch >= batchSize);
        if (n > 0) {
          log.info("retention: deleted {} rows of {} older than {} (kept {} days)", n, t.table(), cutoff, t.retention().toDays());
        }
      } catch (RuntimeException e) {
        failure = e.toString();
        log.warn("retention: trimming {} failed after {} rows, next run tries again: {}", t.table(), n, e.toString());
      }
      deleted.put(t.table(), n);
      last.put(t.table(), new Trimmed(t.table(), t.retention(), cutoff, n, now, failure));
    }
    return deleted;
  }

  /** Each table's period and its last trim (none before the first run). */
  public List<Trimmed> report() {
    return tables.stream().map(t -> last.getOrDefault(t.table(), new Trimmed(t.table(), t.retention(), null, 0, null, null)))
        .toList();
  }
}
