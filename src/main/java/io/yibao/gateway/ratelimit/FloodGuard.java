package io.yibao.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.http.ClientAddress;

import java.time.Duration;

/**
 * A coarse per-address ceiling kept in this process's memory ({@code rateLimits.floodGuardPerClientAddress}): no
 * Redis round trip, so a flood from one address is turned away before it costs anything shared. Per gateway
 * process (all its verticles together), not per service: the service-wide per-address ceiling belongs at the load
 * balancer. Sized so a NAT full of honest users never reaches it; the real limits follow the caller
 * ({@link ClientAddressLimit}, the session check, the terminal nonce step). The same token bucket as
 * {@code token-bucket.lua}, on the process's monotonic clock.
 */
public final class FloodGuard implements Handler<RoutingContext> {

  static final int MAX_ADDRESSES = 200_000;

  private final ClientAddress clientAddress;
  private final long windowNanos;
  private final long intervalNanos;
  /** Address → theoretical arrival time (nanoTime). Forgotten once the bucket would be full again. */
  private final Cache<String, long[]> buckets;

  public FloodGuard(ClientAddress clientAddress, Limit limit) {
    this.clientAddress = clientAddress;
    this.windowNanos = limit.windowSeconds() * 1_000_000_000L;
    this.intervalNanos = Math.max(1, windowNanos / limit.limit());
    this.buckets = Caffeine.newBuilder().maximumSize(MAX_ADDRESSES)
        .expireAfterAccess(Duration.ofNanos(windowNanos)).build();
  }

  @Override
  public void handle(RoutingContext rc) {
    String path = rc.normalizedPath();
    if (path.startsWith("/health/") || path.equals("/metrics")) {
      rc.next();
      return;
    }
    long retryAfterNanos = take(clientAddress.of(rc.request()), System.nanoTime());
    if (retryAfterNanos == 0) {
      rc.next();
    } else {
      rc.fail(RateLimiter.limited(retryAfterNanos / 1_000_000));
    }
  }

  /** 0 when allowed (and spent), else how long until one more would be. */
  long take(String address, long now) {
    long[] wait = {0};
    buckets.asMap().compute(address, (a, state) -> {
      long tat = state == null ? now : Math.max(state[0], now);
      long next = tat + intervalNanos;
      if (next - windowNanos > now) {
        wait[0] = next - windowNanos - now;
        return state;
      }
      if (state == null) {
        return new long[] {next};
      }
      state[0] = next;
      return state;
    });
    return wait[0];
  }
}
