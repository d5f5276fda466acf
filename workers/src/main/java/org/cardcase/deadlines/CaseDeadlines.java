package org.cardcase.deadlines;

import io.camunda.client.CamundaClient;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.audit.AuditTrail;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLink;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.processes.CaseFlow;
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
  private static final Logger log = LoggerFactory.getLogger(CaseDeadlines.class);

  public record Deadline(String caseNumber, String name, Instant startAt, int workingDays, Instant dueAt, boolean provisional) {}

  private final JdbcClient jdbc;
  private final CalendarStore calendar;
  private final ProcessLinks links;
  private final ProcessCatalog catalog;
  private final CamundaClient client;
  private final org.cardcase.flow.CurrentEngine engine;
  private final AuditTrail audit;
  private final Clock clock;

  public CaseDeadlines(JdbcClient jdbc, CalendarStore calendar, ProcessLinks links, ProcessCatalog catalog,
      CamundaClient client, AuditTrail audit, Clock clock, org.cardcase.flow.CurrentEngine engine) {
    this.engine = engine;
    this.jdbc = jdbc;
    this.calendar = calendar;
    this.links = links;
    this.catalog = catalog;
    this.client = client;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * The deadline {@code workingDays} after {@code start}, recorded the first time it is asked for;
   * a redelivered step gets the one recorded then, not a later one.
   */
  public Instant once(String caseNumber, String name, Instant start, int workingDays) {
    WorkingDayCalendar cal = calendar.current();
    Instant due = cal.deadline(start, workingDays);
    jdbc.sql("""
        insert into case_deadline (case_number, name, start_at, working_days, due_at, provisional) values (?, ?, ?, ?, ?, ?)
        on conflict (case_number, name) do nothing""")
        .params(caseNumber, name, Timestamp.from(start), workingDays, Timestamp.from(due), provisional(cal, start, workingDays))
        .update();
    return find(caseNumber, name).orElseThrow().dueAt();
  }

  /** A new deadline for a step entered again (a resubmission restarts the clock). */
  public Instant again(String caseNumber, String name, Instant start, int workingDays) {
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

  public java.util.Optional<Deadline> find(String caseNumber, String name) {
    return jdbc.sql("select * from case_deadline where case_number = ? and name = ?").params(caseNumber, name)
        .query(CaseDeadlines::map).optional();
  }

  public List<Deadline> of(String caseNumber) {
    return jdbc.sql("select * from case_deadline where case_number = ? order by due_at").param(caseNumber)
        .query(CaseDeadlines::map).list();
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
        select d.* from case_deadline d join card_case c on c.case_number = d.case_number
        where c.closed_at is null
          and (d.provisional or (d.due_at > ?
            and extract(year from d.start_at at time zone 'Asia/Shanghai') <= ?
            and extract(year from d.due_at at time zone 'Asia/Shanghai') >= ?))
        for update of d""").params(Timestamp.from(clock.instant()), year, year).query(CaseDeadlines::map).list();
    List<Deadline> moved = new ArrayList<>();
    for (Deadline d : candidates) {
      Instant due = cal.deadline(d.startAt(), d.workingDays());
      boolean prov = provisional(cal, d.startAt(), d.workingDays());
      if (due.equals(d.dueAt()) && prov == d.provisional()) {
        continue;
      }
      jdbc.sql("update case_deadline set due_at = ?, provisional = ?, updated_at = now() where case_number = ? and name = ?")
          .params(Timestamp.from(due), prov, d.caseNumber(), d.name()).update();
      // an open task that showed this deadline now shows the new one
      jdbc.sql("update human_task set due_at = ? where case_number = ? and state = 'OPEN' and due_at = ?")
          .params(Timestamp.from(due), d.caseNumber(), Timestamp.from(d.dueAt())).update();
      jdbc.sql("""
          update process_link set variables = jsonb_set(variables, array[?::text], to_jsonb(?::text)), updated_at = now()
          where case_number = ? and jsonb_exists(variables, ?)""")
          .params(d.name(), due.toString(), d.caseNumber(), d.name()).update();
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
          moved.forEach(CaseDeadlines.this::tellEngine);
        }
      });
    } else {
      moved.forEach(this::tellEngine);
    }
    return moved.size();
  }

  /**
   * Gives the running instance the new value; if the case waits where a timer reads it, the wait
   * state is entered again so the timer is armed at the new instant. The checkpoint sees the same
   * visit (resume sequence), so tasks and messages stay attached to the case as they were.
   */
  void tellEngine(Deadline d) {
    ProcessLink link = links.find(d.caseNumber()).orElse(null);
    if (link == null || link.processInstanceKey() == null) {
      return; // not started yet: it starts with the stored variables
    }
    if (!engine.accepting() || link.engineGeneration() != engine.generation()) {
      return; // the engine is away or lost the instance: the resume starts it with the stored variables
    }
    try {
      Map<String, Object> vars = new HashMap<>();
      vars.put(d.name(), d.dueAt().toString());
      // the wait may be inside a called process (production): its timer reads the called instance's copy
      String inner = link.waitElement() == null ? null : ProcessCatalog.innerElement(link.waitElement());
      Object process = link.variables().getOrDefault("_checkpointProcess", link.bpmnProcessId());
      long instance = link.variables().get("_checkpointInstance") instanceof Number n ? n.longValue() : link.processInstanceKey();
      boolean rearm = inner != null && catalog.timerVariables(String.valueOf(process), inner).contains(d.name())
          && link.variables().get("_checkpointElementInstance") instanceof Number;
      client.newSetVariablesCommand(link.processInstanceKey()).variables(vars).local(false).send().join();
      if (rearm) {
        Map<String, Object> here = new HashMap<>(vars);
        here.put(CaseFlow.VAR_RESUME_SEQ, link.waitSeq());
        client.newSetVariablesCommand(instance).variables(here).local(false).send().join();
        long elementInstance = ((Number) link.variables().get("_checkpointElementInstance")).longValue();
        client.newModifyProcessInstanceCommand(instance)
            .terminateElement(elementInstance).and().activateElement(inner).send().join();
        log.info("case {}: {} moved to {}; timer on {} re-armed", d.caseNumber(), d.name(), d.dueAt(), link.waitElement());
      }
    } catch (RuntimeException e) {
      // the stored variables have the new value: a resume after a restart uses it
      log.warn("case {}: could not give the engine the new {} ({}); it is stored for resume", d.caseNumber(), d.name(),
          e.getMessage());
    }
  }

  static boolean provisional(WorkingDayCalendar cal, Instant start, int workingDays) {
    return cal.addWorkingDays(LocalDate.ofInstant(start, WorkingDayCalendar.ZONE), workingDays).provisional();
  }

  static Deadline map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
    return new Deadline(rs.getString("case_number"), rs.getString("name"), rs.getTimestamp("start_at").toInstant(),
        rs.getInt("working_days"), rs.getTimestamp("due_at").toInstant(), rs.getBoolean("provisional"));
  }
}
