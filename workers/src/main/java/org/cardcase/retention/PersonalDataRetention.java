package org.cardcase.retention;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cardcase.audit.AuditTrail;
import org.cardcase.cards.CurrentCards;
import org.cardcase.cases.ClosedCases;
import org.cardcase.documents.DocumentRetention;
import org.cardcase.notifications.MessageRetention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention of citizens' personal data (PIPL: kept no longer than needed). Not to be confused with
 * {@link org.cardcase.shared.Retention}, which trims <em>technical</em> tables (API call log,
 * engine generations, inbound messages) by deleting whole rows by age; this job deletes nothing
 * from a case: it empties what a case no longer needs and says so in the case's audit trail.
 *
 * <p>The policy, per kind of data ({@code cardcase.retention.*}):
 * <ul>
 *   <li><b>photos and scans</b> (the content of {@code case_document}): removed
 *   {@code case-documents} (180 days) after the case closed: the six months in which the decision
 *   can still be challenged in court (行政诉讼法 art. 46; reconsideration: 60 days) and the
 *   documents are its evidence. Kept as long as the card is current: the latest portrait of the case
 *   that made a card not {@code REPLACED} or {@code CANCELLED} (a reissue uses the last card's
 *   photo, {@code PortraitSource.LAST_CARD}; a lost card's too, until its replacement exists). The
 *   row stays (kind, version, size, hash, uploader) with {@code removed_at} and {@code removed_reason};</li>
 *   <li><b>message text</b> ({@code notification.text}, SMS): redacted {@code message-text} (90
 *   days) after sending; the template, the time and the provider's id stay, and the audit trail's
 *   {@code NOTIFICATION_SENT};</li>
 *   <li><b>the case record and the audit trail</b>: kept. They are the social insurance business
 *   archive (社会保险业务档案管理规定（试行）, 人社部令第3号), kept for the periods the archive rules
 *   set, long-term; this job never touches them.</li>
 * </ul>
 *
 * <p>The job runs once a day at {@code personal-data-at} (02:30, China time). It is safe across
 * restarts: every {@code personal-data-check} (5 minutes) it looks whether the latest slot has a
 * finished run in {@code retention_run}; a slot missed while the application was down is run at
 * the next check, and a restart after a run runs nothing again. One run at a time across instances
 * (a unique index on the unfinished run). Each case is handled in a transaction of its own (its
 * documents, its messages, one audit entry), so no lock is held for longer than one case; cases are
 * read {@code personal-data-batch} (200) at a time in case-number order. A rerun finds nothing due
 * and writes nothing.
 *
 * <p>Each table is read and written by its owner (ArchitectureTest): {@link org.cardcase.cases.ClosedCases},
 * {@link org.cardcase.cards.CurrentCards}, {@link org.cardcase.documents.DocumentRetention} and
 * {@link org.cardcase.notifications.MessageRetention}; this package owns {@code retention_run}.
 */
@Component
public class PersonalDataRetention {
  private static final Logger log = LoggerFactory.getLogger(PersonalDataRetention.class);
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  /** One run of the job. */
  public record Run(long id, String trigger, Instant startedAt, Instant finishedAt, int cases, int documentsRemoved,
      int messagesRedacted, String failure) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final AuditTrail audit;
  private final ClosedCases closedCases;
  private final CurrentCards currentCards;
  private final DocumentRetention documents;
  private final MessageRetention messages;
  private final Clock clock;
  private final Duration documentsAfterClose;
  private final Duration messageTextAfter;
  private final LocalTime dailyAt;
  private final int batch;
  private final boolean enabled;

  public PersonalDataRetention(JdbcClient jdbc, TransactionTemplate tx, AuditTrail audit,
      ClosedCases closedCases, CurrentCards currentCards,
      DocumentRetention documents, MessageRetention messages, Clock clock,
      @Value("${cardcase.retention.case-documents:180d}") Duration documentsAfterClose,
      @Value("${cardcase.retention.message-text:90d}") Duration messageTextAfter,
      @Value("${cardcase.retention.personal-data-at:02:30}") LocalTime dailyAt,
      @Value("${cardcase.retention.personal-data-batch:200}") int batch,
      @Value("${cardcase.retention.personal-data:true}") boolean enabled) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.audit = audit;
    this.closedCases = closedCases;
    this.currentCards = currentCards;
    this.documents = documents;
    this.messages = messages;
    this.clock = clock;
    this.documentsAfterClose = documentsAfterClose;
    this.messageTextAfter = messageTextAfter;
    this.dailyAt = dailyAt;
    this.batch = Math.max(1, batch);
    this.enabled = enabled;
  }

  @Scheduled(initialDelayString = "${cardcase.retention.initial-delay:10m}",
      fixedDelayString = "${cardcase.retention.personal-data-check:5m}")
  void tick() {
    if (enabled && due(clock.instant())) {
      try {
        run("schedule");
      } catch (RuntimeException e) {
        log.warn("personal data retention: run failed, the next check tries again: {}", e.toString());
      }
    }
  }

  /** Whether the latest daily slot (today's if passed, else yesterday's) has no run that finished after it. */
  boolean due(Instant now) {
    ZonedDateTime local = now.atZone(ZONE);
    ZonedDateTime slot = local.toLocalDate().atTime(dailyAt).atZone(ZONE);
    if (slot.isAfter(local)) {
      slot = slot.minusDays(1);
    }
    return jdbc.sql("select count(*) from retention_run where started_at >= ? and finished_at is not null and failure is null")
        .param(Timestamp.from(slot.toInstant())).query(Long.class).single() == 0;
  }

  /**
   * Runs the policy now. Returns the run; if another run is under way (here or on another
   * instance), returns that one's row unchanged.
   */
  public Run run(String trigger) {
    Instant now = clock.instant();
    // a run that a crash left unfinished long ago no longer holds the lock
    jdbc.sql("update retention_run set finished_at = ?, failure = 'interrupted (the application stopped during the run)' "
        + "where finished_at is null and started_at < ?")
        .params(Timestamp.from(now), Timestamp.from(now.minus(Duration.ofHours(6)))).update();
    long id;
    try {
      id = jdbc.sql("insert into retention_run (trigger, started_at) values (?, ?) returning id")
          .params(trigger, Timestamp.from(now)).query(Long.class).single();
    } catch (DuplicateKeyException running) {
      log.info("personal data retention: a run is already under way; not started again ({})", trigger);
      return jdbc.sql("select * from retention_run where finished_at is null").query(PersonalDataRetention::map).single();
    }
    Instant documentsCutoff = now.minus(documentsAfterClose);
    Instant messagesCutoff = now.minus(messageTextAfter);
    int cases = 0;
    int documentsRemoved = 0;
    int messagesRedacted = 0;
    String failure = null;
    long started = System.nanoTime();
    try {
      // 1. cases closed before the documents' cutoff that still hold content (their messages due go in the same step)
      String after = "";
      while (true) {
        List<String> page = closedCases.closedBefore(documentsCutoff, after, batch);
        if (page.isEmpty()) {
          break;
        }
        Set<String> withContent = this.documents.casesWithContent(page);
        Set<String> current = currentCards.casesWithCurrentCard(withContent);
        for (String caseNumber : withContent) {
          int[] done = tx.execute(s -> applyTo(caseNumber, current.contains(caseNumber), id, now, documentsCutoff, messagesCutoff));
          cases += done[0] + done[1] > 0 ? 1 : 0;
          documentsRemoved += done[0];
          messagesRedacted += done[1];
        }
        after = page.get(page.size() - 1);
      }
      // 2. cases (open or closed) with message texts due, not handled above
      after = "";
      while (true) {
        List<String> page = this.messages.casesWithTextSentBefore(messagesCutoff, after, batch);
        if (page.isEmpty()) {
          break;
        }
        for (String caseNumber : page) {
          int[] done = tx.execute(s -> applyTo(caseNumber, true, id, now, null, messagesCutoff));
          cases += done[0] + done[1] > 0 ? 1 : 0;
          messagesRedacted += done[1];
        }
        after = page.get(page.size() - 1);
      }
      // 3. messages tied to no case: no trail to write to
      int n;
      do {
        n = this.messages.redactWithoutCase(messagesCutoff, now, batch);
        messagesRedacted += n;
      } while (n >= batch);
    } catch (RuntimeException e) {
      failure = e.toString();
      throw e;
    } finally {
      jdbc.sql("""
          update retention_run set finished_at = ?, cases = ?, documents_removed = ?, messages_redacted = ?, failure = ?
          where id = ?""").params(Timestamp.from(clock.instant()), cases, documentsRemoved, messagesRedacted, failure, id).update();
      log.info("personal data retention run {} ({}): {} case(s), {} document(s) removed (closed before {}), "
          + "{} message text(s) redacted (sent before {}) in {} ms{}", id, trigger, cases, documentsRemoved,
          LocalDate.ofInstant(documentsCutoff, ZONE), messagesRedacted, LocalDate.ofInstant(messagesCutoff, ZONE),
          (System.nanoTime() - started) / 1_000_000, failure == null ? "" : "; failed: " + failure);
    }
    return last().orElseThrow();
  }

  /**
   * One case, in one transaction: its document content due (if {@code documentsCutoff} is given and
   * the case closed before it), its message texts due, and one audit entry saying what went.
   * Returns {documents, messages}.
   */
  private int[] applyTo(String caseNumber, boolean keepPortrait, long runId, Instant now, Instant documentsCutoff,
      Instant messagesCutoff) {
    Optional<Instant> closedAt = documentsCutoff == null ? Optional.empty() : closedCases.closedAt(caseNumber);
    List<DocumentRetention.Removed> removed = List.of();
    if (closedAt.isPresent() && closedAt.get().isBefore(documentsCutoff)) {
      removed = documents.removeContent(caseNumber, keepPortrait, now, "retention: " + documentsAfterClose.toDays()
          + " days after the case closed on " + LocalDate.ofInstant(closedAt.get(), ZONE));
    }
    int redacted = messages.redact(caseNumber, messagesCutoff, now);
    if (removed.isEmpty() && redacted == 0) {
      return new int[] {0, 0};
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    if (!removed.isEmpty()) {
      List<String> which = new ArrayList<>();
      removed.forEach(r -> which.add(r.kind() + " v" + r.version()));
      detail.put("documentsRemoved", String.join(", ", which));
      detail.put("closedAt", LocalDate.ofInstant(closedAt.get(), ZONE).toString());
      detail.put("documentsKeptDays", documentsAfterClose.toDays());
    }
    if (redacted > 0) {
      detail.put("messagesRedacted", redacted);
      detail.put("messageTextKeptDays", messageTextAfter.toDays());
    }
    detail.put("run", runId);
    // the run's id in the key: one entry per case per run; a rerun finds nothing due and writes nothing
    audit.append(AuditTrail.ofCase(caseNumber), "retention:" + runId, "system", "retention", "RETENTION_APPLIED", detail);
    return new int[] {removed.size(), redacted};
  }

  /** The latest run, finished or not. */
  public Optional<Run> last() {
    return jdbc.sql("select * from retention_run order by id desc limit 1").query(PersonalDataRetention::map).optional();
  }

  /** The policy in words, for the administrator's view and the log. */
  public Map<String, Object> policy() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("caseDocumentsDaysAfterClose", documentsAfterClose.toDays());
    p.put("messageTextDaysAfterSending", messageTextAfter.toDays());
    p.put("dailyAt", dailyAt.toString() + " " + ZONE);
    p.put("enabled", enabled);
    p.put("kept", "the latest portrait of a current card (not replaced or cancelled); the case record and the audit trail");
    return p;
  }

  static Run map(ResultSet rs, int i) throws SQLException {
    Timestamp finished = rs.getTimestamp("finished_at");
    return new Run(rs.getLong("id"), rs.getString("trigger"), rs.getTimestamp("started_at").toInstant(),
        finished == null ? null : finished.toInstant(), rs.getInt("cases"), rs.getInt("documents_removed"),
        rs.getInt("messages_redacted"), rs.getString("failure"));
  }
}
