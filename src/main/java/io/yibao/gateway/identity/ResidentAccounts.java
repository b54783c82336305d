package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.auth.AccountProfile;
import io.yibao.gateway.auth.Secrets;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.util.List;

/**
 * Residents' accounts at the gateway: an account per mobile number, created at first sign-in, and its binding to
 * an insured person (psn_no). These keys are permanent (no TTL): they are the account.
 * <pre>
 *   yb:{ph:&lt;phone pseudonym&gt;}:account:by-phone   account id
 *   yb:{acct:&lt;account&gt;}:account:profile         hash: phone, createdAt, psn, boundAt
 *   yb:{psn:&lt;person pseudonym&gt;}:binding:account   account id — the truth about who holds a person
 * </pre>
 */
public final class ResidentAccounts {

  /** Outcome of a binding attempt. {@code previousAccount} is who held the person before (or null). */
  public record Binding(boolean bound, String previousAccount) {
  }

  private static final RedisScript SET_IF_ABSENT = RedisScript.load("set-if-absent-get.lua");
  private static final RedisScript BIND = RedisScript.load("bind-person.lua");
  private static final RedisScript COMPARE_AND_DELETE = RedisScript.load("compare-and-delete.lua");

  private final RedisStore redis;
  private final Pseudonyms pseudonyms;

  public ResidentAccounts(RedisStore redis, Pseudonyms pseudonyms) {
    this.redis = redis;
    this.pseudonyms = pseudonyms;
  }

  private static String profileKey(String accountId) {
    return AccountProfile.key(accountId);
  }

  private String bindingKey(String psnNo) {
    return RedisKeys.key("psn:" + pseudonyms.person(psnNo), "binding", "account");
  }

  /** The account of this phone, created on first use. */
  public Future<String> forPhone(String phone) {
    String byPhone = RedisKeys.key("ph:" + pseudonyms.phone(phone), "account", "by-phone");
    return SET_IF_ABSENT.run(redis, List.of(byPhone), List.of(Secrets.randomId(16))).compose(id -> {
      String accountId = id.toString();
      return redis.send(Command.HSETNX, profileKey(accountId), "phone", phone)
          .compose(x -> redis.send(Command.HSETNX, profileKey(accountId), "createdAt", System.currentTimeMillis()))
          .map(accountId);
    });
  }

  /** The profile as it is now (a request's own session carries it as of the request's start). */
  public Future<AccountProfile> profile(String accountId) {
    return redis.send(Command.HMGET, profileKey(accountId), "phone", "createdAt", "psn", "boundAt")
        .map(r -> new AccountProfile(accountId, str(r, 0), num(r, 1), str(r, 2), num(r, 3)));
  }

  /**
   * Binds the person to the account. When another account holds the person, only {@code takeOver} (after face
   * verification) moves it; the caller then signs the previous account out.
   */
  public Future<Binding> bind(String accountId, String psnNo, boolean takeOver) {
    return BIND.run(redis, List.of(bindingKey(psnNo)), List.of(accountId, takeOver ? "1" : "0")).compose(r -> {
      boolean bound = r.get(0).toInteger() == 1;
      String previous = r.get(1).toString();
      if (!bound) {
        return Future.succeededFuture(new Binding(false, previous));
      }
      Future<?> clearPrevious = previous.isEmpty() || previous.equals(accountId) ? Future.succeededFuture()
          : redis.send(Command.HDEL, profileKey(previous), "psn", "boundAt");
      return clearPrevious
          .compose(x -> redis.send(Command.HSET, profileKey(accountId), "psn", psnNo, "boundAt",
              System.currentTimeMillis()))
          .map(new Binding(true, previous.isEmpty() || previous.equals(accountId) ? null : previous));
    });
  }

  /** Whether the person is bound to this account right now (the binding key is the truth). */
  public Future<Boolean> holds(String accountId, String psnNo) {
    return redis.send(Command.GET, bindingKey(psnNo)).map(r -> r != null && accountId.equals(r.toString()));
  }

  public Future<Void> unbind(String accountId, String psnNo) {
    return COMPARE_AND_DELETE.run(redis, List.of(bindingKey(psnNo)), List.of(accountId))
        .compose(x -> redis.send(Command.HDEL, profileKey(accountId), "psn", "boundAt"))
        .mapEmpty();
  }

  private static String str(Response r, int i) {
    return r.get(i) == null ? null : r.get(i).toString();
  }

  private static long num(Response r, int i) {
    return r.get(i) == null ? 0 : r.get(i).toLong();
  }
}
