package io.yibao.gateway.auth;

import io.yibao.gateway.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.ratelimit.RateLimiter;
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
 * revocation: the next request on any instance finds nothing. A script declares every key it touches (Redis
 * Cluster routes by them): those that must see all of an account's sessions are handed the sids read from the
 * index just before, and answer RETRY when a change since then matters ({@link #withIndex}).
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
  private static final RedisScript TOUCH = RateLimiter.script("session-touch.lua");
  private static final RedisScript REFRESH = RedisScript.load("session-refresh.lua");
  private static final RedisScript LIST = RedisScript.load("session-list.lua");
  private static final RedisScript REVOKE = RedisScript.load("session-revoke.lua");
  private static final RedisScript STEP_UP = RedisScript.load("session-step-up.lua");

  private final RedisStore redis;
  private final GatewayConfig.Identity config;
  private final Limit perAccount;
  private final Limit perSession;

  /** {@code limits}: the resident budgets spent by every {@link #touch} ({@code rateLimits.perAccount, .perSession}). */
  public Sessions(RedisStore redis, GatewayConfig.Identity config, GatewayConfig.RateLimits limits) {
    this.redis = redis;
    this.config = config;
    this.perAccount = limits.perAccount();
    this.perSession = limits.perSession();
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
    List<String> fields = List.of("acct", accountId, "dev", deviceId, "dn", deviceName, "ca", Long.toString(now),
        "ls", Long.toString(now), "abs", Long.toString(absolute), "rh", Secrets.sha256Hex(secret), "su", "0");
    return withIndex(accountId, sids -> {
      List<String> keys = new ArrayList<>(List.of(indexKey(accountId), sessionKey(accountId, sid)));
      keys.addAll(sessionKeys(accountId, sids));
      List<String> args = new ArrayList<>(List.of(sid, Long.toString(now), Long.toString(idleMillis()),
          Long.toString(absolute), Integer.toString(config.maxDevices()), Integer.toString(sids.size())));
      args.addAll(sids);
      args.addAll(fields);
      return CREATE.run(redis, keys, args);
    }).map(r -> {
      List<String> evicted = new ArrayList<>();
      r.forEach(x -> evicted.add(x.toString()));
      return new Created(sid, RefreshToken.format(accountId, sid, secret), evicted);
    });
  }

  /** Each sid's session key and its used-refresh-hashes key, in order: what the session scripts declare. */
  private static List<String> sessionKeys(String accountId, List<String> sids) {
    List<String> keys = new ArrayList<>();
    for (String sid : sids) {
      keys.add(sessionKey(accountId, sid));
      keys.add(sessionKey(accountId, sid) + ":used");
    }
    return keys;
  }

  private static final int INDEX_READS = 10;

  /**
   * Runs a script that must declare every session of the account: reads the index, hands its sids to the script,
   * and reads again when the script answers RETRY (the index changed in between, e.g. a sign-in elsewhere).
   */
  private Future<Response> withIndex(String accountId, java.util.function.Function<List<String>, Future<Response>> script) {
    return withIndex(accountId, script, INDEX_READS);
  }

  private Future<Response> withIndex(String accountId, java.util.function.Function<List<String>, Future<Response>> script,
                                     int reads) {
    return redis.send(Command.ZRANGE, indexKey(accountId), 0, -1).compose(members -> {
      List<String> sids = new ArrayList<>();
      if (members != null) {
        members.forEach(m -> sids.add(m.toString()));
      }
      return script.apply(sids);
    }).compose(r -> {
      if (r == null || r.type() != io.vertx.redis.client.ResponseType.BULK || !"RETRY".equals(r.toString())) {
        return Future.succeededFuture(r);
      }
      return reads > 1 ? withIndex(accountId, script, reads - 1)
          : Future.failedFuture(new IllegalStateException("the session index kept changing"));
    });
  }

  /** Whether the session still exists (not signed out, evicted or expired); touches nothing. */
  public Future<Boolean> alive(String accountId, String sid) {
    return redis.send(Command.EXISTS, sessionKey(accountId, sid)).map(r -> r.toInteger() == 1);
  }

  /**
   * The per-request check, one round trip: null when the session has ended; fails with 429 RATE_LIMITED (and
   * Retry-After) when the account or the session is over its budget, wherever the request comes from. Spends the
   * budgets, slides the idle timeout, and brings the account's profile along.
   */
  public Future<ResidentSession> touch(String accountId, String sid) {
    // The budgets are fields of these two hashes (session-touch.lua): the account's in its profile, the session's
    // in the session.
    return TOUCH.run(redis, List.of(sessionKey(accountId, sid), AccountProfile.key(accountId)),
            List.of(Long.toString(System.currentTimeMillis()), Long.toString(idleMillis()),
                Integer.toString(perAccount.limit()), Long.toString(perAccount.windowSeconds() * 1000L),
                Integer.toString(perSession.limit()), Long.toString(perSession.windowSeconds() * 1000L)))
        .compose(r -> {
          if (r != null && r.size() == 2) {
            return Future.failedFuture(RateLimiter.limited(r.get(1).toLong()));
          }
          return Future.succeededFuture(r);
        })
        .map(r -> {
          if (r == null) {
            return null;
          }
          String account = r.get(0).toString();
          AccountProfile profile = new AccountProfile(account, r.get(3).toString(), r.get(4).toLong(), text(r.get(5)),
              r.get(6) == null ? 0 : r.get(6).toLong(), text(r.get(7)), r.get(8).toLong());
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
    return withIndex(accountId, sids -> {
      List<String> keys = new ArrayList<>(List.of(indexKey(accountId)));
      sids.forEach(sid -> keys.add(sessionKey(accountId, sid)));
      return LIST.run(redis, keys, sids);
    }).map(r -> {
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
    if (sids.length > 0) {
      return revokeListed(accountId, "these", List.of(sids)).map(Response::toInteger);
    }
    return withIndex(accountId, listed -> revokeListed(accountId, "all", listed)).map(Response::toInteger);
  }

  private Future<Response> revokeListed(String accountId, String mode, List<String> sids) {
    List<String> keys = new ArrayList<>(List.of(indexKey(accountId)));
    keys.addAll(sessionKeys(accountId, sids));
    List<String> args = new ArrayList<>(List.of(mode));
    args.addAll(sids);
    return REVOKE.run(redis, keys, args);
  }

  /** Marks the session freshly verified until now + the step-up window. */
  public Future<Long> stepUp(String accountId, String sid) {
    long until = System.currentTimeMillis() + config.stepUpSeconds() * 1000L;
    return STEP_UP.run(redis, List.of(sessionKey(accountId, sid)), List.of(Long.toString(until)))
        .compose(r -> r.toInteger() == 1 ? Future.succeededFuture(until)
            : Future.failedFuture(ResidentAuthHandler.unauthenticated("The session has ended")));
  }
}
