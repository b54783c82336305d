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

  private static final RedisScript CLAIM = RedisScript.load("visit-claim.lua");
  private static final RedisScript RELEASE = RedisScript.load("hash-field-compare-and-delete.lua");

  private final RedisStore redis;
  private final long ttlMillis;

  public Visits(RedisStore redis, long ttlSeconds) {
    this.redis = redis;
    this.ttlMillis = ttlSeconds * 1000L;
  }

  private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{32}");

  /** A token that could be one of ours; anything else is not looked up. */
  private static boolean wellFormed(String token) {
    return token != null && TOKEN.matcher(token).matches();
  }

  static String key(String token) {
    return RedisKeys.key("visit:" + token, "visit", "record");
  }

  public long ttlMillis() {
    return ttlMillis;
  }

  public Future<String> open(Map<String, String> fields) {
    String token = Secrets.randomId(24);
    return redis.hsetWithTtl(key(token), ttlMillis, fields).map(token);
  }

  /** The visit's fields, or null when expired or unknown. */
  public Future<Map<String, String>> get(String token) {
    if (!wellFormed(token)) {
      return Future.succeededFuture(null);
    }
    return redis.send(Command.HGETALL, key(token)).map(SettlementRecords::fields);
  }

  /** Unties the visit from a settlement that never reached the core, if it is still tied to that one. */
  public Future<Void> releaseSettlement(String token, String settlementId) {
    return RELEASE.run(redis, List.of(key(token)), List.of("stl", settlementId)).mapEmpty();
  }

  /** What became of a claim: the visit's fields when claimed, the settlement it already has when taken. */
  public record Claim(Outcome outcome, Map<String, String> visit, String existingSettlement) {
  }

  public enum Outcome { CLAIMED, GONE, OTHER_TERMINAL, TAKEN }

  /**
   * Ties the visit to a new settlement, if it is this terminal's and has none yet, and returns it: one round trip
   * for what the settlement needs to know about its visit.
   */
  public Future<Claim> claimForSettlement(String token, String terminalId, String settlementId) {
    if (!wellFormed(token)) {
      return Future.succeededFuture(new Claim(Outcome.GONE, null, null));
    }
    return CLAIM.run(redis, List.of(key(token)), List.of(terminalId, settlementId)).map(r -> switch (r.get(0).toString()) {
      case "claimed" -> new Claim(Outcome.CLAIMED, RedisStore.pairs(r, 1), null);
      case "other" -> new Claim(Outcome.OTHER_TERMINAL, null, null);
      case "taken" -> new Claim(Outcome.TAKEN, null, r.get(1).toString());
      default -> new Claim(Outcome.GONE, null, null);
    });
  }
}
