package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;

/**
 * A referral document (转诊单) a hospital issued: the person is sent for care in {@code destinationRegion}. A
 * referral filing on documents must name one that was issued for the person filing.
 */
public record Referral(String referralNo, String psnNo, String fromHospital, String destinationRegion,
                       LocalDate issuedOn) {

  public JsonObject toJson() {
    return new JsonObject().put("referralNo", referralNo).put("psnNo", psnNo).put("fromHospital", fromHospital)
        .put("destinationRegion", destinationRegion).put("issuedOn", issuedOn.toString());
  }
}
