package io.yibao.gateway.filing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;

/**
 * A cross-region care filing as the filing system keeps it, with its one codec to and from the filing system's JSON
 * (which is also the shape of the gateway's stale copies). {@code endDate} null: open-ended; {@code history} the
 * filing system's entries ({@code at, action FILED|CHANGED|REVOKED, reason, changes{field: {from, to}}}).
 */
public record Filing(String id, String psnNo, FilingCategory category, String destinationRegion, LocalDate startDate,
                     LocalDate endDate, Basis basis, String referralNo, boolean revoked, LocalDate revokedOn,
                     String createdAt, JsonArray history) {

  /** What the filing rests on: documents (a referral, the registry's records) or the person's written commitment. */
  public enum Basis { DOCUMENTS, COMMITMENT }

  /** Where the filing stands on a business day. */
  public enum Status { SCHEDULED, ACTIVE, ENDED, REVOKED }

  public Status status(LocalDate today) {
    if (revoked) {
      return Status.REVOKED;
    }
    if (today.isBefore(startDate)) {
      return Status.SCHEDULED;
    }
    return endDate != null && today.isAfter(endDate) ? Status.ENDED : Status.ACTIVE;
  }

  /** Still to be changed or revoked: neither revoked nor ended. */
  public boolean open(LocalDate today) {
    Status s = status(today);
    return s == Status.ACTIVE || s == Status.SCHEDULED;
  }

  public static Filing fromJson(JsonObject j) {
    return new Filing(j.getString("id"), j.getString("psnNo"), FilingCategory.valueOf(j.getString("category")),
        j.getString("destinationRegion"), LocalDate.parse(j.getString("startDate")), date(j.getString("endDate")),
        Basis.valueOf(j.getString("basis", Basis.DOCUMENTS.name())), j.getString("referralNo"),
        "REVOKED".equals(j.getString("status")), date(j.getString("revokedOn")), j.getString("createdAt"),
        j.getJsonArray("history", new JsonArray()).copy());
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("psnNo", psnNo).put("category", category.name())
        .put("kind", category.kind().name()).put("destinationRegion", destinationRegion)
        .put("startDate", startDate.toString()).put("endDate", endDate == null ? null : endDate.toString())
        .put("basis", basis.name()).put("referralNo", referralNo).put("status", revoked ? "REVOKED" : "ACTIVE")
        .put("revokedOn", revokedOn == null ? null : revokedOn.toString()).put("createdAt", createdAt)
        .put("history", history.copy());
  }

  private static LocalDate date(String s) {
    return s == null ? null : LocalDate.parse(s);
  }
}
