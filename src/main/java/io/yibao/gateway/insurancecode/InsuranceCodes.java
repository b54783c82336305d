package io.yibao.gateway.insurancecode;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.identity.BindingDependents;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The dynamic insurance code (医保码) in Redis. A code is {@code YB} + 26 characters of Crockford base32 (128
 * random bits): uppercase letters and digits only, so the QR uses alphanumeric mode and stays at version 2
 * (25×25), which cheap scanners read at a glance. It lives {@code insuranceCode.ttlSeconds}, works once, and is
 * bound to the session and device that asked; one live code per person per device.
 * <pre>
 *   yb:{code:&lt;code&gt;}:code:live                hash: acct, sid, dev, psn, issued      TTL the code's life
 *   yb:{code:&lt;code&gt;}:code:used                "1" once scanned (409 instead of 410)   TTL life + 5 min
 *   yb:{acct:&lt;account&gt;}:code:current          hash person|device → live code        TTL the code's life
 *   yb:{acct:&lt;account&gt;}:code:activation       hash: psn, at                          permanent
 *   yb:{acct:&lt;account&gt;}:code:proxies          hash psn → {relation, addedAt}         permanent
 *   yb:{psn:&lt;person pseudonym&gt;}:code:proxy-holders   set of accounts holding the person as a proxy   permanent
 * </pre>
 * Activation, codes and proxies exist because an account holds its person, so they end with that binding
 * ({@link #bindingEnded}): the account's activation, all its live codes (of the person and of family members)
 * and all its proxies; and the proxies other accounts hold of the person, with their live codes of the person.
 * Those others' entries were granted around the person (their face, or a relation and a step-up), and a binding
 * ends when the person leaves an account or re-proves themselves on a new one: from then on they approve anew
 * who shows their code. The reverse index {@code proxy-holders} is what finds the others.
 */
public final class InsuranceCodes implements BindingDependents {

  /** A live code's binding. */
  public record Live(String code, String accountId, String sessionId, String deviceId, String psnNo, long issuedMillis) {
  }

  /** What scanning a code found. */
  public enum Scan { CONSUMED, USED, EXPIRED }

  /** The outcome of consuming a code: {@code live} is set when {@code scan} is CONSUMED. */
  public record Consumed(Scan scan, Live live) {
  }

  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final RedisScript CONSUME = RedisScript.load("code-consume.lua");
  private static final RedisScript SWAP = RedisScript.load("code-current-swap.lua");
  private static final RedisScript END_CURRENT = RedisScript.load("code-current-end.lua");
  private static final RedisScript DELETE_IF_FIELD = RedisScript.load("delete-if-field.lua");

  private final RedisStore redis;
  private final GatewayConfig.InsuranceCode config;
  private final Pseudonyms pseudonyms;

  public InsuranceCodes(RedisStore redis, GatewayConfig.InsuranceCode config, Pseudonyms pseudonyms) {
    this.redis = redis;
    this.config = config;
    this.pseudonyms = pseudonyms;
  }

  /** {@code YB} + 128 random bits in Crockford base32 (26 characters). */
  static String newCode() {
    byte[] bytes = new byte[17];
    RANDOM.nextBytes(bytes);
    bytes[16] = 0;
    StringBuilder out = new StringBuilder("YB");
    int buffer = 0;
    int bits = 0;
    int written = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5 && written < 26) {
        out.append(CROCKFORD[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
        written++;
      }
    }
    return out.toString();
  }

  /** Only codes of our shape ever reach Redis. */
  public static boolean wellFormed(String code) {
    return code != null && code.matches("YB[0-9A-HJKMNP-TV-Z]{26}");
  }

  static String liveKey(String code) {
    return RedisKeys.key("code:" + code, "code", "live");
  }

  static String usedKey(String code) {
    return RedisKeys.key("code:" + code, "code", "used");
  }

  static String currentKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "code", "current");
  }

  static String activationKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "code", "activation");
  }

  static String proxiesKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "code", "proxies");
  }

  private String holdersKey(String psnNo) {
    return RedisKeys.key("psn:" + pseudonyms.person(psnNo), "code", "proxy-holders");
  }

  long ttlMillis() {
    return config.ttlSeconds() * 1000L;
  }

  /** Issues a code for {@code psnNo} shown on this session's device; the device's previous code for them dies. */
  public Future<Live> issue(String accountId, String sessionId, String deviceId, String psnNo) {
    String code = newCode();
    long now = System.currentTimeMillis();
    String key = liveKey(code);
    return redis.writeWithTtl(Command.HSET, key, ttlMillis(), "acct", accountId, "sid", sessionId, "dev", deviceId,
            "psn", psnNo, "issued", now)
        .compose(x -> SWAP.run(redis, List.of(currentKey(accountId), activationKey(accountId), proxiesKey(accountId)),
            List.of(psnNo + "|" + deviceId, code, Long.toString(ttlMillis()), psnNo)))
        .compose(swapped -> {
          if (swapped.get(0).toInteger() == 0) {
            // The binding (or the family entry) ended after the endpoint's check: the new code must not live.
            return redis.send(Command.DEL, key).compose(x -> Future.failedFuture(new ProblemException(
                ProblemCode.CODE_NOT_ACTIVATED, "POST /api/v1/insurance-code/activation with a face token first")));
          }
          Response old = swapped.size() > 1 ? swapped.get(1) : null;
          // Two steps because the old code lives in its own slot: for one round trip both work, then the old dies.
          return old == null ? Future.succeededFuture() : redis.send(Command.DEL, liveKey(old.toString()));
        })
        .map(x -> new Live(code, accountId, sessionId, deviceId, psnNo, now));
  }

  /** The live code, or null when it expired, was used, or is not of our shape. */
  public Future<Live> live(String code) {
    if (!wellFormed(code)) {
      return Future.succeededFuture(null);
    }
    return redis.send(Command.HGETALL, liveKey(code)).map(r -> r == null || r.size() == 0 ? null : live(code, r));
  }

  /** Consumes the code atomically (at most one scanner ever gets it). */
  public Future<Consumed> consume(String code) {
    if (!wellFormed(code)) {
      return Future.succeededFuture(new Consumed(Scan.EXPIRED, null));
    }
    return CONSUME.run(redis, List.of(liveKey(code), usedKey(code)), List.of(Long.toString(ttlMillis() + 300_000)))
        .map(r -> switch (r.type()) {
          case MULTI -> new Consumed(Scan.CONSUMED, live(code, r));
          default -> new Consumed("USED".equals(r.toString()) ? Scan.USED : Scan.EXPIRED, null);
        });
  }

  private static Live live(String code, Response fields) {
    Map<String, String> map = new HashMap<>();
    if (fields.type() == io.vertx.redis.client.ResponseType.MULTI && fields.getKeys().isEmpty()) {
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        map.put(fields.get(i).toString(), fields.get(i + 1).toString());
      }
    } else {
      for (String k : fields.getKeys()) {
        map.put(k, fields.get(k).toString());
      }
    }
    return new Live(code, map.get("acct"), map.get("sid"), map.get("dev"), map.get("psn"),
        Long.parseLong(map.getOrDefault("issued", "0")));
  }

  // --- activation and family proxies ----------------------------------------------------------------------------

  /** The person whose code this account activated, or null. */
  public Future<String> activatedPerson(String accountId) {
    return redis.send(Command.HGET, activationKey(accountId), "psn").map(r -> r == null ? null : r.toString());
  }

  public Future<JsonObject> activation(String accountId) {
    return redis.send(Command.HMGET, activationKey(accountId), "psn", "at").map(r -> r.get(0) == null ? null
        : new JsonObject().put("psnNo", r.get(0).toString()).put("at", r.get(1).toLong()));
  }

  public Future<Void> activate(String accountId, String psnNo) {
    return redis.send(Command.HSET, activationKey(accountId), "psn", psnNo, "at", System.currentTimeMillis()).mapEmpty();
  }

  /** Proxied members: psn → {relation, name, addedAt}. */
  public Future<Map<String, JsonObject>> proxies(String accountId) {
    return redis.send(Command.HGETALL, proxiesKey(accountId)).map(r -> {
      Map<String, JsonObject> out = new java.util.LinkedHashMap<>();
      if (r != null) {
        for (String k : r.getKeys()) {
          out.put(k, new JsonObject(r.get(k).toString()));
        }
      }
      return out;
    });
  }

  /** The index entry first: a proxy is never without it (an entry without a proxy is harmless). */
  public Future<Void> addProxy(String accountId, String psnNo, JsonObject entry) {
    return redis.send(Command.SADD, holdersKey(psnNo), accountId)
        .compose(x -> redis.send(Command.HSET, proxiesKey(accountId), psnNo, entry.encode())).mapEmpty();
  }

  public Future<Boolean> removeProxy(String accountId, String psnNo) {
    return redis.send(Command.HDEL, proxiesKey(accountId), psnNo).compose(r -> endCodes(accountId, psnNo + "|")
        .compose(x -> redis.send(Command.SREM, holdersKey(psnNo), accountId)).map(r.toInteger() > 0));
  }

  // --- when the binding ends ------------------------------------------------------------------------------------

  @Override
  public Future<Void> bindingEnded(String accountId, String psnNo) {
    return DELETE_IF_FIELD.run(redis, List.of(activationKey(accountId)), List.of("psn", psnNo))
        .compose(x -> endCodes(accountId, ""))
        .compose(x -> redis.send(Command.HKEYS, proxiesKey(accountId)))
        .compose(members -> inTurn(members, member -> removeProxy(accountId, member)))
        .compose(x -> redis.send(Command.SMEMBERS, holdersKey(psnNo)))
        .compose(holders -> inTurn(holders, holder -> removeProxy(holder, psnNo)));
  }

  /** One removal after the other, for each name in a Redis list reply. */
  private static Future<Void> inTurn(Response names, Function<String, Future<?>> removal) {
    Future<Void> chain = Future.succeededFuture();
    for (Response name : names) {
      chain = chain.compose(y -> removal.apply(name.toString()).mapEmpty());
    }
    return chain;
  }

  /** Ends the account's live codes whose person|device field starts with {@code prefix} ("" for all). */
  private Future<Void> endCodes(String accountId, String prefix) {
    return END_CURRENT.run(redis, List.of(currentKey(accountId)), List.of(prefix)).compose(codes -> {
      List<Future<?>> deletes = new java.util.ArrayList<>();
      // Each live code is in its own slot: one DEL each.
      codes.forEach(c -> deletes.add(redis.send(Command.DEL, liveKey(c.toString()))));
      return Future.all(deletes).mapEmpty();
    });
  }
}
