package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;

/**
 * A change to a filing's destination or end date, with the reason the person gave. A field left out stays as
 * it is; {@code endDate: null} makes a long-term filing open-ended again.
 *
 * @param destinationRegion the new destination, or null to keep it
 * @param endDateGiven      whether the body named {@code endDate} at all
 * @param endDate           the new end when given (null: open-ended)
 */
public record FilingChange(String destinationRegion, boolean endDateGiven, LocalDate endDate, String reason) {

  public FilingChange {
    if (destinationRegion != null) {
      Fields.checkRegion("destinationRegion", destinationRegion);
    }
    if (reason == null || reason.isBlank()) {
      throw new Fields.Invalid("reason is required");
    }
  }

  /** The body of {@code POST /filing/filings/{id}/change}; {@link Fields.Invalid} when it is malformed. */
  public static FilingChange parse(JsonObject body) {
    return new FilingChange(Fields.optionalText(body, "destinationRegion"), body.containsKey("endDate"),
        Fields.optionalDate(body, "endDate"), Fields.text(body, "reason"));
  }
}
