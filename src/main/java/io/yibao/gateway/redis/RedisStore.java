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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Redis: a pooled client whose every command is bounded by {@code redis.commandTimeoutMillis}.
 * Connection trouble of any kind surfaces as a 503 REDIS_UNAVAILABLE problem (with Retry-After); the pool
 * opens fresh connections on the next command, so the gateway recovers by itself when Redis comes back.
 */
public final class RedisStore {

  /**
   * Error replies that mean "not now" rather than "wrong command": among them the write refusals of a full or
   * degraded shard (OOM, READONLY, NOREPLICAS). A script meets them inside {@code redis.call}, and Redis reports
   * that as an ERR whose text carries the original reply ({@code ... -OOM command not allowed ...}), so both forms
   * are recognised.
   */
  private static final Set<String> TRANSIENT = Set.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "CLUSTERDOWN",
      "TRYAGAIN", "NOREPLICAS", "OOM");

  private static final RedisScript WRITE_WITH_TTL = RedisScript.load("write-with-ttl.lua");
  private static final RedisScript SET_IF_ABSENT_GET = RedisScript.load("set-if-absent-get.lua");

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

  /**
   * One write to {@code key} (e.g. HSET, SADD, ZADD, INCR with their arguments after the key) and the key's TTL, in
   * one atomic step and one round trip: the key never exists without its TTL. Answers the write's own reply.
   */
  public Future<Response> writeWithTtl(Command command, String key, long ttlMillis, Object... args) {
    List<String> argv = new ArrayList<>(args.length + 2);
    argv.add(Long.toString(ttlMillis));
    argv.add(command.toString());
    for (Object arg : args) {
      argv.add(String.valueOf(arg));
    }
    return WRITE_WITH_TTL.run(this, List.of(key), argv);
  }

  /**
   * A claim: sets {@code key} to {@code value} for {@code ttlMillis} unless it exists (one {@code SET NX PX}).
   * True when this call set it.
   */
  public Future<Boolean> setIfAbsent(String key, String value, long ttlMillis) {
    return send(Command.SET, key, value, "NX", "PX", ttlMillis).map(r -> r != null);
  }

  /**
   * A claim that tells who holds it: sets {@code key} to {@code value} for {@code ttlMillis} (0: for good) unless it
   * exists, and answers the value it holds afterwards — {@code value} when this call set it — in one step.
   */
  public Future<String> setIfAbsentGet(String key, String value, long ttlMillis) {
    return SET_IF_ABSENT_GET.run(this, List.of(key), List.of(value, ttlMillis > 0 ? Long.toString(ttlMillis) : ""))
        .map(r -> r == null ? null : r.toString());
  }

  /** {@link #writeWithTtl} of HSET with every field of {@code fields}. */
  public Future<Response> hsetWithTtl(String key, long ttlMillis, Map<String, String> fields) {
    Object[] args = new Object[fields.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> field : fields.entrySet()) {
      args[i++] = field.getKey();
      args[i++] = field.getValue();
    }
    return writeWithTtl(Command.HSET, key, ttlMillis, args);
  }

  /** The fields of an HGETALL reply; null when the hash does not exist (Redis answers an empty map). */
  public static Map<String, String> fields(Response hgetall) {
    if (hgetall == null || hgetall.getKeys().isEmpty()) {
      return null;
    }
    Map<String, String> out = new java.util.HashMap<>();
    for (String k : hgetall.getKeys()) {
      out.put(k, hgetall.get(k).toString());
    }
    return out;
  }

  /** Field/value pairs of a flat script reply (e.g. a script's copy of HGETALL), from index {@code from} on. */
  public static Map<String, String> pairs(Response reply, int from) {
    Map<String, String> out = new java.util.HashMap<>();
    for (int i = from; i + 1 < reply.size(); i += 2) {
      out.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    return out;
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
      if (kind != null && TRANSIENT.contains(kind) || refusedInsideScript(String.valueOf(error.getMessage()))) {
        return Future.failedFuture(unavailable());
      }
      // A wrong command or script: our bug, not an outage. Keep it as it is (it becomes a 500).
      return Future.failedFuture(failure);
    }
    return Future.failedFuture(unavailable());
  }

  private static boolean refusedInsideScript(String message) {
    for (String kind : TRANSIENT) {
      if (message.contains("-" + kind + " ") || message.contains(" " + kind + " command not allowed")) {
        return true;
      }
    }
    return false;
  }

  private static ProblemException unavailable() {
    return ProblemException.retryLater(ProblemCode.REDIS_UNAVAILABLE, null, 1);
  }
}
