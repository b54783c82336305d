package io.yibao.gateway.filing;

import io.vertx.core.json.JsonArray;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The category rules at their boundaries, one rule at a time, with the shipped defaults. */
class FilingRulesTest {

  static final GatewayConfig.Filing DEFAULTS = new GatewayConfig.Filing(6, 6, 12, 30, 6, 180, 24);
  static final FilingRules RULES = new FilingRules(DEFAULTS);
  static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

  static ProblemCode refused(Runnable r) {
    return assertThrows(ProblemException.class, r::run).code();
  }

  static FilingRules.Plan plan(FilingCategory c, LocalDate start, LocalDate end) {
    return RULES.plan(c, start, end, false, c == FilingCategory.REFERRAL ? "ZZ-1" : null, TODAY);
  }

  static Filing filing(FilingCategory c, LocalDate start, LocalDate end, Filing.Basis basis) {
    return new Filing("BA1", "P1", c, "310000", start, end, basis, null, false, null, "", new JsonArray());
  }

  @Test
  void anEmergencyMayBeFiledThirtyDaysLateNotThirtyOne() {
    assertEquals(TODAY.minusDays(30), plan(FilingCategory.EMERGENCY, TODAY.minusDays(30), null).startDate());
    assertEquals(ProblemCode.FILING_EMERGENCY_TOO_LATE,
        refused(() -> plan(FilingCategory.EMERGENCY, TODAY.minusDays(31), null)));
    assertEquals(ProblemCode.FILING_DATES_INVALID, refused(() -> plan(FilingCategory.EMERGENCY, TODAY.plusDays(1), null)));
  }

  @Test
  void otherCategoriesStartTodayOrUpTo180DaysAhead() {
    for (FilingCategory c : FilingCategory.values()) {
      if (c == FilingCategory.EMERGENCY) {
        continue;
      }
      assertEquals(TODAY, plan(c, TODAY, null).startDate(), c.name());
      assertEquals(TODAY.plusDays(180), plan(c, TODAY.plusDays(180), null).startDate(), c.name());
      assertEquals(ProblemCode.FILING_DATES_INVALID, refused(() -> plan(c, TODAY.minusDays(1), null)), c.name());
      assertEquals(ProblemCode.FILING_DATES_INVALID, refused(() -> plan(c, TODAY.plusDays(181), null)), c.name());
    }
  }

  @Test
  void aTemporaryFilingLastsSixToTwelveMonths() {
    LocalDate sixMonths = TODAY.plusMonths(6).minusDays(1);
    assertEquals(sixMonths, plan(FilingCategory.TEMPORARY, TODAY, null).endDate(), "none given: the minimum");
    assertEquals(sixMonths, plan(FilingCategory.TEMPORARY, TODAY, TODAY.plusDays(10)).endDate(), "extended");
    assertEquals(TODAY.plusMonths(9), plan(FilingCategory.TEMPORARY, TODAY, TODAY.plusMonths(9)).endDate());
    assertEquals(TODAY.plusMonths(12).minusDays(1),
        plan(FilingCategory.TEMPORARY, TODAY, TODAY.plusMonths(12).minusDays(1)).endDate());
    assertEquals(ProblemCode.FILING_DATES_INVALID,
        refused(() -> plan(FilingCategory.TEMPORARY, TODAY, TODAY.plusMonths(12))));
    assertEquals(ProblemCode.FILING_DATES_INVALID,
        refused(() -> plan(FilingCategory.TEMPORARY, TODAY.plusDays(3), TODAY.plusDays(2))));
  }

  @Test
  void aLongTermFilingIsOpenEnded() {
    FilingRules.Plan p = plan(FilingCategory.POSTED_WORKER, TODAY, null);
    assertNull(p.endDate());
    assertEquals(Filing.Basis.DOCUMENTS, p.basis());
    assertEquals(ProblemCode.FILING_DATES_INVALID,
        refused(() -> plan(FilingCategory.LONG_TERM_RESIDENCE, TODAY, TODAY.plusYears(1))));
  }

  @Test
  void aReferralNeedsItsDocumentOrACommitment() {
    assertEquals(ProblemCode.FILING_REFERRAL_REQUIRED,
        refused(() -> RULES.plan(FilingCategory.REFERRAL, TODAY, null, false, null, TODAY)));
    assertEquals(Filing.Basis.COMMITMENT, RULES.plan(FilingCategory.REFERRAL, TODAY, null, true, null, TODAY).basis());
  }

  @Test
  void aCommitmentIsValidExactlySixMonthsWhateverTheCategory() {
    for (FilingCategory c : new FilingCategory[] {FilingCategory.RETIREE_RESETTLED, FilingCategory.TEMPORARY}) {
      FilingRules.Plan p = RULES.plan(c, TODAY, null, true, null, TODAY);
      assertEquals(TODAY.plusMonths(6).minusDays(1), p.endDate(), c.name());
      assertEquals(Filing.Basis.COMMITMENT, p.basis());
      assertTrue(RULES.validityNote(filing(c, TODAY, p.endDate(), p.basis())).contains("个人承诺"));
    }
    assertEquals(ProblemCode.FILING_DATES_INVALID,
        refused(() -> RULES.plan(FilingCategory.TEMPORARY, TODAY, TODAY.plusMonths(7), true, null, TODAY)));
  }

  @Test
  void aLongTermFilingIsLockedForSixMonthsUnlessThePlaceOrTheEmployerChanged() {
    Filing f = filing(FilingCategory.RETIREE_RESETTLED, TODAY.minusMonths(6).plusDays(1), null,
        Filing.Basis.DOCUMENTS);
    LocalDate lockedUntil = RULES.lockedUntil(f);
    assertEquals(TODAY.plusDays(1), lockedUntil);
    assertEquals(ProblemCode.FILING_LOCKED, refused(() -> RULES.checkMayChange(f, null, TODAY)));
    assertEquals(ProblemCode.FILING_LOCKED, refused(() -> RULES.checkMayChange(f, "OTHER", TODAY)));
    RULES.checkMayChange(f, "PLACE_CHANGED", TODAY);
    RULES.checkMayChange(f, "EMPLOYER_CHANGED", TODAY);
    RULES.checkMayChange(f, null, lockedUntil); // the lock's last day is the day before
    Filing temporary = filing(FilingCategory.TEMPORARY, TODAY, TODAY.plusMonths(6), Filing.Basis.DOCUMENTS);
    assertNull(RULES.lockedUntil(temporary));
    RULES.checkMayChange(temporary, null, TODAY);
  }

  @Test
  void onlyAnOpenFilingChanges() {
    Filing ended = filing(FilingCategory.TEMPORARY, TODAY.minusMonths(7), TODAY.minusDays(1), Filing.Basis.DOCUMENTS);
    assertEquals(Filing.Status.ENDED, ended.status(TODAY));
    assertEquals(ProblemCode.FILING_NOT_ACTIVE, refused(() -> RULES.checkMayChange(ended, "PLACE_CHANGED", TODAY)));
    Filing scheduled = filing(FilingCategory.TEMPORARY, TODAY.plusDays(3), TODAY.plusMonths(7), Filing.Basis.DOCUMENTS);
    assertEquals(Filing.Status.SCHEDULED, scheduled.status(TODAY));
    RULES.checkMayChange(scheduled, null, TODAY);
  }

  @Test
  void aNewEndDateKeepsTheCategorysValidity() {
    Filing t = filing(FilingCategory.TEMPORARY, TODAY, TODAY.plusMonths(6).minusDays(1), Filing.Basis.DOCUMENTS);
    RULES.checkNewEnd(t, TODAY.plusMonths(12).minusDays(1), TODAY);
    assertEquals(ProblemCode.FILING_DATES_INVALID, refused(() -> RULES.checkNewEnd(t, TODAY.plusMonths(5), TODAY)));
    assertEquals(ProblemCode.FILING_DATES_INVALID, refused(() -> RULES.checkNewEnd(t, TODAY.plusMonths(12), TODAY)));
    Filing longTerm = filing(FilingCategory.LONG_TERM_RESIDENCE, TODAY, null, Filing.Basis.DOCUMENTS);
    assertEquals(ProblemCode.FILING_DATES_INVALID, refused(() -> RULES.checkNewEnd(longTerm, TODAY.plusYears(1), TODAY)));
  }
}
