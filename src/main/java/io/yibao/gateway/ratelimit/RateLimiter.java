package io.yibao.gateway.ratelimit;

import io.vertx.core.Future;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.util.List;

/**
 * The gateway's one rate-limit mechanism, shared by every feature and every gateway instance: a token bucket per
 * (policy, subject) kept in Redis and updated atomically by a Lua script in one round trip. A budget of N per W
 * allows a burst of N, then one more every W/N. Subjects (addresses, phone numbers) are stored only as digests.
 */
public final class RateLimiter {

  /** The outcome of one attempt. */
  public record Decision(boolean allowed, long retryAfterMillis, long remaining) {

    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
  }

  private static final RedisScript SCRIPT = RedisScript.load("rate-limit.lua");

  private final RedisStore redis;

  public RateLimiter(RedisStore redis) {
    this.redis = redis;
  }

  /** Takes one token from {@code subject}'s bucket under {@code policy}. */
  public Future<Decision> acquire(String policy, String subject, Limit limit) {
    return run(policy, subject, limit, false);
  }

  /** Whether one more would be allowed now, without spending anything (e.g. "is this phone locked out?"). */
  public Future<Decision> peek(String policy, String subject, Limit limit) {
    return run(policy, subject, limit, true);
  }

  private Future<Decision> run(String policy, String subject, Limit limit, boolean peek) {
    String key = RedisKeys.key(RedisKeys.digest(policy + "|" + subject), "rl", policy);
    return SCRIPT.run(redis, List.of(key), List.of(Integer.toString(limit.limit()),
            Long.toString(limit.windowSeconds() * 1000L), peek ? "1" : "0"))
        .map(r -> new Decision(r.get(0).toInteger() == 1, r.get(1).toLong(), r.get(2).toLong()));
  }

  /** Fails with 429 RATE_LIMITED when the decision says no. */
  public static Future<Void> enforce(Decision d) {
    return d.allowed() ? Future.succeededFuture()
        : Future.failedFuture(ProblemException.retryLater(ProblemCode.RATE_LIMITED, null, d.retryAfterSeconds()));
  }

  /** Like {@link #acquire}, but fails with 429 RATE_LIMITED (and Retry-After) when the budget is spent. */
  public Future<Void> require(String policy, String subject, Limit limit) {
    return acquire(policy, subject, limit).compose(RateLimiter::enforce);
  }
}
