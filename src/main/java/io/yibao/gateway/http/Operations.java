package io.yibao.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handlers of the contract's operations, by operationId. Each feature contributes its own; an operation id
 * claimed twice is a wiring bug and stops the start.
 */
public final class Operations {

  private final Map<String, Handler<RoutingContext>> handlers = new LinkedHashMap<>();

  public Operations on(String operationId, Handler<RoutingContext> handler) {
    if (handlers.putIfAbsent(operationId, handler) != null) {
      throw new IllegalStateException("operation " + operationId + " has two handlers");
    }
    return this;
  }

  public Map<String, Handler<RoutingContext>> handlers() {
    return Collections.unmodifiableMap(handlers);
  }
}
