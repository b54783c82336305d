package io.yibao.gateway.filing;

import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * The rules of each filing category, as pure functions of the request, the filing and the business day, with their
 * numbers from {@code filing.*} in the configuration (defaults in brackets):
 * <ul>
 *   <li>long term: open-ended (no end date); cannot be changed or revoked before {@link #lockedUntil} (start + 6
 *   months) unless the reason is PLACE_CHANGED or EMPLOYER_CHANGED;</li>
 *   <li>temporary: valid at least 6 months (a shorter or absent end is extended, and the note says so), at most 12;
 *   a referral needs its document (or a commitment);</li>
 *   <li>emergency: may start up to 30 days before today, backdated to the visit, never after today; every other
 *   category starts today or later, at most 180 days ahead;</li>
 *   <li>a filing on the person's own commitment instead of documents is valid exactly 6 months.</li>
 * </ul>
 * Dates are business days; a validity of N months from {@code start} ends the day before the same date N months
 * later.
 */
public final class FilingRules {

  /** The reasons that lift a long-term filing's lock (the place or the employer changed). */
  public static final Set<String> LOCK_EXCEPTIONS = Set.of("PLACE_CHANGED", "EMPLOYER_CHANGED");

  /** What a new filing will be: its period (end null: open-ended) and what it rests on. */
  public record Plan(LocalDate startDate, LocalDate endDate, Filing.Basis basis) {
  }

  private final GatewayConfig.Filing config;

  public FilingRules(GatewayConfig.Filing config) {
    this.config = config;
  }

  /** The period and basis of a new filing, or the problem with the request. */
  public Plan plan(FilingCategory category, LocalDate start, LocalDate end, boolean commitment, String referral,
                   LocalDate today) {
    if (category == FilingCategory.EMERGENCY) {
      if (start.isAfter(today)) {
        throw dates("startDate", "An emergency filing starts on the day the visit began, not after today");
      }
      if (ChronoUnit.DAYS.between(start, today) > config.emergencyLateDays()) {
        throw new ProblemException(ProblemCode.FILING_EMERGENCY_TOO_LATE, "An emergency may be filed up to "
            + config.emergencyLateDays() + " days after the visit began", "startDate", Map.of());
      }
    } else {
      if (start.isBefore(today)) {
        throw dates("startDate", "A filing takes effect the day it is made; only an emergency may start earlier");
      }
      if (start.isAfter(today.plusDays(config.maxAdvanceDays()))) {
        throw dates("startDate", "A filing may start at most " + config.maxAdvanceDays() + " days ahead");
      }
    }
    if (end != null && end.isBefore(start)) {
      throw dates("endDate", "The end date is before the start date");
    }
    if (category == FilingCategory.REFERRAL && !commitment && referral == null) {
      throw new ProblemException(ProblemCode.FILING_REFERRAL_REQUIRED,
          "Give the referral document's number, or file on your own commitment", "referral", Map.of());
    }
    if (commitment) {
      LocalDate until = validUntil(start, config.commitmentValidityMonths());
      if (end != null && end.isAfter(until)) {
        throw dates("endDate", "A filing on commitment is valid " + config.commitmentValidityMonths() + " months");
      }
      return new Plan(start, until, Filing.Basis.COMMITMENT);
    }
    if (category.longTerm()) {
      if (end != null) {
        throw dates("endDate", "A long-term filing is open-ended: revoke it when it is no longer needed");
      }
      return new Plan(start, null, Filing.Basis.DOCUMENTS);
    }
    LocalDate shortest = validUntil(start, config.temporaryMinValidityMonths());
    LocalDate longest = validUntil(start, config.temporaryMaxValidityMonths());
    if (end != null && end.isAfter(longest)) {
      throw dates("endDate", "A temporary filing is valid at most " + config.temporaryMaxValidityMonths() + " months");
    }
    return new Plan(start, end == null || end.isBefore(shortest) ? shortest : end, Filing.Basis.DOCUMENTS);
  }

  /**
   * Why the filing's validity is what it is, for the resident (Chinese, as the app shows it): a commitment's fixed
   * months, a temporary filing's minimum; null for an open-ended long-term filing.
   */
  public String validityNote(Filing filing) {
    if (filing.basis() == Filing.Basis.COMMITMENT) {
      return "个人承诺备案，有效期" + config.commitmentValidityMonths() + "个月，至" + filing.endDate() + "止";
    }
    if (filing.category().longTerm() || filing.endDate() == null) {
      return null;
    }
    return "临时外出就医备案有效期不少于" + config.temporaryMinValidityMonths() + "个月，至" + filing.endDate()
        + "止，期内可多次就医";
  }

  /** The first day a long-term filing may be changed or revoked for any reason; null for temporary filings. */
  public LocalDate lockedUntil(Filing filing) {
    return filing.category().longTerm() ? filing.startDate().plusMonths(config.longTermLockMonths()) : null;
  }

  /** Whether a change or revocation may go ahead today with this reason: open, and not locked. */
  public void checkMayChange(Filing filing, String reason, LocalDate today) {
    if (!filing.open(today)) {
      throw new ProblemException(ProblemCode.FILING_NOT_ACTIVE, "The filing is " + filing.status(today).name());
    }
    LocalDate locked = lockedUntil(filing);
    if (locked != null && today.isBefore(locked) && (reason == null || !LOCK_EXCEPTIONS.contains(reason))) {
      throw new ProblemException(ProblemCode.FILING_LOCKED, "A long-term filing may be changed or revoked from "
          + locked + " on, or earlier when the place or the employer changed", "reason", Map.of());
    }
  }

  /** A new end date for an open filing, by its category and basis. */
  public void checkNewEnd(Filing filing, LocalDate end, LocalDate today) {
    if (filing.basis() == Filing.Basis.COMMITMENT) {
      LocalDate until = validUntil(filing.startDate(), config.commitmentValidityMonths());
      if (end.isAfter(until) || end.isBefore(today) || end.isBefore(filing.startDate())) {
        throw dates("endDate", "A filing on commitment ends between today and " + until);
      }
      return;
    }
    if (filing.category().longTerm()) {
      throw dates("endDate", "A long-term filing is open-ended: revoke it when it is no longer needed");
    }
    LocalDate shortest = validUntil(filing.startDate(), config.temporaryMinValidityMonths());
    LocalDate longest = validUntil(filing.startDate(), config.temporaryMaxValidityMonths());
    if (end.isBefore(shortest) || end.isAfter(longest) || end.isBefore(today)) {
      throw dates("endDate", "A temporary filing ends between " + shortest + " and " + longest);
    }
  }

  private static LocalDate validUntil(LocalDate start, int months) {
    return start.plusMonths(months).minusDays(1);
  }

  private static ProblemException dates(String field, String detail) {
    return new ProblemException(ProblemCode.FILING_DATES_INVALID, detail, field, Map.of());
  }
}
