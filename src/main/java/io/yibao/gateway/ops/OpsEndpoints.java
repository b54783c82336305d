package io.yibao.gateway.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.Problems;
import io.yibao.gateway.http.Responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Operator endpoints: liveness (the process answers), readiness (its dependencies answer: a load balancer stops
 * sending traffic while it is 503) and Prometheus metrics.
 */
public final class OpsEndpoints {

  private final List<ReadinessCheck> checks;
  private final PrometheusMeterRegistry registry;

  public OpsEndpoints(List<ReadinessCheck> checks, PrometheusMeterRegistry registry) {
    this.checks = List.copyOf(checks);
    this.registry = registry;
  }

  public void register(Operations operations) {
    operations.on("getLiveness", rc -> Responses.json(rc, 200, new JsonObject().put("status", "UP")))
        .on("getReadiness", this::readiness)
        .on("getMetrics", PrometheusScrapingHandler.create(registry));
  }

  private void readiness(RoutingContext rc) {
    List<Future<Void>> results = new ArrayList<>();
    checks.forEach(c -> results.add(c.check()));
    Future.join(results).onComplete(done -> {
      JsonObject status = new JsonObject();
      boolean up = true;
      for (int i = 0; i < checks.size(); i++) {
        boolean ok = results.get(i).succeeded();
        up &= ok;
        status.put(checks.get(i).name(), ok ? "UP" : "DOWN");
      }
      if (up) {
        Responses.json(rc, 200, new JsonObject().put("status", "UP").put("checks", status));
      } else {
        Problems.send(rc, ProblemCode.NOT_READY, "A dependency is down", null, Map.of("Retry-After", "5"),
            new JsonObject().put("checks", status));
      }
    });
  }
}
