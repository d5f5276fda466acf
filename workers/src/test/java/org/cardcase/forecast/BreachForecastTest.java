package org.cardcase.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.search.TestReadModel.caseOf;
import static org.cardcase.search.TestReadModel.china;
import static org.cardcase.search.TestReadModel.visit;
import static org.cardcase.search.TestReadModel.withBank;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository.StepVisit;
import org.cardcase.search.CaseIndex;
import org.cardcase.search.IndexFilter;
import org.cardcase.search.StepVisitDocument;
import org.cardcase.search.TestReadModel;
import org.junit.jupiter.api.Test;

/**
 * The breach forecast on known histories of stays at steps, aggregated by a real Elasticsearch node
 * (the one the read-model tests share, {@link TestReadModel}); each history in indices of its own:
 * which cases it flags and why, per bank at the bank's step, and how it did on stays that are over.
 */
class BreachForecastTest {
  /** Wednesday 2 December 2026, 10:00 in China. */
  static final Instant NOW = china(2026, 12, 2, 10, 0);

  @Test
  void theForecastFlagsCasesGivenLessTimeThanTheirStepUsuallyTakesAndSaysWhy() {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    List<StepVisitDocument> visits = new ArrayList<>();
    // history: 30 finished stays at the bank, most of 6 working days (the median), a few quicker
    for (int i = 0; i < 30; i++) {
      Instant entered = china(2026, 10, 12, 9, 0).plusSeconds(i * 3600L);
      Instant left = cal.deadline(entered, i < 20 ? 6 : 3);
      CaseRecord done = caseOf("H" + i, "CARD_APPLICATION", entered, left);
      visits.add(visit(new StepVisit(done.caseNumber(), "wait-card-produced", entered, left), 1, done, cal, null));
    }
    // and only 5 at the photo comparison: too little to say anything
    for (int i = 0; i < 5; i++) {
      Instant entered = china(2026, 10, 12, 9, 0);
      CaseRecord done = caseOf("K" + i, "CARD_APPLICATION", entered, cal.deadline(entered, 5));
      visits.add(visit(new StepVisit(done.caseNumber(), "compare-photos", entered, done.closedAt()), 1, done, cal, null));
    }
    Instant yesterday = china(2026, 12, 1, 10, 0);
    // given 2 working days at the bank (usually 6): flagged. Given 10: on track. Given 1 at the photos: no history
    visits.add(waiting("TIGHT", "wait-card-produced", yesterday, cal.deadline(yesterday, 2), cal));
    visits.add(waiting("ROOMY", "wait-card-produced", yesterday, cal.deadline(yesterday, 10), cal));
    visits.add(waiting("NOHISTORY", "compare-photos", yesterday, cal.deadline(yesterday, 1), cal));
    // already past its deadline: breached, which the dashboard counts already; not a forecast
    visits.add(waiting("LATE", "wait-card-produced", china(2026, 11, 20, 10, 0), china(2026, 11, 27, 17, 30), cal));
    BreachForecast forecasts = forecastsOn("fc", visits, cal);

    // the bank step: the step's norm and the bank's own (all 30 were ICBC's)
    assertThat(forecasts.readNorms(NOW)).containsOnlyKeys("wait-card-produced", "wait-card-produced@ICBC");
    assertThat(forecasts.readNorms(NOW).get("wait-card-produced").medianWorkingDays()).isEqualTo(6.0);
    BreachForecast.LikelyLate late = forecasts.likelyLate(IndexFilter.lastDays(30, NOW), NOW, 50);
    assertThat(late.total()).isEqualTo(1);
    BreachForecast.Forecast f = late.cases().get(0);
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
      visits.add(visit(new StepVisit(done.caseNumber(), "wait-card-produced", entered, left), 1, done, cal, cal.deadline(entered, 10)));
    }
    return visits;
  }

  /** A forecast that reads these stays only (indices of their own under {@code prefix}). */
  static BreachForecast forecastsOn(String prefix, List<StepVisitDocument> visits, WorkingDayCalendar cal) {
    CaseIndex fc = TestReadModel.index(prefix);
    fc.index(List.of(), List.of(), visits);
    TestReadModel.refresh(fc.visitIndexName());
    return new BreachForecast(TestReadModel.queries(fc), () -> cal);
  }

  @Test
  void aCaseThatHasWaitedLongIsComparedWithTheCasesThatWaitedAsLong() {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    List<StepVisitDocument> visits = new ArrayList<>(longTail(cal));
    // both given 10 working days, more than the step's median of 3: one arrived today, one 5 working days ago
    Instant today = china(2026, 12, 2, 9, 0);
    Instant fiveAgo = china(2026, 11, 25, 9, 0);
    visits.add(waiting("FRESH", "wait-card-produced", today, cal.deadline(today, 10), cal));
    visits.add(waiting("WAITED", "wait-card-produced", fiveAgo, cal.deadline(fiveAgo, 10), cal));
    BreachForecast forecasts = forecastsOn("fw", visits, cal);

    assertThat(forecasts.readNorms(NOW).get("wait-card-produced").medianWorkingDays()).isEqualTo(3.0);
    BreachForecast.LikelyLate late = forecasts.likelyLate(IndexFilter.lastDays(30, NOW), NOW, 50);
    assertThat(late.cases()).extracting(BreachForecast.Forecast::caseNumber).containsExactly("WAITED");
    assertThat(late.total()).isEqualTo(1);
    BreachForecast.Forecast f = late.cases().get(0);
    // the stays that lasted 5 working days or more took 12: past its 10
    assertThat(f.elapsedWorkingDays()).isEqualTo(5);
    assertThat(f.medianWorkingDays()).isEqualTo(12.0);
    assertThat(f.history()).isEqualTo(10);
    assertThat(f.workingDaysLeft()).isEqualTo(5);
    assertThat(f.lateShare()).isEqualTo(1.0);
    assertThat(forecasts.forecast("FRESH", "wait-card-produced", today, cal.deadline(today, 10), NOW)).isEmpty();
  }

  @Test
  void atTheBanksStepEachBankIsJudgedByItsOwnHistory() {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    List<StepVisitDocument> visits = new ArrayList<>();
    // 30 cards from a slow bank took 12 working days, 30 from a quick one 3: the step's median says nothing useful
    for (int i = 0; i < 60; i++) {
      Instant entered = china(2026, 10, 12, 9, 0).plusSeconds(i * 60L);
      Instant left = cal.deadline(entered, i < 30 ? 12 : 3).minusSeconds(3600);
      CaseRecord done = withBank(caseOf("D" + i, "CARD_APPLICATION", entered, left), i < 30 ? "RCC" : "ICBC");
      visits.add(visit(new StepVisit(done.caseNumber(), "wait-card-produced", entered, left), 1, done, cal, cal.deadline(entered, 10)));
    }
    Instant today = china(2026, 12, 2, 9, 0);
    for (String bank : List.of("RCC", "ICBC", "BOC")) {
      CaseRecord open = withBank(caseOf(bank, "CARD_APPLICATION", today, null), bank);
      visits.add(visit(new StepVisit(bank, "wait-card-produced", today, null), 1, open, cal, cal.deadline(today, 10)));
    }
    BreachForecast forecasts = forecastsOn("fk", visits, cal);

    // the slow bank's card, given 10 on its first day, is flagged; the quick bank's is not, nor a bank with no history of its own
    assertThat(forecasts.likelyLate(IndexFilter.lastDays(30, NOW), NOW, 50).cases())
        .extracting(BreachForecast.Forecast::caseNumber).containsExactly("RCC");
    assertThat(forecasts.forecast("RCC", "wait-card-produced", "RCC", today, cal.deadline(today, 10), NOW).orElseThrow()
        .medianWorkingDays()).isEqualTo(12.0);
    assertThat(forecasts.forecast("BOC", "wait-card-produced", "BOC", today, cal.deadline(today, 10), NOW)).isEmpty();
  }

  @Test
  void theForecastIsCheckedOnStaysThatAreOver() {
    WorkingDayCalendar cal = WorkingDayCalendar.official();
    List<StepVisitDocument> visits = new ArrayList<>(longTail(cal));
    // after 2 November, four stays given 10 working days: late (12), quick (2), slow but in time (6), late (11)
    int[] took = {12, 2, 6, 11};
    for (int i = 0; i < took.length; i++) {
      Instant entered = china(2026, 11, 2, 10, 0).plusSeconds(i * 60L);
      Instant left = cal.deadline(entered, took[i]).minusSeconds(3600);
      CaseRecord done = caseOf("B" + i, "CARD_APPLICATION", entered, left);
      visits.add(visit(new StepVisit(done.caseNumber(), "wait-card-produced", entered, left), 1, done, cal, cal.deadline(entered, 10)));
    }
    BreachForecast forecasts = forecastsOn("fb", visits, cal);

    BreachForecast.Accuracy a = forecasts.backtest(china(2026, 11, 2, 0, 0), 30);
    assertThat(a.stays()).isEqualTo(4);
    assertThat(a.late()).isEqualTo(2);
    // flagged from the 4th working day (the stays still there then took 12), 6 working days before the deadline
    assertThat(a.lateFlagged()).isEqualTo(2);
    assertThat(a.flagged()).isEqualTo(3);
    assertThat(a.flaggedOnTime()).isEqualTo(1);
    assertThat(a.medianLeadWorkingDays()).isEqualTo(6.0);
    assertThat(a.flaggedShareOfLate()).isEqualTo(1.0);
    // a lower risk share flags earlier and more: a quarter of all the bank's stays took longer than 10, so from the first day
    BreachForecast.Accuracy eager = forecasts.backtest(china(2026, 11, 2, 0, 0), 30, 0.2);
    assertThat(eager.flagged()).isEqualTo(4);
    assertThat(eager.flaggedOnTime()).isEqualTo(2);
    assertThat(eager.medianLeadWorkingDays()).isEqualTo(10.0);
    // learnt only from what had finished before: nothing before October
    assertThat(forecasts.backtest(china(2026, 10, 1, 0, 0), 30).stays()).isZero();
  }

  static StepVisitDocument waiting(String cn, String step, Instant entered, Instant due, WorkingDayCalendar cal) {
    CaseRecord open = caseOf(cn, "CARD_APPLICATION", entered, null);
    return visit(new StepVisit(cn, step, entered, null), 1, open, cal, due);
  }
}
