package org.cardcase.search;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.HttpHost;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseStatus;
import org.cardcase.infra.InfraProperties;
import org.cardcase.infra.TestPorts;
import org.cardcase.infra.search.ElasticsearchUsers;
import org.cardcase.infra.search.EmbeddedElasticsearch;
import org.cardcase.tasks.TaskStore.TaskHistory;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervisors' figures on a known history, aggregated by a real Elasticsearch node: what is
 * breached, at risk and unassigned now; compliance per week; throughput and cycle time; workload
 * per clerk; and the tasks behind a number.
 */
class SlaDashboardTest {
  static final SearchTokens TOKENS = new SearchTokens(java.util.Base64.getEncoder().encodeToString(new byte[32]), "", "");
  /** Wednesday 2 December 2026, 10:00 in China. */
  static final Instant NOW = china(2026, 12, 2, 10, 0);
  static EmbeddedElasticsearch node;
  static RestClient rest;
  static SlaDashboard dashboard;

  @BeforeAll
  static void history() throws Exception {
    InfraProperties props = new InfraProperties();
    props.setDataDir(Path.of("target", "dashboard-test-" + System.nanoTime()));
    props.getSearch().setPort(TestPorts.free());
    props.getSearch().setDistribution(Path.of(System.getProperty("cardcase.elasticsearch.distribution")));
    node = new EmbeddedElasticsearch(props);
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (!node.started()) {
      assertThat(System.nanoTime()).as("Elasticsearch started").isLessThan(deadline);
      Thread.sleep(300);
    }
    // security is on: this test's indices (prefixes dash and priv) are not the application's cardcase-*, so it signs in
    // as the superuser (the application's own user and its role: ElasticsearchSecurityTest)
    rest = RestClient.builder(HttpHost.create(node.url())).setDefaultHeaders(new org.apache.http.Header[] {
        new org.apache.http.message.BasicHeader("Authorization", node.users().basic(ElasticsearchUsers.SUPERUSER))}).build();
    ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    CaseIndex index = new CaseIndex(TOKENS, new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(mapper))), "dash");
    index.createIfMissing();
    WorkingDayCalendar calendar = WorkingDayCalendar.official();
    dashboard = new SlaDashboard(rest, index, () -> calendar);

    // three applications received this week and last, one of them closed; one loss report closed too
    CaseRecord a = caseOf("A", "CARD_APPLICATION", china(2026, 11, 27, 9, 0), china(2026, 12, 1, 15, 0));
    CaseRecord b = caseOf("B", "CARD_APPLICATION", china(2026, 12, 1, 9, 0), null);
    CaseRecord c = caseOf("C", "CARD_APPLICATION", china(2026, 12, 2, 8, 0), null);
    CaseRecord d = caseOf("D", "LOSS_REPORT", china(2026, 11, 20, 9, 0), china(2026, 11, 26, 9, 0));
    List<TaskDocument> tasks = new ArrayList<>();
    // open: breached and nobody's; at risk (due tomorrow noon) and claimed; on track and claimed
    tasks.add(TaskDocument.of(open(1, "C", "compare-photos", "verification", null, china(2026, 12, 1, 17, 30)), c));
    tasks.add(TaskDocument.of(open(2, "B", "compare-photos", "verification", "clerk", china(2026, 12, 3, 12, 0)), b));
    tasks.add(TaskDocument.of(open(3, "B", "collect-card", "card-centre", "clerk", china(2026, 12, 10, 17, 30)), b));
    // still marked open, but its case is closed: not backlog
    tasks.add(TaskDocument.of(open(4, "A", "collect-card", "card-centre", null, china(2026, 11, 30, 17, 30)), a));
    // finished today by the clerk, within its deadline, one hour after claiming it
    tasks.add(TaskDocument.of(new TaskHistory(5, "A", "compare-photos", "card-application", "verification", "clerk", "COMPLETED",
        china(2026, 11, 30, 9, 0), china(2026, 12, 3, 17, 30), china(2026, 12, 2, 8, 0), china(2026, 12, 2, 9, 0), "clerk"), a));
    // finished last week after its deadline
    tasks.add(TaskDocument.of(new TaskHistory(6, "D", "formal-report", "loss-report", "card-centre", "clerk2", "COMPLETED",
        china(2026, 11, 20, 9, 0), china(2026, 11, 24, 17, 30), null, china(2026, 11, 25, 10, 0), "clerk2"), d));
    index.index(List.of(CaseDocument.of(a, List.of(), calendar, TOKENS), CaseDocument.of(b, List.of(), calendar, TOKENS),
        CaseDocument.of(c, List.of(), calendar, TOKENS), CaseDocument.of(d, List.of(), calendar, TOKENS)), tasks, visits(a, b, c));
    rest.performRequest(new Request("POST", "/_refresh"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (rest != null) {
      rest.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theBacklogSaysWhatIsBreachedAtRiskAndUnassignedLeavingOutClosedCases() {
    var f = dashboard.figures(SlaDashboard.Filter.lastDays(30, NOW), NOW);
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
    var f = dashboard.figures(SlaDashboard.Filter.lastDays(30, NOW), NOW);
    var weeks = f.compliance();
    assertThat(weeks).contains(new SlaDashboard.Week(LocalDate.of(2026, 11, 23), 1, 0),
        new SlaDashboard.Week(LocalDate.of(2026, 11, 30), 1, 1));
    // empty weeks of the range are there too, so the chart has no gaps
    assertThat(weeks.getFirst().weekStart()).isBeforeOrEqualTo(LocalDate.of(2026, 11, 3));
    assertThat(weeks.stream().filter(w -> w.withDeadline() == 0).findFirst().orElseThrow().share()).isNull();
  }

  @Test
  void throughputAndCycleTimeCountCasesReceivedAndClosedInWorkingDays() {
    var f = dashboard.figures(SlaDashboard.Filter.lastDays(30, NOW), NOW);
    assertThat(f.throughput()).contains(new SlaDashboard.Day(LocalDate.of(2026, 11, 27), 1, 0),
        new SlaDashboard.Day(LocalDate.of(2026, 12, 1), 1, 1), new SlaDashboard.Day(LocalDate.of(2026, 12, 2), 1, 0));
    // A: received Friday 27 November, closed Tuesday 1 December = 2 working days; D: Friday 20 to Thursday 26 = 4
    assertThat(f.cycleDaysByProcess()).containsExactlyInAnyOrder(new SlaDashboard.Spread("CARD_APPLICATION", 1, 2.0, 2.0),
        new SlaDashboard.Spread("LOSS_REPORT", 1, 4.0, 4.0));
    assertThat(f.hoursByStep()).contains(new SlaDashboard.Spread("compare-photos", 1, 48.0, 48.0));
  }

  @Test
  void workloadPerClerkCountsClaimedAndFinishedTodayWithTheMedianHandlingTime() {
    var f = dashboard.figures(SlaDashboard.Filter.lastDays(30, NOW), NOW);
    assertThat(f.clerks()).containsExactly(new SlaDashboard.Clerk("clerk", 2, 1, 1.0));
  }

  @Test
  void everyNumberLeadsToTheTasksBehindItAndFiltersNarrowThem() {
    var all = SlaDashboard.Filter.lastDays(30, NOW);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.BREACHED, null, null, null, NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(1L);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.OPEN, "compare-photos", "verification", null, NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(1L, 2L);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.CLAIMED, null, null, "clerk", NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(2L, 3L);
    assertThat(dashboard.tasks(all, SlaDashboard.Slice.FINISHED_TODAY, null, null, "clerk", NOW, 100))
        .extracting(TaskDocument::taskId).containsExactly(5L);
    var cardCentre = new SlaDashboard.Filter(all.from(), all.to(), null, null, null, "card-centre", null);
    var f = dashboard.figures(cardCentre, NOW);
    assertThat(f.open()).isEqualTo(1);
    assertThat(f.breached()).isZero();
    assertThat(dashboard.filterValues().get("group")).containsExactly("card-centre", "verification");
  }

  @Test
  void theHeatmapShowsTimeSpentAtEachStepAndTheCasesThereNow() {
    var heat = dashboard.heat(SlaDashboard.Filter.lastDays(30, NOW));
    var received = heat.stream().filter(h -> h.step().equals("received")).findFirst().orElseThrow();
    assertThat(received.waiting()).isZero();
    assertThat(received.finished()).isEqualTo(3);
    assertThat(received.p50Hours()).isEqualTo(2.0);
    // A stayed from Friday 27 November 12:00 until it closed on Tuesday 1 December 15:00; B and C are there now
    assertThat(heat).contains(new SlaDashboard.Heat("compare-photos", 2, 1, 99.0, 99.0));
    assertThat(dashboard.waitingAt(SlaDashboard.Filter.lastDays(30, NOW), List.of("compare-photos"), 10))
        .extracting(StepVisitDocument::caseNumber).containsExactly("B", "C");
  }

  @Test
  void theForecastFlagsCasesGivenLessTimeThanTheirStepUsuallyTakesAndSaysWhy() throws Exception {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    CaseIndex fc = new CaseIndex(TOKENS, new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(
        new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)))), "fc");
    fc.createIfMissing();
    SlaDashboard forecasts = new SlaDashboard(rest, fc, () -> cal);
    List<StepVisitDocument> visits = new ArrayList<>();
    // history: 30 finished stays at the bank, most of 6 working days (the median), a few quicker
    for (int i = 0; i < 30; i++) {
      Instant entered = china(2026, 10, 12, 9, 0).plusSeconds(i * 3600L);
      Instant left = cal.deadline(entered, i < 20 ? 6 : 3);
      CaseRecord done = caseOf("H" + i, "CARD_APPLICATION", entered, left);
      visits.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(done.caseNumber(), "wait-card-produced",
          entered, left), 1, done, cal, null));
    }
    // and only 5 at the photo comparison: too little to say anything
    for (int i = 0; i < 5; i++) {
      Instant entered = china(2026, 10, 12, 9, 0);
      CaseRecord done = caseOf("K" + i, "CARD_APPLICATION", entered, cal.deadline(entered, 5));
      visits.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(done.caseNumber(), "compare-photos",
          entered, done.closedAt()), 1, done, cal, null));
    }
    Instant yesterday = china(2026, 12, 1, 10, 0);
    // given 2 working days at the bank (usually 6): flagged. Given 10: on track. Given 1 at the photos: no history
    visits.add(waiting("TIGHT", "wait-card-produced", yesterday, cal.deadline(yesterday, 2), cal));
    visits.add(waiting("ROOMY", "wait-card-produced", yesterday, cal.deadline(yesterday, 10), cal));
    visits.add(waiting("NOHISTORY", "compare-photos", yesterday, cal.deadline(yesterday, 1), cal));
    // already past its deadline: breached, which the dashboard counts already; not a forecast
    visits.add(waiting("LATE", "wait-card-produced", china(2026, 11, 20, 10, 0), china(2026, 11, 27, 17, 30), cal));
    fc.index(List.of(), List.of(), visits);
    rest.performRequest(new Request("POST", "/" + fc.visitIndexName() + "/_refresh"));

    // the bank step: the step's norm and the bank's own (all 30 were ICBC's)
    assertThat(forecasts.readNorms(NOW)).containsOnlyKeys("wait-card-produced", "wait-card-produced@ICBC");
    assertThat(forecasts.readNorms(NOW).get("wait-card-produced").medianWorkingDays()).isEqualTo(6.0);
    SlaDashboard.LikelyLate late = forecasts.likelyLate(SlaDashboard.Filter.lastDays(30, NOW), NOW, 50);
    assertThat(late.total()).isEqualTo(1);
    SlaDashboard.Forecast f = late.cases().get(0);
    assertThat(f.caseNumber()).isEqualTo("TIGHT");
    // the reason a supervisor reads: usually 6 working days, it was given 2, and 1 is left today
    assertThat(f.medianWorkingDays()).isEqualTo(6.0);
    assertThat(f.allowedWorkingDays()).isEqualTo(2);
    assertThat(f.workingDaysLeft()).isEqualTo(1);
    assertThat(f.history()).isEqualTo(30);
    // the same rule for one task in a queue
    assertThat(forecasts.forecast("ROOMY", "wait-card-produced", yesterday, cal.deadline(yesterday, 10), NOW)).isEmpty();
    assertThat(forecasts.forecast("TIGHT", "wait-card-produced", yesterday, cal.deadline(yesterday, 2), NOW)).isPresent();
    assertThat(forecasts.forecast("NOHISTORY", "compare-photos", yesterday, cal.deadline(yesterday, 1), NOW)).isEmpty();
  }

  /** 30 stays at the bank of 3 working days and 10 of 12, finished in October: most are quick, some are very slow. */
  static List<StepVisitDocument> longTail(WorkingDayCalendar cal) {
    List<StepVisitDocument> visits = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Instant entered = china(2026, 10, 12, 9, 0).plusSeconds(i * 60L);
      Instant left = cal.deadline(entered, i < 30 ? 3 : 12).minusSeconds(3600);
      CaseRecord done = caseOf("T" + i, "CARD_APPLICATION", entered, left);
      visits.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(done.caseNumber(), "wait-card-produced",
          entered, left), 1, done, cal, cal.deadline(entered, 10)));
    }
    return visits;
  }

  static SlaDashboard forecastsOn(String prefix, List<StepVisitDocument> visits, WorkingDayCalendar cal) throws Exception {
    CaseIndex fc = new CaseIndex(TOKENS, new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(
        new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)))), prefix);
    fc.createIfMissing();
    fc.index(List.of(), List.of(), visits);
    rest.performRequest(new Request("POST", "/" + fc.visitIndexName() + "/_refresh"));
    return new SlaDashboard(rest, fc, () -> cal);
  }

  @Test
  void aCaseThatHasWaitedLongIsComparedWithTheCasesThatWaitedAsLong() throws Exception {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    List<StepVisitDocument> visits = new ArrayList<>(longTail(cal));
    // both given 10 working days, more than the step's median of 3: one arrived today, one 5 working days ago
    Instant today = china(2026, 12, 2, 9, 0);
    Instant fiveAgo = china(2026, 11, 25, 9, 0);
    visits.add(waiting("FRESH", "wait-card-produced", today, cal.deadline(today, 10), cal));
    visits.add(waiting("WAITED", "wait-card-produced", fiveAgo, cal.deadline(fiveAgo, 10), cal));
    SlaDashboard forecasts = forecastsOn("fw", visits, cal);

    assertThat(forecasts.readNorms(NOW).get("wait-card-produced").medianWorkingDays()).isEqualTo(3.0);
    SlaDashboard.LikelyLate late = forecasts.likelyLate(SlaDashboard.Filter.lastDays(30, NOW), NOW, 50);
    assertThat(late.cases()).extracting(SlaDashboard.Forecast::caseNumber).containsExactly("WAITED");
    assertThat(late.total()).isEqualTo(1);
    SlaDashboard.Forecast f = late.cases().get(0);
    // the stays that lasted 5 working days or more took 12: past its 10
    assertThat(f.elapsedWorkingDays()).isEqualTo(5);
    assertThat(f.medianWorkingDays()).isEqualTo(12.0);
    assertThat(f.history()).isEqualTo(10);
    assertThat(f.workingDaysLeft()).isEqualTo(5);
    assertThat(f.lateShare()).isEqualTo(1.0);
    assertThat(forecasts.forecast("FRESH", "wait-card-produced", today, cal.deadline(today, 10), NOW)).isEmpty();
  }

  @Test
  void atTheBanksStepEachBankIsJudgedByItsOwnHistory() throws Exception {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    List<StepVisitDocument> visits = new ArrayList<>();
    // 30 cards from a slow bank took 12 working days, 30 from a quick one 3: the step's median says nothing useful
    for (int i = 0; i < 60; i++) {
      Instant entered = china(2026, 10, 12, 9, 0).plusSeconds(i * 60L);
      Instant left = cal.deadline(entered, i < 30 ? 12 : 3).minusSeconds(3600);
      CaseRecord done = withBank(caseOf("D" + i, "CARD_APPLICATION", entered, left), i < 30 ? "RCC" : "ICBC");
      visits.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(done.caseNumber(), "wait-card-produced",
          entered, left), 1, done, cal, cal.deadline(entered, 10)));
    }
    Instant today = china(2026, 12, 2, 9, 0);
    for (String bank : List.of("RCC", "ICBC", "BOC")) {
      CaseRecord open = withBank(caseOf(bank, "CARD_APPLICATION", today, null), bank);
      visits.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(bank, "wait-card-produced", today, null), 1,
          open, cal, cal.deadline(today, 10)));
    }
    SlaDashboard forecasts = forecastsOn("fk", visits, cal);

    // the slow bank's card, given 10 on its first day, is flagged; the quick bank's is not, nor a bank with no history of its own
    assertThat(forecasts.likelyLate(SlaDashboard.Filter.lastDays(30, NOW), NOW, 50).cases())
        .extracting(SlaDashboard.Forecast::caseNumber).containsExactly("RCC");
    assertThat(forecasts.forecast("RCC", "wait-card-produced", "RCC", today, cal.deadline(today, 10), NOW).orElseThrow()
        .medianWorkingDays()).isEqualTo(12.0);
    assertThat(forecasts.forecast("BOC", "wait-card-produced", "BOC", today, cal.deadline(today, 10), NOW)).isEmpty();
  }

  @Test
  void theIndexHoldsNoPlainPersonalDataAndStillFindsByWholeNameIdAndCardNumber() throws Exception {
    CaseRecord c = new CaseRecord("SCPRIV0001", "CARD_APPLICATION", org.cardcase.cases.CaseStatus.RECEIVED, "compare-photos",
        "web-portal", "欧阳娜娜", "11010519800101231X", "FEMALE", "13912345678", "ICBC", NOW, NOW, null);
    // an index of its own, so the dashboard's figures stay those of its history
    CaseIndex caseIndex = new CaseIndex(TOKENS, new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(
        new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)))), "priv");
    // an index of an earlier version, which held names and ID numbers in plain, is dropped
    rest.performRequest(new org.elasticsearch.client.Request("PUT", "/priv-cases-v5"));
    caseIndex.createIfMissing();
    assertThat(rest.performRequest(new org.elasticsearch.client.Request("HEAD", "/priv-cases-v5")).getStatusLine().getStatusCode())
        .isEqualTo(404);
    caseIndex.index(List.of(CaseDocument.of(c, List.of("A87654321"), WorkingDayCalendar.official(), TOKENS)));
    rest.performRequest(new org.elasticsearch.client.Request("POST", "/" + caseIndex.name() + "/_refresh"));
    String raw = new String(rest.performRequest(new org.elasticsearch.client.Request("GET",
        "/" + caseIndex.name() + "/_doc/SCPRIV0001")).getEntity().getContent().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    // what anyone who can read the index sees: no name, ID number, phone or card number in full
    assertThat(raw).contains("SCPRIV0001").contains("欧***").contains("110105********231X").contains("139****5678")
        .doesNotContain("欧阳娜娜").doesNotContain("阳娜").doesNotContain("11010519800101231X").doesNotContain("19800101")
        .doesNotContain("13912345678").doesNotContain("A87654321");
    // found by the whole name (spaces and case aside), the whole ID number (x or X), the card number
    assertThat(caseIndex.search("欧阳 娜娜", 10)).extracting(CaseHit::caseNumber).containsExactly("SCPRIV0001");
    assertThat(caseIndex.search("11010519800101231x", 10)).singleElement()
        .satisfies(h -> assertThat(h.matched()).containsExactly("idNumber"));
    assertThat(caseIndex.search("a87654321", 10)).extracting(CaseHit::caseNumber).containsExactly("SCPRIV0001");
    assertThat(caseIndex.search("SCPRIV", 10)).extracting(CaseHit::caseNumber).containsExactly("SCPRIV0001");
    // the honest limit: a part of a name or number is not found (the index does not hold the parts)
    assertThat(caseIndex.search("娜娜", 10)).isEmpty();
    assertThat(caseIndex.search("110105198001", 10)).isEmpty();
  }

  static CaseRecord withBank(CaseRecord c, String bank) {
    return new CaseRecord(c.caseNumber(), c.caseType(), c.status(), c.currentStep(), c.channel(), c.applicantName(), c.idNumber(),
        c.sex(), c.phone(), bank, c.createdAt(), c.updatedAt(), c.closedAt());
  }

  @Test
  void theForecastIsCheckedOnStaysThatAreOver() throws Exception {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    List<StepVisitDocument> visits = new ArrayList<>(longTail(cal));
    // after 2 November, four stays given 10 working days: late (12), quick (2), slow but in time (6), late (11)
    int[] took = {12, 2, 6, 11};
    for (int i = 0; i < took.length; i++) {
      Instant entered = china(2026, 11, 2, 10, 0).plusSeconds(i * 60L);
      Instant left = cal.deadline(entered, took[i]).minusSeconds(3600);
      CaseRecord done = caseOf("B" + i, "CARD_APPLICATION", entered, left);
      visits.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(done.caseNumber(), "wait-card-produced",
          entered, left), 1, done, cal, cal.deadline(entered, 10)));
    }
    SlaDashboard forecasts = forecastsOn("fb", visits, cal);

    SlaDashboard.Accuracy a = forecasts.backtest(china(2026, 11, 2, 0, 0), 30);
    assertThat(a.stays()).isEqualTo(4);
    assertThat(a.late()).isEqualTo(2);
    // flagged from the 4th working day (the stays still there then took 12), 6 working days before the deadline
    assertThat(a.lateFlagged()).isEqualTo(2);
    assertThat(a.flagged()).isEqualTo(3);
    assertThat(a.flaggedOnTime()).isEqualTo(1);
    assertThat(a.medianLeadWorkingDays()).isEqualTo(6.0);
    assertThat(a.flaggedShareOfLate()).isEqualTo(1.0);
    // a lower risk share flags earlier and more: a quarter of all the bank's stays took longer than 10, so from the first day
    SlaDashboard.Accuracy eager = forecasts.backtest(china(2026, 11, 2, 0, 0), 30, 0.2);
    assertThat(eager.flagged()).isEqualTo(4);
    assertThat(eager.flaggedOnTime()).isEqualTo(2);
    assertThat(eager.medianLeadWorkingDays()).isEqualTo(10.0);
    // learnt only from what had finished before: nothing before October
    assertThat(forecasts.backtest(china(2026, 10, 1, 0, 0), 30).stays()).isZero();
  }

  static StepVisitDocument waiting(String cn, String step, Instant entered, Instant due, WorkingDayCalendar cal) {
    CaseRecord open = caseOf(cn, "CARD_APPLICATION", entered, null);
    return StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(cn, step, entered, null), 1, open, cal, due);
  }

  /** A and B and C each arrived, were registered, then waited for the photo comparison (A until it closed). */
  static List<StepVisitDocument> visits(CaseRecord a, CaseRecord b, CaseRecord c) {
    List<StepVisitDocument> out = new ArrayList<>();
    for (CaseRecord x : List.of(a, b, c)) {
      long receivedHours = x == a ? 3 : x == b ? 2 : 1;
      Instant registered = x.createdAt().plusSeconds(receivedHours * 3600);
      out.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(x.caseNumber(), "received", x.createdAt(),
          registered), 1, x, WorkingDayCalendar.official(), null));
      out.add(StepVisitDocument.of(new org.cardcase.cases.CaseRepository.StepVisit(x.caseNumber(), "compare-photos", registered,
          x.closedAt()), 2, x, WorkingDayCalendar.official(), china(2026, 12, 4, 17, 30)));
    }
    return out;
  }

  static TaskHistory open(long id, String cn, String step, String group, String assignee, Instant due) {
    return new TaskHistory(id, cn, step, "card-application", group, assignee, "OPEN", NOW.minusSeconds(86_400), due,
        assignee == null ? null : NOW.minusSeconds(3600), null, null);
  }

  static CaseRecord caseOf(String cn, String type, Instant created, Instant closed) {
    return new CaseRecord(cn, type, closed == null ? CaseStatus.IN_PROGRESS : CaseStatus.COMPLETED, "step", "web-portal",
        "段誉", "110105199004041002", "MALE", "13812345678", "ICBC", created, closed == null ? created : closed, closed);
  }

  static Instant china(int y, int m, int d, int h, int min) {
    return LocalDateTime.of(y, m, d, h, min).atZone(WorkingDayCalendar.ZONE).toInstant();
  }
}
