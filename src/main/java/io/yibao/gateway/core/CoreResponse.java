package io.yibao.gateway.core;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** An answer from a core system: a 2xx, or a 4xx business refusal (neither counts against the breaker). */
public record CoreResponse(int status, Buffer body) {

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /** The body as a JSON object (empty when there is none or it is not JSON). */
  public JsonObject json() {
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      return body.toJsonObject();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }
}
