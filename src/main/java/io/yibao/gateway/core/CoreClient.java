package io.yibao.gateway.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.yibao.gateway.config.GatewayConfig.CoreService;

import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One core system's client on one event loop: a keep-alive WebClient pool, the process-wide breaker and
 * bulkhead of that system, and a per-call timeout enforced by Vert.x timers (Resilience4j's TimeLimiter would hop
 * threads). Reads are retried with jittered exponential back-off; writes never are: a write whose answer was lost
 * fails with {@link CoreCallException.Outcome#UNKNOWN} and the caller decides (query, reverse).
 *
 * <p>Outcomes: a 2xx or 4xx answer is returned (a 4xx is the core refusing, which is not the core failing);
 * a 5xx, a timeout or a connection error counts against the breaker and fails with {@link CoreCallException};
 * an open breaker or a full bulkhead fails at once, without sending anything.
 */
public final class CoreClient {

  private final String system;
  private final CoreService config;
  private final CoreGuards.Guard guard;
  private final WebClient client;
  private final Vertx vertx;
  private final String basePath;

  CoreClient(Vertx vertx, CoreGuards.Guard guard) {
    this.vertx = vertx;
    this.guard = guard;
    this.config = guard.config();
    this.system = config.name();
    URI base = config.baseUrl();
    this.basePath = base.getPath() == null ? "" : base.getPath().replaceAll("/$", "");
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost(base.getHost())
        .setDefaultPort(base.getPort() > 0 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80))
        .setSsl("https".equals(base.getScheme()))
        .setKeepAlive(true)
        .setConnectTimeout(config.connectTimeoutMillis())
        .setTcpNoDelay(true)
        .setUserAgent("yibao-gateway"),
        new PoolOptions().setHttp1MaxSize(config.maxConnections()));
  }

  public String system() {
    return system;
  }

  /** A read: retried on failure while the breaker allows. */
  public Future<CoreResponse> get(String path) {
    return withRetries(HttpMethod.GET, path, null, config.readRetries());
  }

  /** A write: sent once. */
  public Future<CoreResponse> post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, body);
  }

  /** One attempt, guarded. */
  public Future<CoreResponse> call(HttpMethod method, String path, JsonObject body) {
    CircuitBreaker breaker = guard.breaker();
    if (!breaker.tryAcquirePermission()) {
      return Future.failedFuture(new CoreCallException(system, CoreCallException.Outcome.NOT_SENT,
          "circuit breaker open", config.breaker().openSeconds()));
    }
    if (!guard.bulkhead().tryAcquirePermission()) {
      breaker.releasePermission();
      return Future.failedFuture(new CoreCallException(system, CoreCallException.Outcome.NOT_SENT,
          "too many calls in flight", 1));
    }
    long start = System.nanoTime();
    HttpRequest<Buffer> request = client.request(method, basePath + path)
        .timeout(config.timeoutMillis())
        .connectTimeout(config.connectTimeoutMillis())
        .putHeader("Accept", "application/json");
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    Promise<CoreResponse> result = Promise.promise();
    // The WebClient timeout covers silence on the wire; this one bounds the whole call, whatever happens.
    sent.timeout(config.timeoutMillis() + 50L, TimeUnit.MILLISECONDS).onComplete(done -> {
      guard.bulkhead().onComplete();
      long nanos = System.nanoTime() - start;
      if (done.succeeded() && done.result().statusCode() < 500) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        result.complete(new CoreResponse(done.result().statusCode(), done.result().body()));
        return;
      }
      CoreCallException failure;
      if (done.succeeded()) {
        failure = new CoreCallException(system, CoreCallException.Outcome.UNKNOWN,
            "answered " + done.result().statusCode(), 1);
      } else if (done.cause() instanceof ConnectException || isConnectTimeout(done.cause())) {
        failure = new CoreCallException(system, CoreCallException.Outcome.NOT_SENT, "no connection", 1);
      } else {
        failure = new CoreCallException(system, CoreCallException.Outcome.UNKNOWN,
            done.cause() instanceof java.util.concurrent.TimeoutException ? "no answer within "
                + config.timeoutMillis() + " ms" : "connection lost", 1);
      }
      breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
      result.fail(failure);
    });
    return result.future();
  }

  /** No connection was had (TCP connect, or waiting for a pooled connection), so nothing was sent. */
  private static boolean isConnectTimeout(Throwable t) {
    return t instanceof io.netty.channel.ConnectTimeoutException
        || (t.getMessage() != null && t.getMessage().contains("when getting a connection"));
  }

  private Future<CoreResponse> withRetries(HttpMethod method, String path, JsonObject body, int retriesLeft) {
    return call(method, path, body).recover(failure -> {
      boolean breakerOpen = guard.breaker().getState() == CircuitBreaker.State.OPEN;
      if (retriesLeft <= 0 || breakerOpen || !(failure instanceof CoreCallException)) {
        return Future.failedFuture(failure);
      }
      int attempt = config.readRetries() - retriesLeft;
      long backoff = (long) (config.retryBackoffMillis() * Math.pow(2, attempt)
          * (0.5 + ThreadLocalRandom.current().nextDouble()));
      Promise<CoreResponse> retried = Promise.promise();
      vertx.setTimer(Math.max(1, backoff), id -> withRetries(method, path, body, retriesLeft - 1).onComplete(retried));
      return retried.future();
    });
  }

  void close() {
    client.close();
  }
}
