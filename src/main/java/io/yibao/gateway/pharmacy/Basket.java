package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a terminal sells in one purchase, as the national interface lists it ({@code drugdetail}: catalogue code,
 * count, unit price in fen), its total in fen, and whether the resident's personal account pays its share.
 */
public record Basket(JsonArray drugDetail, long medfeeFen, boolean accountUsed) {

  /** The basket of a preview or settle request's {@code items} and {@code useAccount}. */
  static Basket of(JsonObject request) {
    JsonArray detail = new JsonArray();
    long sum = 0;
    for (Object o : request.getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      long quantity = item.getLong("quantity");
      long price = item.getLong("unitPriceFen");
      detail.add(new JsonObject().put("med_list_codg", item.getString("catalogCode")).put("cnt", quantity)
          .put("pric", price));
      sum = Math.addExact(sum, Math.multiplyExact(quantity, price));
    }
    return new Basket(detail, sum, request.getBoolean("useAccount", true));
  }
}
