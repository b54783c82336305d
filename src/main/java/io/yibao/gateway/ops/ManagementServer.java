package io.yibao.gateway.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.HttpEdge;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.Problems;
import io.yibao.gateway.http.RequestIds;

/**
 * The operators' port: {@code GET /metrics} (Prometheus), on {@code management.host}:{@code management.port},
 * loopback by default. Metrics name routes, breakers and volumes, so they are not served on the public API port;
 * the health checks stay there, for the load balancer. One server per process; anything else is a 404 problem.
 */
public final class ManagementServer {

  private ManagementServer() {
  }

  public static Future<HttpServer> start(Vertx vertx, PrometheusMeterRegistry registry,
                                         GatewayConfig.Management config, int port) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.route().handler(rc -> Problems.send(rc, ProblemCode.NOT_FOUND, null));
    return HttpEdge.install(vertx.createHttpServer(HttpEdge.options().setHttp2ClearTextEnabled(false)), router,
        false)
        .listen(port, config.host());
  }
}
