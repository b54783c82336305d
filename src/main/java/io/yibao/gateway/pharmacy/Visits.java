package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.util.List;

/**
 * Visit tokens: what a terminal gets for a scanned code (like the credential of national transaction 1101),
 * bound to that terminal, alive {@code pharmacy.visitTokenSeconds}, good for one settlement. A visit lives under its
 * pharmacy's hash tag, beside the settlement records, so that opening a settlement checks the visit, creates the
 * record and ties the visit to it in one script ({@code settlement-open.lua}, {@link SettlementRecords#open}).
 * <pre>  yb:{pharm:&lt;code&gt;}:visit:&lt;token&gt;   hash: term, fix, psn, acct, insutype, admdvs, cert, stl   TTL visit life</pre>
 * A token is only ever looked up under the presenting terminal's pharmacy: another pharmacy's terminal does not find
 * it at all.
 */
public final class Visits {

  private static final RedisScript RELEASE = RedisScript.load("hash-field-compare-and-delete.lua");

  private final RedisStore redis;
  private final long ttlMillis;

  public Visits(RedisStore redis, long ttlSeconds) {
    this.redis = redis;
    this.ttlMillis = ttlSeconds * 1000L;
  }

  private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{32}");

  /** A token that could be one of ours; anything else is not looked up. */
  static boolean wellFormed(String token) {
    return token != null && TOKEN.matcher(token).matches();
  }

  static String key(String fixmedinsCode, String token) {
    return RedisKeys.key("pharm:" + fixmedinsCode, "visit", token);
  }

  public long ttlMillis() {
    return ttlMillis;
  }

  /** Opens the visit at its pharmacy; answers its token. */
  public Future<String> open(Visit visit) {
    String token = Secrets.randomId(24);
    return redis.hsetWithTtl(key(visit.fixmedinsCode(), token), ttlMillis, visit.toHash()).map(token);
  }

  /** The visit, or null when expired or unknown (at this pharmacy). */
  public Future<Visit> get(String fixmedinsCode, String token) {
    if (!wellFormed(token)) {
      return Future.succeededFuture(null);
    }
    return redis.send(Command.HGETALL, key(fixmedinsCode, token)).map(r -> Visit.fromHash(RedisStore.fields(r)));
  }

  /** Removes a visit whose token was never handed out; a failure only leaves it to expire. */
  public Future<Void> discard(String fixmedinsCode, String token) {
    return redis.send(Command.DEL, key(fixmedinsCode, token)).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Unties the visit from a settlement that never reached the core, if it is still tied to that one. */
  public Future<Void> releaseSettlement(String fixmedinsCode, String token, String settlementId) {
    return RELEASE.run(redis, List.of(key(fixmedinsCode, token)), List.of("stl", settlementId)).mapEmpty();
  }
}
