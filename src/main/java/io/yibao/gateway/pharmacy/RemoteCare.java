package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonObject;

/**
 * Which fund ratio the settlement center applied to a purchase, and why, in words the counter can read out before
 * the resident pays: care in the insured pooling area, away from home with an active cross-region filing covering
 * the pharmacy's region that day (the filed ratio), or away from home without one (the lower unfiled ratio). Read
 * from the center's own output fields ({@code remote_flag} 0/1/2, {@code fund_ratio_bp}, {@code filing_id},
 * {@code mdtrtarea_admvs}, {@code insuplc_admdvs}); an answer without them is left as it is.
 */
final class RemoteCare {

  private RemoteCare() {
  }

  /** The output with {@code remoteCare: {status LOCAL|FILED|UNFILED, fundRatioBp, filingId?, regions, explanation}}. */
  static JsonObject explained(JsonObject output) {
    String flag = output.getString("remote_flag");
    if (flag == null) {
      return output;
    }
    Integer ratioBp = output.getInteger("fund_ratio_bp");
    String percent = ratioBp == null ? "" : (ratioBp / 100) + (ratioBp % 100 == 0 ? "" : "." + (ratioBp % 100)) + "%";
    String filingId = output.getString("filing_id");
    JsonObject remoteCare = new JsonObject()
        .put("pharmacyRegion", output.getString("mdtrtarea_admvs"))
        .put("insuredRegion", output.getString("insuplc_admdvs"))
        .put("fundRatioBp", ratioBp);
    switch (flag) {
      case "0" -> remoteCare.put("status", "LOCAL").put("explanation", "参保地就医，基金按本地比例" + percent + "支付");
      case "1" -> remoteCare.put("status", "FILED").put("filingId", filingId)
          .put("explanation", "异地就医已备案（" + filingId + "），基金按备案比例" + percent + "支付");
      default -> remoteCare.put("status", "UNFILED")
          .put("explanation", "异地就医未备案，基金按未备案比例" + percent + "支付；办理异地就医备案后按备案比例支付");
    }
    return output.copy().put("remoteCare", remoteCare);
  }
}
