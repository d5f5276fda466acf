package org.cardcase.deadlines;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRepository;
import org.cardcase.flow.ModelVersions;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessTimers;
import org.springframework.beans.factory.ObjectProvider;
import org.cardcase.flow.ProcessLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every deadline of a case, computed with the working-day calendar and recorded with what it was
 * computed from. The process gets it as an absolute instant in a variable of the same name. When
 * a year of the calendar is added or corrected, the deadlines that depended on it are recomputed
 * and handed to the task store, the stored resume variables and the running process (a timer that
 * is already armed is re-armed by re-entering the wait state it is attached to).
 */
@Component
public class CaseDeadlines implements CalendarStore.YearChanged {
  /** Told, in the transaction that moves it, that a deadline moved (the task store keeps due dates on open tasks). */
  public interface Listener {
    void moved(String caseNumber, String deadline, Instant from, Instant to);
  }

  private static final Logger log = LoggerFactory.getLogger(CaseDeadlines.class);

  public record Deadline(String caseNumber, String name, Instant startAt, int workingDays, Instant dueAt, boolean provisional) {}

  private final JdbcClient jdbc;
  private final CalendarStore calendar;
  private final ProcessLinks links;
  private final ProcessTimers timers;
  private final CaseRepository cases;
  private final ObjectProvider<Listener> listeners;
  private final AuditTrail audit;
  private final Clock clock;

  private final ProcessCatalog catalog;
  private final ModelVersions versions;

  public CaseDeadlines(JdbcClient jdbc, CalendarStore calendar, ProcessLinks links, ProcessTimers timers,
      CaseRepository cases, ObjectProvider<Listener> listeners, AuditTrail audit, Clock clock,
      ProcessCatalog catalog, ModelVersions versions) {
    this.catalog = catalog;
    this.versions = versions;
    this.jdbc = jdbc;
    this.calendar = calendar;
    this.links = links;
    this.timers = timers;
    this.cases = cases;
    this.listeners = listeners;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Working days of a deadline: what the model says on the element that reads it (an analyst's
   * change to the model), else the setting given (application.properties).
   */
  public int workingDays(String name, int defaultWorkingDays) {
    return catalog == null ? defaultWorkingDays : catalog.workingDaysOf(name).orElse(defaultWorkingDays);
  }

  /**
   * Working days of a case's deadline as the model version the case runs on says (a case begun
   * before an analyst changed the deadline keeps the days of its version); a deadline its own
   * process does not read (one of a process it calls) as the current models say.
   */
  int workingDays(String caseNumber, String name, int defaultWorkingDays) {
    if (versions != null) {
      var link = links.find(caseNumber);
      if (link.isPresent()) {
        var days = versions.catalogOf(link.get().bpmnProcessId(), link.get().modelVersion()).workingDaysOf(name);
        if (days.isPresent()) {
          return days.getAsInt();
        }
      }
    }
    return workingDays(name, defaultWorkingDays);
  }

  /**
   * The deadline in working days after {@code start} (see {@link #workingDays}), recorded the first time it is asked for;
   * a redelivered step gets the one recorded then, not a later one.
   */
  public Instant once(String caseNumber, String name, Instant start, int defaultWorkingDays) {
    int workingDays = workingDays(caseNumber, name, defaultWorkingDays);
    WorkingDayCalendar cal = calendar.current();
    Instant due = cal.deadline(start, workingDays);
    jdbc.sql("""
        insert into case_deadline (case_number, name, start_at, working_days, due_at, provisional) values (?, ?, ?, ?, ?, ?)
        on conflict (case_number, name) do nothing""")
        .params(caseNumber, name, Timestamp.from(start), workingDays, Timestamp.from(due), provisional(cal, start, workingDays))
        .update();
    return find(caseNumber, name).orElseThrow().dueAt();
  }

  /**
   * A deadline of a case being opened, computed as {@link #once} computes it (the working days the
   * current models say) before the case has a number, so the case's process start instruction is
   * written once with it; {@link #record} keeps it with the case in the same transaction.
   */
  public Deadline first(String name, Instant start, int defaultWorkingDays) {
    int workingDays = workingDays(name, defaultWorkingDays);
    WorkingDayCalendar cal = calendar.current();
    return new Deadline(null, name, start, workingDays, cal.deadline(start, workingDays), provisional(cal, start, workingDays));
  }

  /** Keeps a deadline computed by {@link #first} with the case it was computed for. */
  public void record(String caseNumber, Deadline d) {
    jdbc.sql("""
        insert into case_deadline (case_number, name, start_at, working_days, due_at, provisional) values (?, ?, ?, ?, ?, ?)
        on conflict (case_number, name) do nothing""")
        .params(caseNumber, d.name(), Timestamp.from(d.startAt()), d.workingDays(), Timestamp.from(d.dueAt()), d.provisional())
        .update();
  }

  /** A new deadline for a step entered again (a resubmission restarts the clock). */
  public Instant again(String caseNumber, String name, Instant start, int defaultWorkingDays) {
    int workingDays = workingDays(caseNumber, name, defaultWorkingDays);
    WorkingDayCalendar cal = calendar.current();
    Instant due = cal.deadline(start, workingDays);
    jdbc.sql("""
        insert into case_deadline (case_number, name, start_at, working_days, due_at, provisional) values (?, ?, ?, ?, ?, ?)
        on conflict (case_number, name) do update set start_at = excluded.start_at, working_days = excluded.working_days,
          due_at = excluded.due_at, provisional = excluded.provisional, updated_at = now()""")
        .params(caseNumber, name, Timestamp.from(start), workingDays, Timestamp.from(due), provisional(cal, start, workingDays))
        .update();
    return due;
  }

  public Optional<Deadline> find(String caseNumber, String name) {
    return jdbc.sql("select * from case_deadline where case_number = ? and name = ?").params(caseNumber, name)
        .query(CaseDeadlines::map).optional();
  }

  /** The deadlines of these cases, by case (what the read model indexes with each stay). */
  public Map<String, List<Deadline>> ofCases(List<String> caseNumbers) {
    if (caseNumbers.isEmpty()) {
      return Map.of();
    }
    return jdbc.sql("select * from case_deadline where case_number = any(?) order by due_at")
        .param(caseNumbers.toArray(String[]::new)).query(CaseDeadlines::map).list().stream()
        .collect(Collectors.groupingBy(Deadline::caseNumber));
  }

  public List<Deadline> of(String caseNumber) {
    return jdbc.sql("select * from case_deadline where case_number = ? order by due_at").param(caseNumber)
        .query(CaseDeadlines::map).list();
  }

  /** The start of today where the centres work: a deadline before it is overdue. */
  public Instant startOfToday() {
    return LocalDate.ofInstant(clock.instant(), WorkingDayCalendar.ZONE).atStartOfDay(WorkingDayCalendar.ZONE).toInstant();
  }

  /** Working days from today to the deadline (negative when overdue), for screens and lookups. */
  public int workingDaysLeft(Instant due) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), WorkingDayCalendar.ZONE);
    return calendar.current().workingDaysBetween(today, LocalDate.ofInstant(due, WorkingDayCalendar.ZONE));
  }

  /**
   * Recomputes the deadlines of open cases that depend on {@code year}: the provisional ones, and
   * those not yet passed whose span touches the year (a correction). Runs in the caller's
   * transaction; the running processes are told after it commits.
   */
  @Override
  public int recompute(int year, WorkingDayCalendar cal, String actor) {
    List<Deadline> candidates = jdbc.sql("""
        select d.* from case_deadline d
        where (d.provisional or (d.due_at > ?
            and extract(year from d.start_at at time zone 'Asia/Shanghai') <= ?
            and extract(year from d.due_at at time zone 'Asia/Shanghai') >= ?))
        for update of d""").params(Timestamp.from(clock.instant()), year, year).query(CaseDeadlines::map).list();
    // only open cases' deadlines matter
    Set<String> open = new HashSet<>(cases.openAmong(candidates.stream().map(Deadline::caseNumber).distinct().toList()));
    candidates = candidates.stream().filter(d -> open.contains(d.caseNumber())).toList();
    List<Deadline> moved = new ArrayList<>();
    for (Deadline d : candidates) {
      Instant due = cal.deadline(d.startAt(), d.workingDays());
      boolean prov = provisional(cal, d.startAt(), d.workingDays());
      if (due.equals(d.dueAt()) && prov == d.provisional()) {
        continue;
      }
      jdbc.sql("update case_deadline set due_at = ?, provisional = ?, updated_at = now() where case_number = ? and name = ?")
          .params(Timestamp.from(due), prov, d.caseNumber(), d.name()).update();
      // those who show or use this deadline are told in this transaction: an open task's due date,
      // the variables a resume starts the case with
      for (Listener l : listeners.orderedStream().toList()) {
        l.moved(d.caseNumber(), d.name(), d.dueAt(), due);
      }
      links.replaceVariable(d.caseNumber(), d.name(), due.toString());
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("deadline", d.name());
      detail.put("from", d.dueAt().toString());
      detail.put("to", due.toString());
      detail.put("provisional", prov);
      detail.put("calendarYear", year);
      audit.append(AuditTrail.ofCase(d.caseNumber()), "deadline:" + d.name() + ":" + due + ":" + prov, actor, null,
          "DEADLINE_RECOMPUTED", detail);
      moved.add(new Deadline(d.caseNumber(), d.name(), d.startAt(), d.workingDays(), due, prov));
    }
    if (!moved.isEmpty() && TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          moved.forEach(d -> timers.variableMoved(d.caseNumber(), d.name(), d.dueAt().toString()));
        }
      });
    } else {
      moved.forEach(d -> timers.variableMoved(d.caseNumber(), d.name(), d.dueAt().toString()));
    }
    return moved.size();
  }

  static boolean provisional(WorkingDayCalendar cal, Instant start, int workingDays) {
    return cal.addWorkingDays(LocalDate.ofInstant(start, WorkingDayCalendar.ZONE), workingDays).provisional();
  }

  static Deadline map(ResultSet rs, int i) throws SQLException {
    return new Deadline(rs.getString("case_number"), rs.getString("name"), rs.getTimestamp("start_at").toInstant(),
        rs.getInt("working_days"), rs.getTimestamp("due_at").toInstant(), rs.getBoolean("provisional"));
  }
}
