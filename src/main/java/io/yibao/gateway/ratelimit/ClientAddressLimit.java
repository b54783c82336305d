package io.yibao.gateway.ratelimit;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.http.ClientAddress;

/**
 * Root handler: every request except health checks and metrics scrapes spends from its client address's budget
 * ({@code rateLimits.perClientAddress}), counted across all gateway instances.
 */
public final class ClientAddressLimit implements Handler<RoutingContext> {

  static final String POLICY = "client-address";

  private final RateLimiter limiter;
  private final ClientAddress clientAddress;
  private final Limit limit;

  public ClientAddressLimit(RateLimiter limiter, ClientAddress clientAddress, Limit limit) {
    this.limiter = limiter;
    this.clientAddress = clientAddress;
    this.limit = limit;
  }

  @Override
  public void handle(RoutingContext rc) {
    String path = rc.normalizedPath();
    if (path.startsWith("/health/") || path.equals("/metrics")) {
      rc.next();
      return;
    }
    // The body is read after this check; hold it back while Redis answers (the body handler resumes it).
    rc.request().pause();
    limiter.require(POLICY, clientAddress.of(rc.request()), limit).onComplete(r -> {
      if (r.succeeded()) {
        rc.next();
      } else {
        rc.request().resume();
        rc.fail(r.cause());
      }
    });
  }
}
