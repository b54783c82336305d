package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

/** A request to bind, as the gateway sends it; a replay of its id must carry the same one. */
record BindingRequest(String id, String sharerPsnNo, String memberPsnNo, String relation, SharingUses uses) {

  /** Parses the body, or throws IllegalArgumentException naming what is missing or wrong. */
  static BindingRequest parse(JsonObject body) {
    String sharer = text(body, "sharerPsnNo");
    String member = text(body, "memberPsnNo");
    if (sharer.equals(member)) {
      throw new IllegalArgumentException("sharer and member must be different persons");
    }
    if (!(body.getValue("uses") instanceof JsonObject uses)) {
      throw new IllegalArgumentException("uses is required");
    }
    return new BindingRequest(text(body, "id"), sharer, member, text(body, "relation"), SharingUses.parse(uses));
  }

  static String text(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return s;
  }
}
