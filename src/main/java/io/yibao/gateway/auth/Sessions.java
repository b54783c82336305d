package io.yibao.gateway.auth;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Residents' sessions in Redis, one hash per session under the account's hash tag, plus a per-account index:
 * <pre>
 *   yb:{acct:&lt;account&gt;}:sess:&lt;sid&gt;        hash: acct, dev, dn, ca, ls, abs, rh, su   TTL idle timeout (sliding)
 *   yb:{acct:&lt;account&gt;}:sess:&lt;sid&gt;:used   set of used refresh-token hashes      TTL absolute expiry
 *   yb:{acct:&lt;account&gt;}:sessions:index    zset sid → created ms                 TTL absolute expiry
 * </pre>
 * Every change is one Lua script, so two gateway instances never see half a session. Deleting the hash is
 * revocation: the next request on any instance finds nothing.
 */
public final class Sessions {

  /** A session as listed to its owner. */
  public record Listed(String sessionId, String deviceName, String deviceId, long createdMillis, long lastSeenMillis) {
  }

  /** A new session: its id, the refresh token to hand out, and sessions signed out to make room. */
  public record Created(String sessionId, String refreshToken, List<String> evicted) {
  }

  /** Outcome of a refresh. */
  public enum Rotation { ROTATED, UNKNOWN, REUSED }

  private static final RedisScript CREATE = RedisScript.load("session-create.lua");
  private static final RedisScript TOUCH = RedisScript.load("session-touch.lua");
  private static final RedisScript REFRESH = RedisScript.load("session-refresh.lua");
  private static final RedisScript LIST = RedisScript.load("session-list.lua");
  private static final RedisScript REVOKE = RedisScript.load("session-revoke.lua");

  private final RedisStore redis;
  private final GatewayConfig.Identity config;

  public Sessions(RedisStore redis, GatewayConfig.Identity config) {
    this.redis = redis;
    this.config = config;
  }

  static String tag(String accountId) {
    return "acct:" + accountId;
  }

  static String sessionPrefix(String accountId) {
    return RedisKeys.key(tag(accountId), "sess", "");
  }

  static String sessionKey(String accountId, String sid) {
    return sessionPrefix(accountId) + sid;
  }

  static String indexKey(String accountId) {
    return RedisKeys.key(tag(accountId), "sessions", "index");
  }

  private long idleMillis() {
    return config.sessionIdleMinutes() * 60_000L;
  }

  public Future<Created> create(String accountId, String deviceId, String deviceName) {
    String sid = Secrets.randomId(16);
    String secret = Secrets.randomId(32);
    long now = System.currentTimeMillis();
    long absolute = now + config.sessionAbsoluteDays() * 86_400_000L;
    List<String> args = new ArrayList<>(List.of(sid, sessionPrefix(accountId), Long.toString(now),
        Long.toString(idleMillis()), Long.toString(absolute), Integer.toString(config.maxDevices()),
        "acct", accountId, "dev", deviceId, "dn", deviceName, "ca", Long.toString(now), "ls", Long.toString(now),
        "abs", Long.toString(absolute), "rh", Secrets.sha256Hex(secret), "su", "0"));
    return CREATE.run(redis, List.of(indexKey(accountId), sessionKey(accountId, sid)), args).map(r -> {
      List<String> evicted = new ArrayList<>();
      r.forEach(x -> evicted.add(x.toString()));
      return new Created(sid, RefreshToken.format(accountId, sid, secret), evicted);
    });
  }

  /**
   * The per-request check: null when the session has ended. Slides the idle timeout, and brings the account's
   * profile along in the same round trip.
   */
  public Future<ResidentSession> touch(String accountId, String sid) {
    return TOUCH.run(redis, List.of(sessionKey(accountId, sid), AccountProfile.key(accountId)),
            List.of(Long.toString(System.currentTimeMillis()), Long.toString(idleMillis())))
        .map(r -> {
          if (r == null) {
            return null;
          }
          String account = r.get(0).toString();
          AccountProfile profile = new AccountProfile(account, r.get(3).toString(), r.get(4).toLong(), text(r.get(5)),
              r.get(6) == null ? 0 : r.get(6).toLong());
          return new ResidentSession(account, sid, r.get(1).toLong(), r.get(2).toString(), profile);
        });
  }

  /** A Lua false arrives as a null reply. */
  private static String text(Response r) {
    return r == null ? null : r.toString();
  }

  public Future<Rotation> rotate(RefreshToken presented, String newSecret) {
    String account = presented.accountId();
    String sid = presented.sessionId();
    String key = sessionKey(account, sid);
    return REFRESH.run(redis, List.of(key, key + ":used", indexKey(account)),
            List.of(Secrets.sha256Hex(presented.secret()), Secrets.sha256Hex(newSecret),
                Long.toString(System.currentTimeMillis()), Long.toString(idleMillis()), sid))
        .map(r -> switch (r.toInteger()) {
          case 1 -> Rotation.ROTATED;
          case -1 -> Rotation.REUSED;
          default -> Rotation.UNKNOWN;
        });
  }

  public Future<List<Listed>> list(String accountId) {
    return LIST.run(redis, List.of(indexKey(accountId)), List.of(sessionPrefix(accountId))).map(r -> {
      List<Listed> out = new ArrayList<>();
      for (int i = 0; i + 4 < r.size(); i += 5) {
        out.add(new Listed(r.get(i).toString(), r.get(i + 1).toString(), r.get(i + 2).toString(),
            r.get(i + 3).toLong(), r.get(i + 4).toLong()));
      }
      return out;
    });
  }

  /** Ends the given sessions of the account (all of them when none is named); the count that existed. */
  public Future<Integer> revoke(String accountId, String... sids) {
    List<String> args = new ArrayList<>();
    args.add(sessionPrefix(accountId));
    args.addAll(List.of(sids));
    return REVOKE.run(redis, List.of(indexKey(accountId)), args).map(Response::toInteger);
  }

  /** Marks the session freshly verified until now + the step-up window. */
  public Future<Long> stepUp(String accountId, String sid) {
    long until = System.currentTimeMillis() + config.stepUpSeconds() * 1000L;
    return redis.send(Command.HSET, sessionKey(accountId, sid), "su", until).map(until);
  }
}
