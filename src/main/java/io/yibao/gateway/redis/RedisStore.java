package io.yibao.gateway.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Redis: a pooled client whose every command is bounded by {@code redis.commandTimeoutMillis}.
 * Connection trouble of any kind surfaces as a 503 REDIS_UNAVAILABLE problem (with Retry-After); the pool
 * opens fresh connections on the next command, so the gateway recovers by itself when Redis comes back.
 */
public final class RedisStore {

  /** Error replies that mean "not now" rather than "wrong command". */
  private static final Set<String> TRANSIENT = Set.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "CLUSTERDOWN",
      "TRYAGAIN", "NOREPLICAS");

  private final Redis client;
  private final long commandTimeoutMillis;

  private RedisStore(Redis client, long commandTimeoutMillis) {
    this.client = client;
    this.commandTimeoutMillis = commandTimeoutMillis;
  }

  public static RedisStore create(Vertx vertx, GatewayConfig.Redis config) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(config.url().toString())
        .setMaxPoolSize(config.poolSize())
        .setMaxPoolWaiting(config.maxWaiting())
        .setMaxWaitingHandlers(config.maxWaiting())
        .setPoolRecycleTimeout(15_000)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout(config.connectTimeoutMillis())
            .setTcpKeepAlive(true)
            .setTcpNoDelay(true));
    return new RedisStore(Redis.createClient(vertx, options), config.commandTimeoutMillis());
  }

  public Future<Response> send(Request request) {
    return client.send(request)
        .timeout(commandTimeoutMillis, TimeUnit.MILLISECONDS)
        .recover(RedisStore::classify);
  }

  public Future<Response> send(Command command, Object... args) {
    Request request = Request.cmd(command);
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return send(request);
  }

  /** Round trip to Redis, for readiness. */
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private static Future<Response> classify(Throwable failure) {
    if (failure instanceof ErrorType error) {
      String kind = error.slice(' ', 0);
      if (kind != null && TRANSIENT.contains(kind)) {
        return Future.failedFuture(unavailable());
      }
      // A wrong command or script: our bug, not an outage. Keep it as it is (it becomes a 500).
      return Future.failedFuture(failure);
    }
    return Future.failedFuture(unavailable());
  }

  private static ProblemException unavailable() {
    return ProblemException.retryLater(ProblemCode.REDIS_UNAVAILABLE, null, 1);
  }
}
