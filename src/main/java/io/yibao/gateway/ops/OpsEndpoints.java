package io.yibao.gateway.ops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.Problems;
import io.yibao.gateway.http.Responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Operator endpoints: liveness (the process answers), readiness (its critical dependencies answer: a load
 * balancer stops sending traffic while it is 503; an open core breaker only shows as DEGRADED). Metrics are on the
 * management port ({@link ManagementServer}).
 */
public final class OpsEndpoints {

  private final List<ReadinessCheck> checks;

  public OpsEndpoints(List<ReadinessCheck> checks) {
    this.checks = List.copyOf(checks);
  }

  public void register(Operations operations) {
    operations.on("getLiveness", rc -> Responses.json(rc, 200, new JsonObject().put("status", "UP")))
        .on("getReadiness", this::readiness);
  }

  private void readiness(RoutingContext rc) {
    List<Future<String>> results = new ArrayList<>();
    checks.forEach(c -> results.add(c.check()));
    Future.join(results).onComplete(done -> {
      JsonObject status = new JsonObject();
      boolean ready = true;
      boolean degraded = false;
      for (int i = 0; i < checks.size(); i++) {
        Future<String> result = results.get(i);
        String state = result.succeeded() ? result.result() : "DOWN";
        boolean up = "UP".equals(state);
        ready &= up || !checks.get(i).critical();
        degraded |= !up;
        status.put(checks.get(i).name(), state);
      }
      if (ready) {
        Responses.json(rc, 200, new JsonObject().put("status", degraded ? "DEGRADED" : "UP").put("checks", status));
      } else {
        Problems.send(rc, ProblemCode.NOT_READY, "A dependency is down", null, Map.of("Retry-After", "5"),
            new JsonObject().put("checks", status));
      }
    });
  }
}
