package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.auth.AccountProfile;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.auth.Sessions;
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
 * An account holds at most one person and a person is held by at most one account. A binding ends when the account
 * unbinds, when another account takes the person over (that account is also signed out), or when the account binds
 * someone else. Then, in this order: every {@link BindingDependents} ends what it had because of the binding, the
 * profile forgets the person, the binding key lets go. Each step is guarded by the account's profile still naming
 * the person, so a step repeated (a retry after a failure between steps) or arriving late (a stale binding key)
 * never touches a newer binding; the keys live in different slots, so this is a few single-slot steps, each atomic.
 */
public final class ResidentAccounts {

  /** Outcome of a binding: who held the person before (null: nobody else) and whom the account held before. */
  public record Binding(String previousAccount, String previousPerson) {
  }

  private static final RedisScript BIND = RedisScript.load("bind-person.lua");
  private static final RedisScript PROFILE_BIND = RedisScript.load("profile-bind.lua");
  private static final RedisScript PROFILE_RELEASE = RedisScript.load("profile-release.lua");
  private static final RedisScript COMPARE_AND_DELETE = RedisScript.load("compare-and-delete.lua");

  private final RedisStore redis;
  private final Pseudonyms pseudonyms;
  private final Sessions sessions;
  private final List<BindingDependents> dependents;

  public ResidentAccounts(RedisStore redis, Pseudonyms pseudonyms, Sessions sessions,
                          List<BindingDependents> dependents) {
    this.redis = redis;
    this.pseudonyms = pseudonyms;
    this.sessions = sessions;
    this.dependents = List.copyOf(dependents);
  }

  private static String profileKey(String accountId) {
    return AccountProfile.key(accountId);
  }

  private String bindingKey(String psnNo) {
    return bindingKey(pseudonyms, psnNo);
  }

  static String bindingKey(Pseudonyms pseudonyms, String psnNo) {
    return RedisKeys.key("psn:" + pseudonyms.person(psnNo), "binding", "account");
  }

  /** The account of this phone, created on first use. */
  public Future<String> forPhone(String phone) {
    String byPhone = RedisKeys.key("ph:" + pseudonyms.phone(phone), "account", "by-phone");
    return redis.setIfAbsentGet(byPhone, Secrets.randomId(16), 0).compose(accountId -> {
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
   * Binds the person (already proven, by face) to the account. The account that held them loses them and is signed
   * out; the person this account held is released.
   */
  public Future<Binding> bind(String accountId, String psnNo) {
    String binding = bindingKey(psnNo);
    // The holder's binding ends before the person moves, so a failure in between leaves the person unbound rather
    // than seen by two accounts; the move itself still reports whoever held them at that moment.
    return redis.send(Command.GET, binding).compose(h -> {
      String holder = other(h == null ? null : h.toString(), accountId);
      return end(holder, psnNo, true)
          .compose(x -> BIND.run(redis, List.of(binding), List.of(accountId)))
          .compose(moved -> {
            String actual = other(moved.toString(), accountId);
            return (actual == null || actual.equals(holder) ? Future.<Boolean>succeededFuture(false)
                : end(actual, psnNo, true)).map(x -> actual != null ? actual : holder);
          });
    }).compose(previousAccount -> redis.send(Command.HGET, profileKey(accountId), "psn").compose(p -> {
      String previousPerson = p == null || p.toString().equals(psnNo) ? null : p.toString();
      // What the account had because of its previous person ends while the profile still names them; the
      // profile then names the new person in one step; the old binding key lets go last (a stale one is harmless).
      return (previousPerson == null ? Future.<Void>succeededFuture() : endDependents(accountId, previousPerson))
          .compose(x -> PROFILE_BIND.run(redis, List.of(profileKey(accountId)),
              List.of(psnNo, Long.toString(System.currentTimeMillis()))))
          .compose(x -> previousPerson == null ? Future.succeededFuture()
              : COMPARE_AND_DELETE.run(redis, List.of(bindingKey(previousPerson)), List.of(accountId)))
          .map(new Binding(previousAccount, previousPerson));
    }));
  }

  private static String other(String holder, String accountId) {
    return holder == null || holder.isEmpty() || holder.equals(accountId) ? null : holder;
  }

  /** Ends the account's binding of the person, and what depended on it. */
  public Future<Void> unbind(String accountId, String psnNo) {
    return end(accountId, psnNo, false)
        .compose(x -> COMPARE_AND_DELETE.run(redis, List.of(bindingKey(psnNo)), List.of(accountId)))
        .mapEmpty();
  }

  /**
   * Ends {@code accountId}'s binding of the person, when its profile still names them (false otherwise: it ended
   * before): what depended on it, the account's sessions when {@code signOut}, then the profile's person.
   */
  private Future<Boolean> end(String accountId, String psnNo, boolean signOut) {
    if (accountId == null) {
      return Future.succeededFuture(false);
    }
    return redis.send(Command.HGET, profileKey(accountId), "psn").compose(p -> {
      if (p == null || !p.toString().equals(psnNo)) {
        return Future.succeededFuture(false);
      }
      return endDependents(accountId, psnNo)
          .compose(x -> signOut ? sessions.revoke(accountId).mapEmpty() : Future.succeededFuture())
          .compose(x -> PROFILE_RELEASE.run(redis, List.of(profileKey(accountId)), List.of(psnNo)))
          .map(true);
    });
  }

  private Future<Void> endDependents(String accountId, String psnNo) {
    Future<Void> chain = Future.succeededFuture();
    for (BindingDependents d : dependents) {
      chain = chain.compose(x -> d.bindingEnded(accountId, psnNo));
    }
    return chain;
  }

  private static String str(Response r, int i) {
    return r.get(i) == null ? null : r.get(i).toString();
  }

  private static long num(Response r, int i) {
    return r.get(i) == null ? 0 : r.get(i).toLong();
  }
}
