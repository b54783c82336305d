package io.yibao.sandbox.collection;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window rules on fixed dates: the HTTP tests run on whatever day it is. */
class CollectionPolicyTest {

  private final CollectionPolicy policy = CollectionPolicy.defaults();

  @Test
  void amountsAreSetPerYearFromTheFirstYear() {
    assertEquals(-1, policy.amountFen(2019));
    assertEquals(40_000, policy.amountFen(2020));
    assertEquals(38_000, policy.amountFen(2025));
    assertEquals(40_000, policy.amountFen(2027));
  }

  @Test
  void theWindowRunsFromSeptemberToDecemberOfThePreviousYear() {
    assertFalse(policy.windowOpen(2027, LocalDate.of(2026, 8, 31)));
    assertTrue(policy.windowOpen(2027, LocalDate.of(2026, 9, 1)));
    assertTrue(policy.windowOpen(2027, LocalDate.of(2026, 12, 31)));
    assertFalse(policy.windowOpen(2027, LocalDate.of(2027, 1, 1)));
  }

  @Test
  void paymentsOpenWithTheWindowAndLatePaymentsAreStillTaken() {
    assertFalse(policy.accepts(2027, LocalDate.of(2026, 8, 31)));
    assertTrue(policy.accepts(2027, LocalDate.of(2026, 9, 1)));
    assertTrue(policy.accepts(2027, LocalDate.of(2027, 3, 1)), "late enrolment, with a waiting period");
    assertFalse(policy.accepts(2019, LocalDate.of(2019, 3, 1)), "not a collected year");
  }

  @Test
  void theCollectingYearTurnsOverWhenTheWindowOpens() {
    assertEquals(2026, policy.collectingYear(LocalDate.of(2026, 8, 31)));
    assertEquals(2027, policy.collectingYear(LocalDate.of(2026, 9, 1)));
    assertEquals(2027, policy.collectingYear(LocalDate.of(2027, 1, 1)));
  }
}
