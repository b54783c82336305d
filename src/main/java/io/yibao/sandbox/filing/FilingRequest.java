package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * What a caller asks to file, checked for form only: whether the person may file it (categories, dates, the
 * 6-month lock, regions) is the gateway's policy, not the filing system's. {@code requestId} is the caller's id
 * for this request, so that a retry after a lost answer files nothing twice.
 */
public record FilingRequest(String requestId, String psnNo, String category, Filing.Kind kind,
                            String destinationRegion, LocalDate startDate, LocalDate endDate, Filing.Basis basis,
                            String referralNo) {

  /** The category whose filings on documents name a referral document. */
  public static final String REFERRAL = "REFERRAL";
  /** 16-64 characters that are safe in a URL path, as {@code GET /filing/requests/{requestId}} needs. */
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._~:-]{16,64}");

  public FilingRequest {
    if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
      throw new Fields.Invalid("requestId must be 16-64 characters of A-Z a-z 0-9 . _ ~ : -");
    }
    if (psnNo == null || psnNo.isBlank() || category == null || category.isBlank() || kind == null
        || basis == null || startDate == null) {
      throw new Fields.Invalid("psnNo, category, kind, basis and startDate are required");
    }
    Fields.checkRegion("destinationRegion", destinationRegion);
    checkPeriod(kind, startDate, endDate);
    boolean needsReferral = REFERRAL.equals(category) && basis == Filing.Basis.DOCUMENTS;
    if (needsReferral && referralNo == null) {
      throw new Fields.Invalid("referralNo is required for a REFERRAL filing on DOCUMENTS");
    }
    if (!needsReferral && referralNo != null) {
      throw new Fields.Invalid("referralNo is only for a REFERRAL filing on DOCUMENTS");
    }
  }

  /** An end before the start is malformed, and only a long-term filing may be open-ended. */
  static void checkPeriod(Filing.Kind kind, LocalDate startDate, LocalDate endDate) {
    if (endDate == null && kind != Filing.Kind.LONG_TERM) {
      throw new Fields.Invalid("endDate is required for a " + kind + " filing");
    }
    if (endDate != null && endDate.isBefore(startDate)) {
      throw new Fields.Invalid("endDate is before startDate");
    }
  }

  /** The body of {@code POST /filing/filings}; {@link Fields.Invalid} when it is malformed. */
  public static FilingRequest parse(JsonObject body) {
    return new FilingRequest(Fields.text(body, "requestId"), Fields.text(body, "psnNo"),
        Fields.text(body, "category"), Fields.oneOf(body, "kind", Filing.Kind.class),
        Fields.region(body, "destinationRegion"), Fields.date(body, "startDate"),
        Fields.optionalDate(body, "endDate"), Fields.oneOf(body, "basis", Filing.Basis.class),
        Fields.optionalText(body, "referralNo"));
  }
}
