package io.yibao.gateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The {@code page} and {@code size} of a list operation, as the contract validated them (with its defaults). */
public record Paging(int page, int size) {

  public static Paging of(RoutingContext rc) {
    return new Paging(Validated.queryInt(rc, "page"), Validated.queryInt(rc, "size"));
  }

  /** Where the page starts among all items. */
  public int offset() {
    return (page - 1) * size;
  }

  /** The contract's page answer: the items, this page's number and size, and how many items there are in all. */
  public JsonObject answer(JsonArray items, long total) {
    return new JsonObject().put("items", items).put("page", page).put("size", size).put("total", total);
  }
}
