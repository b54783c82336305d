package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

/**
 * What a family-sharing binding lets the member's costs draw on the sharer's personal account for: purchases at
 * designated institutions (settlement), resident contributions, transfers into the member's insurance wallet.
 */
public record SharingUses(boolean institutions, boolean contributions, boolean wallet) {

  /** The three booleans of {@code json}, all required. */
  static SharingUses parse(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("uses is required");
    }
    return new SharingUses(flag(json, "institutions"), flag(json, "contributions"), flag(json, "wallet"));
  }

  JsonObject toJson() {
    return new JsonObject().put("institutions", institutions).put("contributions", contributions)
        .put("wallet", wallet);
  }

  private static boolean flag(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof Boolean b)) {
      throw new IllegalArgumentException("uses." + field + " must be true or false");
    }
    return b;
  }
}
