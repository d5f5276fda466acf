package org.cardcase.deadlines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cardcase.TestDatabase;
import org.cardcase.audit.AuditTrail;
import org.cardcase.audit.TestAuditKeys;
import org.cardcase.calendar.CalendarChange;
import org.cardcase.calendar.CalendarDay;
import org.cardcase.calendar.CalendarStore;
import org.cardcase.calendar.WorkingDayCalendar.Kind;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRepository;
import org.cardcase.flow.CurrentEngine;
import org.cardcase.flow.FormVersions;
import org.cardcase.flow.ProcessTimers;
import org.cardcase.shared.FieldErrors;
import org.cardcase.flow.ProcessCatalog;
import org.cardcase.flow.ProcessLinks;
import org.cardcase.tasks.AlertDecision;
import org.cardcase.tasks.TaskStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The calendar kept in PostgreSQL and the deadlines that depend on it: adding a year firms up the
 * provisional deadlines that reach into it, and a correction moves the deadlines it touches.
 */
class CaseDeadlinesTest {
  // "now" for the deadline rules: before every deadline in this test
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T02:00:00Z"), ZoneOffset.UTC);
  static JdbcClient jdbc;
  static AuditTrail audit;
  static CalendarStore calendar;
  static CaseDeadlines deadlines;

  @BeforeAll
  static void setUp() {
    jdbc = TestDatabase.jdbc();
    audit = new AuditTrail(jdbc, CLOCK, TestAuditKeys.KEYS);
    List<CalendarStore.YearChanged> changed = new ArrayList<>();
    calendar = new CalendarStore(jdbc, TestDatabase.tx(), audit, changed);
    ProcessLinks links = new ProcessLinks(jdbc, new ObjectMapper());
    // the task store keeps open tasks' due dates in step with the deadlines, as in the application
    var tasks = new TaskStore(jdbc, null, new ObjectMapper(), TestDatabase.tx(), audit,
        new CurrentEngine(), new CaseRepository(jdbc, audit), links, event -> {},
        new StaticListableBeanFactory().getBeanProvider(AlertDecision.class),
        new FormVersions(jdbc, TestDatabase.tx()));
    var listeners = new StaticListableBeanFactory(Map.of("tasks", tasks))
        .getBeanProvider(CaseDeadlines.Listener.class);
    deadlines = new CaseDeadlines(jdbc, calendar, links,
        new ProcessTimers(links, new ProcessCatalog(), null, new CurrentEngine()),
        new CaseRepository(jdbc, audit), listeners, audit, CLOCK, null, null);
    changed.add(deadlines);
  }

  static Instant china(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(WorkingDayCalendar.ZONE).toInstant();
  }

  @Test
  void theOfficialYearsAreLoadedOnFirstStartAndAudited() {
    assertThat(calendar.current().loadedYears()).contains(2025, 2026);
    assertThat(calendar.current().isWorkingDay(LocalDate.of(2026, 2, 14))).as("make-up Saturday").isTrue();
    assertThat(audit.entries(CalendarStore.subject(2026))).extracting(AuditTrail.Entry::action).contains("CALENDAR_YEAR_ADDED");
    // a second start does not load them again
    new CalendarStore(jdbc, TestDatabase.tx(), audit, List.of());
    assertThat(audit.entries(CalendarStore.subject(2026))).hasSize(1);
  }

  @Test
  void addingTheNextYearRecomputesTheProvisionalDeadlinesThatReachIntoIt() {
    String cn = "SC-DL-1";
    TestDatabase.insertCase(cn, "110105194912310029");
    // Thu 24 Dec 2026, 10 working days: without 2027 the count assumes Fri 1 Jan 2027 is worked
    Instant start = china("2026-12-24T10:00");
    Instant provisional = deadlines.once(cn, "productionDueAt", start, 10);
    assertThat(provisional).isEqualTo(china("2027-01-07T17:30"));
    assertThat(deadlines.find(cn, "productionDueAt").orElseThrow().provisional()).isTrue();
    assertThat(deadlines.once(cn, "productionDueAt", china("2026-12-25T10:00"), 10))
        .as("a redelivered step gets the first deadline").isEqualTo(provisional);
    jdbc.sql("insert into process_link (case_number, bpmn_process_id, variables) values (?, 'card-application', ?::jsonb)")
        .params(cn, "{\"productionDueAt\": \"" + provisional + "\"}").update();
    jdbc.sql("insert into human_task (case_number, element_id, wait_seq, state, due_at, candidate_group) values (?, 'alert', 1, 'OPEN', ?, 'supervisors')")
        .params(cn, Timestamp.from(provisional)).update();

    CalendarChange change = calendar.saveYear(2027, List.of(
        new CalendarDay(LocalDate.of(2027, 1, 1), Kind.HOLIDAY, "New Year")), "test notice", "the 2027 arrangement was published", "admin");

    assertThat(change.added()).containsExactly("2027-01-01 holiday (New Year)");
    assertThat(change.deadlinesRecomputed()).isGreaterThanOrEqualTo(1);
    CaseDeadlines.Deadline firm = deadlines.find(cn, "productionDueAt").orElseThrow();
    assertThat(firm.dueAt()).as("New Year's Day is off, so one day later").isEqualTo(china("2027-01-08T17:30"));
    assertThat(firm.provisional()).isFalse();
    assertThat(jdbc.sql("select due_at from human_task where case_number = ?").param(cn).query(Timestamp.class).single().toInstant())
        .as("the open task shows the new deadline").isEqualTo(firm.dueAt());
    assertThat(jdbc.sql("select variables->>'productionDueAt' from process_link where case_number = ?").param(cn)
        .query(String.class).single()).as("a resume after a restart arms the timer at the new instant")
        .isEqualTo(firm.dueAt().toString());
    AuditTrail.Entry moved = audit.entries(AuditTrail.ofCase(cn)).stream()
        .filter(e -> e.action().equals("DEADLINE_RECOMPUTED")).findFirst().orElseThrow();
    assertThat(moved.detail()).containsEntry("from", provisional.toString()).containsEntry("to", firm.dueAt().toString());
    assertThat(audit.entries(CalendarStore.subject(2027))).extracting(AuditTrail.Entry::action).containsExactly("CALENDAR_YEAR_ADDED");

    // a correction of the loaded year moves the firm deadline it touches, and is audited as one
    CalendarChange fix = calendar.saveYear(2027, List.of(
        new CalendarDay(LocalDate.of(2027, 1, 1), Kind.HOLIDAY, "New Year"),
        new CalendarDay(LocalDate.of(2027, 1, 4), Kind.HOLIDAY, "New Year")), "test notice, corrected", "4 Jan was left out", "admin");
    assertThat(fix.added()).containsExactly("2027-01-04 holiday (New Year)");
    assertThat(deadlines.find(cn, "productionDueAt").orElseThrow().dueAt()).isEqualTo(china("2027-01-11T17:30"));
    assertThat(audit.entries(CalendarStore.subject(2027))).extracting(AuditTrail.Entry::action)
        .containsExactly("CALENDAR_YEAR_ADDED", "CALENDAR_YEAR_CORRECTED");
    assertThat(audit.verify(CalendarStore.subject(2027)).intact()).isTrue();
    assertThat(deadlines.workingDaysLeft(china("2026-11-24T17:30"))).as("Sun 22 Nov to Tue 24 Nov").isEqualTo(2);
  }

  @Test
  void invalidYearsAreRefusedWithTheRuleTheyBreakAndChangeNothing() {
    int before = calendar.years().size();
    assertThatThrownBy(() -> calendar.saveYear(2028, List.of(new CalendarDay(LocalDate.of(2028, 1, 4), Kind.WORKDAY, "New Year")),
        "notice", "typo", "admin"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors().get("days.2028-01-04"))
            .contains("TUESDAY").contains("Saturday or Sunday"));
    assertThatThrownBy(() -> calendar.saveYear(2028, List.of(new CalendarDay(LocalDate.of(2029, 1, 1), Kind.HOLIDAY, "New Year")),
        "notice", "wrong year", "admin"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsEntry("days.2029-01-01", "is not in 2028"));
    assertThatThrownBy(() -> calendar.saveYear(2028, List.of(), "notice", " ", "admin"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors()).containsKey("reason"));
    assertThatThrownBy(() -> CalendarStore.parse("2028-01-01,holiday,New Year\n2028-13-01,holiday,x\n2028-01-02,off,x"))
        .isInstanceOfSatisfying(FieldErrors.class, e -> assertThat(e.errors())
            .containsEntry("line 2", "'2028-13-01' is not a date YYYY-MM-DD")
            .containsEntry("line 3", "kind must be holiday or workday, not 'off'"));
    assertThat(calendar.years()).hasSize(before);
    assertThat(calendar.current().isLoaded(LocalDate.of(2028, 6, 1))).isFalse();
  }

  @Test
  void aCaseDeadlineIsCloseOfBusinessOnTheWorkingDay() {
    TestDatabase.insertCase("SC-DL-2", "110105194912310037");
    // Fri 30 Jan 2026 + 2 working days: Mon 2 Feb, Tue 3 Feb
    assertThat(deadlines.again("SC-DL-2", "reviewDueAt", china("2026-01-30T16:00"), 2)).isEqualTo(china("2026-02-03T17:30"));
    assertThat(deadlines.again("SC-DL-2", "reviewDueAt", china("2026-02-13T09:00"), 1))
        .as("Fri 13 Feb + 1: Sat 14 Feb is a make-up working day").isEqualTo(china("2026-02-14T17:30"));
    assertThat(deadlines.of("SC-DL-2")).hasSize(1);
  }

  @Test
  void theModelSaysHowManyWorkingDaysADeadlineIsAndTheSettingIsTheDefault() throws Exception {
    String production;
    try (var in = getClass().getResourceAsStream("/bpmn/card-production.bpmn")) {
      production = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // an analyst puts 12 working days on the element whose timer reads the production deadline
    String twelve = production.replaceFirst("(<bpmn:boundaryEvent id=\"production-overdue\"[^>]*>)",
        "$1<bpmn:extensionElements><zeebe:properties><zeebe:property name=\"cardcase:workingDays\" value=\"12\" />"
            + "</zeebe:properties></bpmn:extensionElements>");
    assertThat(twelve).contains("value=\"12\"");
    ProcessCatalog model = ProcessCatalog.on(Map.of("card-production.bpmn", twelve.getBytes(StandardCharsets.UTF_8)));
    CaseDeadlines fromModel = new CaseDeadlines(jdbc, calendar, new ProcessLinks(jdbc, new ObjectMapper()), null,
        new CaseRepository(jdbc, audit), null, audit, CLOCK, model, null);
    TestDatabase.insertCase("SC-DL-3", "110105194912310045");
    // Mon 2 Nov 2026 + 12 working days: Wed 18 Nov (the setting of 10 would give Mon 16 Nov)
    assertThat(fromModel.once("SC-DL-3", "productionDueAt", china("2026-11-02T10:00"), 10)).isEqualTo(china("2026-11-18T17:30"));
    assertThat(fromModel.of("SC-DL-3").get(0).workingDays()).isEqualTo(12);
    // a deadline the model says nothing about keeps its setting
    assertThat(fromModel.workingDays("pickupDueAt", 15)).isEqualTo(15);
    // the shipped models carry the deadlines the guides and the settings give
    ProcessCatalog shipped = new ProcessCatalog();
    assertThat(shipped.workingDaysOf("reviewDueAt")).hasValue(2);
    assertThat(shipped.workingDaysOf("collectionFinalDueAt")).hasValue(60);
    assertThat(shipped.workingDaysOf("pickupDueAt")).hasValue(15);
  }
}
