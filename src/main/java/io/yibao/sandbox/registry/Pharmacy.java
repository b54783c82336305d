package io.yibao.sandbox.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** A designated pharmacy (定点零售药店) and its counter terminals. */
public record Pharmacy(String fixmedinsCode, String name, String admdvs, List<String> terminalIds) {

  public JsonObject toJson() {
    return new JsonObject().put("fixmedinsCode", fixmedinsCode).put("name", name).put("admdvs", admdvs)
        .put("terminalIds", new JsonArray(terminalIds));
  }
}
