package io.yibao.gateway.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

/**
 * Parameters as the contract's validation read them. Handlers take these instead of parsing the raw query again:
 * the contract reads {@code 1.0}, {@code 1e0} and {@code 1} as the same integer, {@code Integer.parseInt} reads only
 * the last (and a value it cannot read was a 500).
 */
public final class Validated {

  private Validated() {
  }

  /**
   * A query parameter of type integer (bounded in the contract to fit an int): the value sent, else the contract's
   * default for it, which a parameter read this way must have unless it is required.
   */
  public static int queryInt(RoutingContext rc, String name) {
    Object value = query(rc, name);
    if (value == null) {
      Operation operation = rc.get(RouterBuilder.KEY_META_DATA_OPERATION);
      value = operation == null ? null : operation.getParameters().stream()
          .filter(p -> p.getIn() == Location.QUERY && p.getName().equals(name))
          .map(p -> p.getSchema().get("default")).findFirst().orElse(null);
    }
    if (!(value instanceof Number n)) {
      throw new IllegalStateException("query parameter " + name + " is neither required nor has a default");
    }
    return n.intValue();
  }

  /** A query parameter of type string, or null when absent. */
  public static String queryString(RoutingContext rc, String name) {
    Object value = query(rc, name);
    return value == null ? null : value.toString();
  }

  private static Object query(RoutingContext rc, String name) {
    ValidatedRequest validated = rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    if (validated == null) {
      throw new IllegalStateException("no validated request: the operation's validation did not run");
    }
    RequestParameter parameter = validated.getQuery().get(name);
    return parameter == null || parameter.isNull() ? null : parameter.get();
  }
}
