package io.yibao.gateway.redis;

import io.vertx.redis.client.Response;

import java.util.Map;
import java.util.function.Function;

/**
 * A status compare-and-set's outcome ({@code transition-lib.lua}): whether this caller moved the record, and the
 * record as it stands afterwards (null when it is gone), read in the same step.
 */
public record Transition<T>(boolean moved, T record) {

  /** Reads the script's reply {moved, field1, value1, ...} with the record's codec from its hash. */
  public static <T> Transition<T> of(Response reply, Function<Map<String, String>, T> fromHash) {
    return new Transition<>(reply.get(0).toInteger() == 1,
        reply.size() < 3 ? null : fromHash.apply(RedisStore.pairs(reply, 1)));
  }
}
