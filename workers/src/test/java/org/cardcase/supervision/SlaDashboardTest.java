package org.cardcase.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.search.TestReadModel.caseDocument;
import static org.cardcase.search.TestReadModel.caseOf;
import static org.cardcase.search.TestReadModel.china;
import static org.cardcase.search.TestReadModel.task;
import static org.cardcase.search.TestReadModel.visit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository.StepVisit;
import org.cardcase.search.CaseIndex;
import org.cardcase.search.IndexFilter;
import org.cardcase.search.StepVisitDocument;
import org.cardcase.search.TaskDocument;
import org.cardcase.search.TestReadModel;
import org.cardcase.tasks.TaskStore.TaskHistory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervisors' figures on a known history, aggregated by a real Elasticsearch node (the one
 * the read-model tests share, {@link TestReadModel}): what is breached, at risk and unassigned now;
 * compliance per week; throughput and cycle time; workload per clerk; and the tasks behind a number.
 */
class SlaDashboardTest {
  /** Wednesday 2 December 2026, 10:00 in China. */
  static final Instant NOW = china(2026, 12, 2, 10, 0);
  static SlaDashboard dashboard;

  @BeforeAll
  static void history() {
    CaseIndex index = TestReadModel.index("dash");
    WorkingDayCalendar calendar = WorkingDayCalendar.official();
    dashboard = new SlaDashboard(TestReadModel.queries(index), () -> calendar);

    // three applications received this week and last, one of them closed; one loss report closed too
    CaseRecord a = caseOf("A", "CARD_APPLICATION", china(2026, 11, 27, 9, 0), china(2026, 12, 1, 15, 0));
    CaseRecord b = caseOf("B", "CARD_APPLICATION", china(2026, 12, 1, 9, 0), null);
    CaseRecord c = caseOf("C", "CARD_APPLICATION", china(2026, 12, 2, 8, 0), null);
    CaseRecord d = caseOf("D", "LOSS_REPORT", china(2026, 11, 20, 9, 0), china(2026, 11, 26, 9, 0));
    List<TaskDocument> tasks = new ArrayList<>();
    // open: breached and nobody's; at risk (due tomorrow noon) and claimed; on track and claimed
    tasks.add(task(open(1, "C", "compare-photos", "verification", null, china(2026, 12, 1, 17, 30)), c));
    tasks.add(task(open(2, "B", "compare-photos", "verification", "clerk", china(2026, 12, 3, 12, 0)), b));
    tasks.add(task(open(3, "B", "collect-card", "card-centre", "clerk", china(2026, 12, 10, 17, 30)), b));
    // still marked open, but its case is closed: not backlog
    tasks.add(task(open(4, "A", "collect-card", "card-centre", null, china(2026, 11, 30, 17, 30)), a));
    // finished today by the clerk, within its deadline, one hour after claiming it
    tasks.add(task(new TaskHistory(5, "A", "compare-photos", "card-application", "verification", "clerk", "COMPLETED",
        china(2026, 11, 30, 9, 0), china(2026, 12, 3, 17, 30), china(2026, 12, 2, 8, 0), china(2026, 12, 2, 9, 0), "clerk"), a));
    // finished last week after its deadline
    tasks.add(task(new TaskHistory(6, "D", "formal-report", "loss-report", "card-centre", "clerk2", "COMPLETED",
        china(2026, 11, 20, 9, 0), china(2026, 11, 24, 17, 30), null, china(2026, 11, 25, 10, 0), "clerk2"), d));
    index.index(List.of(caseDocument(a), caseDocument(b), caseDocument(c), caseDocument(d)), tasks, visits(a, b, c));
    TestReadModel.refresh("dash-*");
  }

  @Test
  void theBacklogSaysWhatIsBreachedAtRiskAndUnassignedLeavingOutClosedCases() {
    var f = dashboard.figures(IndexFilter.lastDays(30, NOW), NOW);
    assertThat(f.open()).isEqualTo(3);
    assertThat(f.breached()).isEqualTo(1);
    assertThat(f.atRisk()).isEqualTo(1);
    assertThat(f.unassigned()).isEqualTo(1);
    assertThat(f.backlog()).containsExactlyInAnyOrder(
        new SlaDashboard.StepBacklog("compare-photos", "verification", 2, 1, 1, 1),
        new SlaDashboard.StepBacklog("collect-card", "card-centre", 1, 0, 0, 0));
  }

  @Test
  void complianceIsTheShareOfTasksFinishedByTheirDeadlinePerWeek() {
    var f = dashboard.figures(IndexFilter.lastDays(30, NOW), NOW);
    var weeks = f.compliance();
    assertThat(weeks).contains(new SlaDashboard.Week(LocalDate.of(2026, 11, 23), 1, 0),
        new SlaDashboard.Week(LocalDate.of(2026, 11, 30), 1, 1));
    // empty weeks of the range are there too, so the chart has no gaps
    assertThat(weeks.getFirst().weekStart()).isBeforeOrEqualTo(LocalDate.of(2026, 11, 3));
    assertThat(weeks.stream().filter(w -> w.withDeadline() == 0).findFirst().orElseThrow().share()).isNull();
  }

  @Test
  void throughputAndCycleTimeCountCasesReceivedAndClosedInWorkingDays() {
    var f = dashboard.figures(IndexFilter.lastDays(30, NOW), NOW);
    assertThat(f.throughput()).contains(new SlaDashboard.Day(LocalDate.of(2026, 11, 27), 1, 0),
        new SlaDashboard.Day(LocalDate.of(2026, 12, 1), 1, 1), new SlaDashboard.Day(LocalDate.of(2026, 12, 2), 1, 0));
    // A: received Friday 27 November, closed Tuesday 1 December = 2 working days; D: Friday 20 to Thursday 26 = 4
    assertThat(f.cycleDaysByProcess()).containsExactlyInAnyOrder(new SlaDashboard.Spread("CARD_APPLICATION", 1, 2.0, 2.0),
        new SlaDashboard.Spread("LOSS_REPORT", 1, 4.0, 4.0));
    assertThat(f.hoursByStep()).contains(new SlaDashboard.Spread("compare-photos", 1, 48.0, 48.0));
  }

  @Test
  void workloadPerClerkCountsClaimedAndFinishedTodayWithTheMedianHandlingTime() {
    var f = dashboard.figures(IndexFilter.lastDays(30, NOW), NOW);
    assertThat(f.clerks()).containsExactly(new SlaDashboard.Clerk("clerk", 2, 1, 1.0));
  }

  @Test
  void everyNumberLeadsToTheTasksBehindItAndFiltersNarrowThem() {
    var all = IndexFilter.lastDays(30, NOW);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.BREACHED, null, null, null, NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(1L);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.OPEN, "compare-photos", "verification", null, NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(1L, 2L);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.CLAIMED, null, null, "clerk", NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(2L, 3L);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.FINISHED_TODAY, null, null, "clerk", NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(5L);
    var cardCentre = new IndexFilter(all.from(), all.to(), null, null, null, "card-centre", null);
    var f = dashboard.figures(cardCentre, NOW);
    assertThat(f.open()).isEqualTo(1);
    assertThat(f.breached()).isZero();
    assertThat(dashboard.filterValues().get("group")).containsExactly("card-centre", "verification");
  }

  @Test
  void theHeatmapShowsTimeSpentAtEachStepAndTheCasesThereNow() {
    var heat = dashboard.heat(IndexFilter.lastDays(30, NOW));
    var received = heat.stream().filter(h -> h.step().equals("received")).findFirst().orElseThrow();
    assertThat(received.waiting()).isZero();
    assertThat(received.finished()).isEqualTo(3);
    assertThat(received.p50Hours()).isEqualTo(2.0);
    // A stayed from Friday 27 November 12:00 until it closed on Tuesday 1 December 15:00; B and C are there now
    assertThat(heat).contains(new SlaDashboard.Heat("compare-photos", 2, 1, 99.0, 99.0));
    assertThat(dashboard.waitingAt(IndexFilter.lastDays(30, NOW), List.of("compare-photos"), 10))
        .extracting(StepVisitDocument::caseNumber).containsExactly("B", "C");
  }

  /** A and B and C each arrived, were registered, then waited for the photo comparison (A until it closed). */
  static List<StepVisitDocument> visits(CaseRecord a, CaseRecord b, CaseRecord c) {
    List<StepVisitDocument> out = new ArrayList<>();
    for (CaseRecord x : List.of(a, b, c)) {
      long receivedHours = x == a ? 3 : x == b ? 2 : 1;
      Instant registered = x.createdAt().plusSeconds(receivedHours * 3600);
      out.add(visit(new StepVisit(x.caseNumber(), "received", x.createdAt(), registered), 1, x, WorkingDayCalendar.official(), null));
      out.add(visit(new StepVisit(x.caseNumber(), "compare-photos", registered, x.closedAt()), 2, x, WorkingDayCalendar.official(),
          china(2026, 12, 4, 17, 30)));
    }
    return out;
  }

  static TaskHistory open(long id, String cn, String step, String group, String assignee, Instant due) {
    return new TaskHistory(id, cn, step, "card-application", group, assignee, "OPEN", NOW.minusSeconds(86_400), due,
        assignee == null ? null : NOW.minusSeconds(3600), null, null);
  }
}
