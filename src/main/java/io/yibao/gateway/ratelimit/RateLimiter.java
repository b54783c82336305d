package io.yibao.gateway.ratelimit;

import io.vertx.core.Future;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's one rate-limit mechanism, shared by every feature and every gateway instance: a token bucket per
 * (policy, subject) kept in Redis and updated atomically by Lua in one round trip. A budget of N per W allows a
 * burst of N, then one more every W/N. Subjects (addresses, phone numbers) are stored only as digests.
 *
 * <p>The bucket itself is {@code token-bucket.lua}: {@code rate-limit.lua} runs it on its own, and scripts that
 * authenticate a caller (the session check, a terminal's nonce) run the same code through {@link #script}, so a
 * signed-in caller's budget costs no round trip of its own.
 */
public final class RateLimiter {

  /** The outcome of one attempt. */
  public record Decision(boolean allowed, long retryAfterMillis, long remaining) {

    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
  }

  /** One budget of a combined attempt ({@link #acquireAll}): spent, or only looked at when {@code peek}. */
  public record Bucket(String key, Limit limit, boolean peek) {
  }

  static final String LIBRARY = "token-bucket.lua";
  private static final RedisScript SCRIPT = script("rate-limit.lua");

  private final RedisStore redis;

  public RateLimiter(RedisStore redis) {
    this.redis = redis;
  }

  /** A script of {@code redis-scripts/} that spends budgets with the shared bucket functions in front of it. */
  public static RedisScript script(String name) {
    return RedisScript.load(LIBRARY, name);
  }

  /** The bucket key of {@code policy} under {@code tag}: {@code yb:{tag}:rl:<policy>}. */
  public static String key(String tag, String policy) {
    return RedisKeys.key(tag, "rl", policy);
  }

  /** The hash tag of a subject's own buckets (a digest: subjects may be addresses or phone numbers). */
  public static String tag(String policy, String subject) {
    return RedisKeys.digest(policy + "|" + subject);
  }

  /** Takes one token from {@code subject}'s bucket under {@code policy}. */
  public Future<Decision> acquire(String policy, String subject, Limit limit) {
    return acquireAll(List.of(new Bucket(key(tag(policy, subject), policy), limit, false)));
  }

  /** Whether one more would be allowed now, without spending anything (e.g. "is this phone locked out?"). */
  public Future<Decision> peek(String policy, String subject, Limit limit) {
    return acquireAll(List.of(new Bucket(key(tag(policy, subject), policy), limit, true)));
  }

  /**
   * Several budgets in one step, all or nothing: one token from each bucket that is not {@code peek}, only when
   * every bucket allows one more. The keys must share a hash tag (one slot in Redis Cluster).
   */
  public Future<Decision> acquireAll(List<Bucket> buckets) {
    List<String> keys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    for (Bucket b : buckets) {
      keys.add(b.key());
      args.add(Integer.toString(b.limit().limit()));
      args.add(Long.toString(b.limit().windowSeconds() * 1000L));
      args.add(b.peek() ? "1" : "0");
    }
    return SCRIPT.run(redis, keys, args)
        .map(r -> new Decision(r.get(0).toInteger() == 1, r.get(1).toLong(), r.get(2).toLong()));
  }

  /** Fails with 429 RATE_LIMITED when the decision says no. */
  public static Future<Void> enforce(Decision d) {
    return d.allowed() ? Future.succeededFuture() : Future.failedFuture(limited(d.retryAfterMillis()));
  }

  /** 429 RATE_LIMITED with Retry-After: the answer to every refused budget. */
  public static ProblemException limited(long retryAfterMillis) {
    return ProblemException.retryLater(ProblemCode.RATE_LIMITED, null,
        new Decision(false, retryAfterMillis, 0).retryAfterSeconds());
  }

  /** Like {@link #acquire}, but fails with 429 RATE_LIMITED (and Retry-After) when the budget is spent. */
  public Future<Void> require(String policy, String subject, Limit limit) {
    return acquire(policy, subject, limit).compose(RateLimiter::enforce);
  }
}
