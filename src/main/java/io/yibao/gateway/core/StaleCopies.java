package io.yibao.gateway.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.yibao.gateway.redis.RedisStore;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * Reads that may be served from the last good copy while a core system is unavailable, for features that say
 * so (a resident's own profile and balance): each successful read is kept in Redis for {@code keepHours}; when
 * the core call fails with {@link CoreCallException}, the copy is returned marked stale with the time it was
 * read. Without a copy the failure stands.
 */
public final class StaleCopies {

  /** A read's result: the data, whether it is a stale copy, and when it was read from the core. */
  public record Read(JsonObject data, boolean stale, Instant asOf) {
  }

  private final RedisStore redis;
  private final long keepMillis;

  public StaleCopies(RedisStore redis, long keepHours) {
    this.redis = redis;
    this.keepMillis = keepHours * 3_600_000L;
  }

  public Future<Read> read(String key, Supplier<Future<JsonObject>> fetch) {
    return fetch.get().compose(fresh -> {
      Instant now = Instant.now();
      if (keepMillis <= 0) {
        return Future.succeededFuture(new Read(fresh, false, now));
      }
      JsonObject copy = new JsonObject().put("data", fresh).put("asOf", now.toString());
      // Keeping the copy is best effort: a Redis hiccup here must not fail a good read.
      return redis.send(Command.SET, key, copy.encode(), "PX", keepMillis)
          .transform(ignored -> Future.succeededFuture(new Read(fresh, false, now)));
    }, failure -> {
      if (!(failure instanceof CoreCallException) || keepMillis <= 0) {
        return Future.failedFuture(failure);
      }
      return redis.send(Command.GET, key).compose(copy -> copy == null
          ? Future.failedFuture(failure)
          : Future.succeededFuture(toRead(new JsonObject(copy.toString()))));
    });
  }

  private static Read toRead(JsonObject copy) {
    return new Read(copy.getJsonObject("data"), true, Instant.parse(copy.getString("asOf")));
  }
}
