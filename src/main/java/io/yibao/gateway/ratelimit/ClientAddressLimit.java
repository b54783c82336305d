package io.yibao.gateway.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.yibao.gateway.config.GatewayConfig.RateLimits;
import io.yibao.gateway.http.ClientAddress;
import io.yibao.gateway.http.ContractRoutes;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The per-address budgets, shared across gateway instances, and only for callers without credentials: thousands of
 * phones share one carrier-grade NAT address, so a signed-in resident, a terminal or a payment channel is limited
 * as itself where it authenticates (session check, nonce step, notify), never here. Two buckets per address, under
 * one hash tag so that both are one Redis call:
 * <ul>
 *   <li>{@code anonymous} ({@code rateLimits.anonymousPerClientAddress}): every request to an operation without a
 *   security scheme in the contract (asking for a sign-in code, signing in, refreshing, the contract and docs) and
 *   to paths the contract does not have. Health checks, metrics and operations marked {@code x-rate-limit:
 *   payment-channel} (limited per channel after their signature) are exempt.</li>
 *   <li>{@code failed-authentication} ({@code rateLimits.failedAuthenticationsPerClientAddress}): spent by
 *   {@link #failedAuthentication} when a credential fails. While it is empty the address's anonymous requests get
 *   429 too: failed authentication is what gets expensive for an address, not traffic.</li>
 * </ul>
 */
public final class ClientAddressLimit {

  static final String POLICY = "client-address";
  static final String ANONYMOUS = "anonymous";
  static final String FAILED = "failed-authentication";
  /** The contract extension of operations limited per payment channel instead. */
  public static final String EXTENSION = "x-rate-limit";

  private final RateLimiter limiter;
  private final ClientAddress clientAddress;
  private final RateLimits limits;

  public ClientAddressLimit(RateLimiter limiter, ClientAddress clientAddress, RateLimits limits) {
    this.limiter = limiter;
    this.clientAddress = clientAddress;
    this.limits = limits;
  }

  /**
   * The root handler (after the operation lookup) that spends the anonymous budget of requests to operations
   * without a security scheme in {@code contract}.
   */
  public Handler<RoutingContext> anonymousGuard(OpenAPIContract contract) {
    Set<String> limitedElsewhere = new HashSet<>();
    for (Operation op : contract.operations()) {
      boolean secured = op.getSecurityRequirements().stream().anyMatch(s -> !s.isEmpty());
      if (secured || "payment-channel".equals(op.getExtensions().get(EXTENSION))) {
        limitedElsewhere.add(op.getOperationId());
      }
    }
    Set<String> elsewhere = Set.copyOf(limitedElsewhere);
    return rc -> anonymous(rc, elsewhere);
  }

  private void anonymous(RoutingContext rc, Set<String> limitedElsewhere) {
    String path = rc.normalizedPath();
    ContractRoutes.Entry operation = ContractRoutes.of(rc);
    if (path.startsWith("/health/") || path.equals("/metrics")
        || operation != null && limitedElsewhere.contains(operation.operationId())) {
      rc.next();
      return;
    }
    String tag = RateLimiter.tag(POLICY, clientAddress.of(rc.request()));
    // The body is read after this check; hold it back while Redis answers (the body handler resumes it).
    rc.request().pause();
    limiter.acquireAll(List.of(
            new RateLimiter.Bucket(RateLimiter.key(tag, FAILED), limits.failedAuthenticationsPerClientAddress(), true),
            new RateLimiter.Bucket(RateLimiter.key(tag, ANONYMOUS), limits.anonymousPerClientAddress(), false)))
        .compose(RateLimiter::enforce)
        .onComplete(r -> {
          if (r.succeeded()) {
            rc.next();
          } else {
            rc.request().resume();
            rc.fail(r.cause());
          }
        });
  }

  /**
   * A credential of this request failed (call it for forged or garbled ones, not for an expired token or an ended
   * session, which honest apps send every day). Spends one from the address's failed-authentication budget, then
   * fails with {@code refusal}, or with 429 RATE_LIMITED when that budget was already empty. A Redis failure here
   * does not hide the refusal.
   */
  public <T> Future<T> failedAuthentication(HttpServerRequest request, ProblemException refusal) {
    String tag = RateLimiter.tag(POLICY, clientAddress.of(request));
    return limiter.acquireAll(List.of(
            new RateLimiter.Bucket(RateLimiter.key(tag, FAILED), limits.failedAuthenticationsPerClientAddress(), false)))
        .transform(r -> Future.failedFuture(r.succeeded() && !r.result().allowed()
            ? RateLimiter.limited(r.result().retryAfterMillis()) : refusal));
  }

  /** Whether {@code failure} is this mechanism's 429 (so callers answer it instead of their own refusal). */
  public static boolean isLimited(Throwable failure) {
    return failure instanceof ProblemException p && p.code() == ProblemCode.RATE_LIMITED;
  }
}
