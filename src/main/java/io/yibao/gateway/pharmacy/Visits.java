package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.yibao.gateway.auth.Secrets;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.util.List;
import java.util.Map;

/**
 * Visit tokens: what a terminal gets for a scanned code (like the credential of national transaction 1101),
 * bound to that terminal, alive {@code pharmacy.visitTokenSeconds}, good for one settlement.
 * <pre>  yb:{visit:&lt;token&gt;}:visit:record   hash: term, fix, psn, acct, insutype, admdvs, cert, stl   TTL visit life</pre>
 */
public final class Visits {

  private static final RedisScript RELEASE = RedisScript.load("hash-field-compare-and-delete.lua");

  private final RedisStore redis;
  private final long ttlMillis;

  public Visits(RedisStore redis, long ttlSeconds) {
    this.redis = redis;
    this.ttlMillis = ttlSeconds * 1000L;
  }

  static String key(String token) {
    return RedisKeys.key("visit:" + token, "visit", "record");
  }

  public long ttlMillis() {
    return ttlMillis;
  }

  public Future<String> open(Map<String, String> fields) {
    String token = Secrets.randomId(24);
    io.vertx.redis.client.Request hset = io.vertx.redis.client.Request.cmd(Command.HSET).arg(key(token));
    fields.forEach((k, v) -> hset.arg(k).arg(v));
    return redis.send(hset).compose(x -> redis.send(Command.PEXPIRE, key(token), ttlMillis)).map(token);
  }

  /** The visit's fields, or null when expired or unknown. */
  public Future<Map<String, String>> get(String token) {
    if (token == null || !token.matches("[A-Za-z0-9_-]{32}")) {
      return Future.succeededFuture(null);
    }
    return redis.send(Command.HGETALL, key(token)).map(SettlementRecords::fields);
  }

  /** Unties the visit from a settlement that never reached the core, if it is still tied to that one. */
  public Future<Void> releaseSettlement(String token, String settlementId) {
    return RELEASE.run(redis, List.of(key(token)), List.of("stl", settlementId)).mapEmpty();
  }

  /** Ties the visit to its settlement; returns the settlement already tied to it, or null when this one won. */
  public Future<String> claimForSettlement(String token, String settlementId) {
    return redis.send(Command.HSETNX, key(token), "stl", settlementId).compose(r -> r.toInteger() == 1
        ? Future.succeededFuture((String) null)
        : redis.send(Command.HGET, key(token), "stl").map(existing -> existing == null ? null : existing.toString()));
  }
}
