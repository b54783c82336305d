package io.yibao.gateway.http;

import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * One JSON log line per request: method, route template, status, latency and trace id. The raw path and the
 * query are never logged: paths carry codes and ids, queries carry phone numbers.
 */
public final class AccessLog implements PlatformHandler {

  private static final Logger LOG = LoggerFactory.getLogger("access");

  @Override
  public void handle(RoutingContext rc) {
    long start = System.nanoTime();
    rc.addEndHandler(done -> {
      double millis = Math.round((System.nanoTime() - start) / 10_000.0) / 100.0;
      LOG.info("request", kv("method", rc.request().method().name()), kv("route", routeOf(rc)),
          kv("status", rc.response().getStatusCode()), kv("latencyMs", millis), kv("traceId", RequestIds.traceId(rc)),
          kv("completed", done.succeeded()));
    });
    rc.next();
  }

  /** The contract's path template of the request, or {@code unmatched}. */
  public static String routeOf(RoutingContext rc) {
    ContractRoutes.Entry entry = ContractRoutes.of(rc);
    return entry == null ? "unmatched" : entry.template();
  }
}
