package io.yibao.gateway.contribution;

import java.time.LocalDate;

/**
 * Waiting periods (待遇等待期) for residents' medical insurance, as DESIGN.md §4 and the national rule put it:
 * paying in the collection window with no lapse: none. Outside the window, or after lapsed years: 3 fixed months,
 * plus 1 variable month for each consecutive unpaid year before the benefit year (back-paying those years removes
 * the variable months); after 4 or more unpaid years the fixed part is at least 6 months. Newborns (born in the
 * benefit year or the year before, never insured) wait for nothing; others enrolling for the first time are
 * treated like continuous payers (no lapse to count: nothing in the window, 3 months outside it).
 */
public final class WaitingPeriods {

  /** The outcome for one person and benefit year. */
  public record Waiting(int lapsedYears, int fixedMonths, int variableMonths, boolean newborn) {

    /** Months to wait if paying only the benefit year now. */
    public int months() {
      return fixedMonths + variableMonths;
    }

    /** Months to wait after also back-paying the lapsed years. */
    public int monthsIfBackPaid() {
      return fixedMonths;
    }
  }

  static final int FIXED_MONTHS = 3;
  static final int LONG_LAPSE_YEARS = 4;
  static final int LONG_LAPSE_FIXED_MONTHS = 6;

  private WaitingPeriods() {
  }

  /**
   * @param benefitYear   the year being paid for
   * @param lastPaidYear  the last year paid before it (0: never)
   * @param birthDate     the person's birth date
   * @param inWindow      whether the payment happens inside the collection window
   */
  public static Waiting of(int benefitYear, int lastPaidYear, LocalDate birthDate, boolean inWindow) {
    boolean newborn = lastPaidYear == 0 && birthDate.getYear() >= benefitYear - 1;
    if (newborn) {
      return new Waiting(0, 0, 0, true);
    }
    // Someone never insured before enrols for the first time: there is no lapse to count, only the window.
    int lapsed = lastPaidYear == 0 ? 0 : Math.max(0, benefitYear - 1 - lastPaidYear);
    if (lapsed == 0) {
      return new Waiting(0, inWindow ? 0 : FIXED_MONTHS, 0, false);
    }
    int fixed = lapsed >= LONG_LAPSE_YEARS ? LONG_LAPSE_FIXED_MONTHS : FIXED_MONTHS;
    return new Waiting(lapsed, fixed, lapsed, false);
  }

  /** The first day of benefits: the later of 1 January of the benefit year and the payment day, plus the wait. */
  public static LocalDate benefitsFrom(int benefitYear, LocalDate paidOn, int months) {
    LocalDate start = LocalDate.of(benefitYear, 1, 1);
    LocalDate from = paidOn.isAfter(start) ? paidOn : start;
    return months == 0 ? from : from.plusMonths(months);
  }
}
