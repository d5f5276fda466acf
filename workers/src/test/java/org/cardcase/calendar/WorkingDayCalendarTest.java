package org.cardcase.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class WorkingDayCalendarTest {
  final WorkingDayCalendar cal = WorkingDayCalendar.official();

  @Test
  void makeUpSaturdaysWorkAndWeekdayHolidaysDoNot() {
    assertThat(cal.isWorkingDay(LocalDate.of(2026, 2, 14))).as("Sat 14 Feb 2026, Spring Festival make-up day").isTrue();
    assertThat(cal.isWorkingDay(LocalDate.of(2026, 2, 16))).as("Mon 16 Feb 2026, Spring Festival").isFalse();
    assertThat(cal.isWorkingDay(LocalDate.of(2026, 1, 4))).as("Sun 4 Jan 2026, make-up day").isTrue();
    assertThat(cal.isWorkingDay(LocalDate.of(2026, 11, 21))).as("an ordinary Saturday").isFalse();
    assertThat(cal.isWorkingDay(LocalDate.of(2026, 11, 23))).as("an ordinary Monday").isTrue();
  }

  @Test
  void fifteenWorkingDaysAcrossTheSpringFestival() {
    // accepted Mon 2 Feb 2026: 2-6 Feb (4 after the start), 9-13 (9), Sat 14 make-up (10),
    // 15-23 holiday, 24-27 (14), Sat 28 make-up (15)
    WorkingDayCalendar.Result r = cal.addWorkingDays(LocalDate.of(2026, 2, 2), 15);
    assertThat(r.date()).isEqualTo(LocalDate.of(2026, 2, 28));
    assertThat(r.provisional()).isFalse();
  }

  @Test
  void theStartDayNeverCountsEvenWhenItIsAHoliday() {
    assertThat(cal.addWorkingDays(LocalDate.of(2025, 10, 1), 1).date()).isEqualTo(LocalDate.of(2025, 10, 9));
    assertThat(cal.addWorkingDays(LocalDate.of(2026, 11, 23), 0).date()).isEqualTo(LocalDate.of(2026, 11, 23));
  }

  @Test
  void aResultInAYearWithoutArrangementIsProvisional() {
    WorkingDayCalendar.Result r = cal.addWorkingDays(LocalDate.of(2026, 12, 24), 10);
    assertThat(r.date()).isEqualTo(LocalDate.of(2027, 1, 7)); // ordinary week assumed for 2027
    assertThat(r.provisional()).isTrue();
    assertThat(cal.addWorkingDays(LocalDate.of(2026, 12, 1), 5).provisional()).isFalse();
  }

  @Test
  void workingDaysBetweenCountsTheEndAndNotTheStart() {
    assertThat(cal.workingDaysBetween(LocalDate.of(2026, 2, 2), LocalDate.of(2026, 2, 28))).isEqualTo(15);
    assertThat(cal.workingDaysBetween(LocalDate.of(2026, 2, 28), LocalDate.of(2026, 2, 2))).isEqualTo(-15);
    assertThat(cal.workingDaysBetween(LocalDate.of(2026, 11, 23), LocalDate.of(2026, 11, 23))).isZero();
  }

  @Test
  void deadlinesAreCloseOfBusinessInChinaTime() {
    // Sunday 22 Nov 2026 13:00 UTC (21:00 in Beijing) + 2 working days = Tue 24 Nov 17:30 CST
    assertThat(cal.deadline(Instant.parse("2026-11-22T13:00:00Z"), 2)).isEqualTo(Instant.parse("2026-11-24T09:30:00Z"));
  }

  @Test
  void negativeDaysAreRefused() {
    assertThatThrownBy(() -> cal.addWorkingDays(LocalDate.of(2026, 1, 5), -1)).hasMessageContaining("negative");
  }
}
