package io.yibao.gateway.contribution;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waiting-period rules of DESIGN.md §4, case by case, for benefit year 2027. */
class WaitingPeriodsTest {

  static final LocalDate ADULT = LocalDate.of(1980, 5, 1);

  @Test
  void inWindowPayerWaitsForNothing() {
    var w = WaitingPeriods.of(2027, 2026, ADULT, true);
    assertEquals(0, w.months());
    assertEquals(LocalDate.of(2027, 1, 1), WaitingPeriods.benefitsFrom(2027, LocalDate.of(2026, 11, 22), w.months()));
  }

  @Test
  void latePayerWaitsThreeMonthsFromPaying() {
    var w = WaitingPeriods.of(2027, 2026, ADULT, false);
    assertEquals(3, w.months());
    assertEquals(LocalDate.of(2027, 6, 10), WaitingPeriods.benefitsFrom(2027, LocalDate.of(2027, 3, 10), w.months()));
  }

  @Test
  void oneLapsedYearAddsAMonthThatBackPayingRemoves() {
    var w = WaitingPeriods.of(2027, 2025, ADULT, true);
    assertEquals(1, w.lapsedYears());
    assertEquals(4, w.months());
    assertEquals(3, w.monthsIfBackPaid());
  }

  @Test
  void fourLapsedYearsMeanAtLeastSixFixedMonths() {
    var w = WaitingPeriods.of(2027, 2022, ADULT, true);
    assertEquals(4, w.lapsedYears());
    assertEquals(10, w.months(), "6 fixed + 4 variable");
    assertEquals(6, w.monthsIfBackPaid());
  }

  @Test
  void newbornsWaitForNothing() {
    var w = WaitingPeriods.of(2027, 0, LocalDate.of(2026, 8, 3), false);
    assertTrue(w.newborn());
    assertEquals(0, w.months());
  }

  @Test
  void firstEnrolmentCountsOnlyTheWindow() {
    assertEquals(0, WaitingPeriods.of(2027, 0, ADULT, true).months());
    assertEquals(3, WaitingPeriods.of(2027, 0, ADULT, false).months());
  }
}
