package io.yibao.gateway.family;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.redis.Transition;

import java.util.ArrayList;
import java.util.List;

/**
 * Family-sharing invitations in Redis: one-time state of the gateway (the bindings themselves are the accounts
 * system's). Each side lists what is pending through its own index; an index entry whose invitation is gone (past
 * its TTL) is dropped when read. Status changes are compare-and-set ({@code status-transition.lua}), so an accept
 * and a decline racing each other cannot both win.
 * <pre>
 *   yb:{inv:&lt;id&gt;}:family:invitation                 hash (see {@link Invitation})   until expiry + 1 day
 *   yb:{acct:&lt;account&gt;}:family:invitations          zset id → created (the sharer's) until the newest expiry + 1 day
 *   yb:{psn:&lt;person pseudonym&gt;}:family:invitations-in  zset id → created (the invited person's) likewise
 * </pre>
 */
public final class Invitations {

  private static final RedisScript TRANSITION = RedisScript.load("transition-lib.lua", "status-transition.lua");
  /** Kept after its expiry so that the parties see it expired rather than unknown. */
  private static final long KEPT_AFTER_EXPIRY_MILLIS = 86_400_000L;
  private static final int LISTED = 50;

  private final RedisStore redis;
  private final Pseudonyms pseudonyms;

  public Invitations(RedisStore redis, Pseudonyms pseudonyms) {
    this.redis = redis;
    this.pseudonyms = pseudonyms;
  }

  static String key(String id) {
    return RedisKeys.key("inv:" + id, "family", "invitation");
  }

  private static String sentKey(String account) {
    return RedisKeys.key("acct:" + account, "family", "invitations");
  }

  private String incomingKey(String memberPsnNo) {
    return RedisKeys.key("psn:" + pseudonyms.person(memberPsnNo), "family", "invitations-in");
  }

  /** Stores a new invitation and indexes it for both sides. */
  public Future<Invitation> add(Invitation inv) {
    long ttl = inv.expiresAt() - System.currentTimeMillis() + KEPT_AFTER_EXPIRY_MILLIS;
    // The record first (an index entry without its record is dropped when read), then both indexes side by side:
    // three hash tags, so no one script can write them together.
    return redis.hsetWithTtl(key(inv.id()), ttl, inv.toHash())
        .compose(x -> Future.all(index(sentKey(inv.sharerAccount()), inv, ttl),
            index(incomingKey(inv.memberPsnNo()), inv, ttl)))
        .map(inv);
  }

  private Future<Void> index(String index, Invitation inv, long ttl) {
    return redis.send(Command.ZADD, index, inv.createdAt(), inv.id())
        .compose(x -> redis.send(Command.PEXPIRE, index, ttl)).mapEmpty();
  }

  /** The invitation, or null when there is none (or it is long past its expiry). */
  public Future<Invitation> get(String id) {
    return redis.send(Command.HGETALL, key(id)).map(r -> {
      java.util.Map<String, String> h = RedisStore.fields(r);
      return h == null ? null : Invitation.fromHash(id, h);
    });
  }

  /** Moves it from {@code from} to {@code to} if it is still in {@code from}; the invitation as it stands after. */
  public Future<Transition<Invitation>> move(String id, Invitation.Status from, Invitation.Status to,
                                             String... extraFieldValues) {
    List<String> args = new ArrayList<>(List.of(from.name(), to.name()));
    args.addAll(List.of(extraFieldValues));
    return TRANSITION.run(redis, List.of(key(id)), args).map(r -> Transition.of(r, h -> Invitation.fromHash(id, h)));
  }

  /** The sharer account's invitations, newest first. */
  public Future<List<Invitation>> sentBy(String account) {
    return listed(sentKey(account));
  }

  /** The invitations to the person, newest first. */
  public Future<List<Invitation>> sentTo(String memberPsnNo) {
    return listed(incomingKey(memberPsnNo));
  }

  private Future<List<Invitation>> listed(String index) {
    return redis.send(Command.ZREVRANGE, index, 0, LISTED - 1).compose(ids -> {
      List<Future<Invitation>> reads = new ArrayList<>();
      for (Response id : ids) {
        reads.add(get(id.toString()));
      }
      return Future.all(reads).map(all -> {
        List<Invitation> out = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < reads.size(); i++) {
          Invitation inv = reads.get(i).result();
          if (inv == null) {
            gone.add(ids.get(i).toString());
          } else {
            out.add(inv);
          }
        }
        if (!gone.isEmpty()) { // best effort: the next read drops them otherwise
          List<Object> args = new ArrayList<>(List.of(index));
          args.addAll(gone);
          redis.send(Command.ZREM, args.toArray());
        }
        return out;
      });
    });
  }
}
