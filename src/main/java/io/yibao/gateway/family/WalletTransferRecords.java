package io.yibao.gateway.family;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.yibao.gateway.family.WalletTransfer.Status;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.redis.Transition;

import java.util.ArrayList;
import java.util.List;

/**
 * The sharer's wallet transfers in Redis, all under the sharer's person pseudonym as hash tag, so that taking a slot
 * of the day's count and writing the transfer are one script (and failing it and giving the slot back another):
 * <pre>
 *   yb:{psn:&lt;sharer&gt;}:transfer:&lt;id&gt;             hash: from, to, amount, status, day, createdAt, receivedAt,
 *                                                returnedAt, err (codec: {@link WalletTransfer})         TTL 400 days
 *   yb:{psn:&lt;sharer&gt;}:transfers:out               zset id → created ms (the sharer's outgoing transfers)   TTL 400 days
 *   yb:{psn:&lt;sharer&gt;}:transfers:day:&lt;yyyy-MM-dd&gt;  transfers counted against the business day (INCR; given back
 *                                                when nothing moved)                                     TTL 2 days
 *   yb:{psn:&lt;sharer&gt;}:transfers:key:&lt;digest&gt;      transfer id made for an Idempotency-Key (digest of scope and
 *                                                key): a re-run of the key finds it, never sends another  TTL idempotency.retentionHours
 * </pre>
 * The id is random ({@code Secrets.randomId}); the pseudonym (HMAC with the pepper) keeps psn_no out of the keys.
 */
public final class WalletTransferRecords {

  static final long KEEP_MILLIS = 400L * 86_400_000L;
  /** A day's count outlives its day by a day: long enough for every give-back of that day's transfers. */
  static final long DAY_COUNT_MILLIS = 2L * 86_400_000L;

  private static final RedisScript OPEN = RedisScript.load("transfer-open.lua");
  private static final RedisScript TRANSITION = RedisScript.load("transition-lib.lua", "transfer-transition.lua");

  private final RedisStore redis;
  private final Pseudonyms pseudonyms;
  private final long linkMillis;

  public WalletTransferRecords(RedisStore redis, Pseudonyms pseudonyms, long linkMillis) {
    this.redis = redis;
    this.pseudonyms = pseudonyms;
    this.linkMillis = linkMillis;
  }

  /** The sharer's hash tag: what the work queue's entry carries to find the transfer again. */
  String holder(String sharerPsnNo) {
    return pseudonyms.person(sharerPsnNo);
  }

  private static String tag(String holder) {
    return "psn:" + holder;
  }

  static String transferKey(String holder, String id) {
    return RedisKeys.key(tag(holder), "transfer", id);
  }

  static String listKey(String holder) {
    return RedisKeys.key(tag(holder), "transfers", "out");
  }

  static String dayKey(String holder, String day) {
    return RedisKeys.key(tag(holder), "transfers", "day:" + day);
  }

  private static String linkKey(String holder, String scope, String idempotencyKey) {
    return RedisKeys.key(tag(holder), "transfers", "key:" + RedisKeys.digest(scope + "|" + idempotencyKey));
  }

  /**
   * Takes a slot of the sharer's count for the transfer's day and writes the transfer, linked to the request's key;
   * false (and nothing written) when the day's {@code perDay} transfers are spent.
   */
  public Future<Boolean> open(WalletTransfer t, int perDay, String scope, String idempotencyKey) {
    String holder = holder(t.fromPsnNo());
    List<String> args = new ArrayList<>(List.of(Integer.toString(perDay), Long.toString(DAY_COUNT_MILLIS),
        Long.toString(KEEP_MILLIS), Long.toString(linkMillis), t.id(), Long.toString(t.createdAt())));
    t.toHash().forEach((field, value) -> {
      args.add(field);
      args.add(value);
    });
    return OPEN.run(redis, List.of(dayKey(holder, t.day()), transferKey(holder, t.id()), listKey(holder),
        linkKey(holder, scope, idempotencyKey)), args).map(r -> r.toInteger() == 1);
  }

  /** The transfer an earlier run of this Idempotency-Key made, or null. */
  public Future<WalletTransfer> ofKey(String sharerPsnNo, String scope, String idempotencyKey) {
    String holder = holder(sharerPsnNo);
    return redis.send(Command.GET, linkKey(holder, scope, idempotencyKey))
        .compose(id -> id == null ? Future.succeededFuture(null) : get(holder, id.toString()));
  }

  /** The transfer, or null. */
  public Future<WalletTransfer> get(String holder, String id) {
    return redis.send(Command.HGETALL, transferKey(holder, id))
        .map(r -> WalletTransfer.fromHash(RedisStore.fields(r)));
  }

  /** The sharer's newest {@code count} transfers, newest first. */
  public Future<List<WalletTransfer>> newest(String sharerPsnNo, int count) {
    String holder = holder(sharerPsnNo);
    return redis.send(Command.ZREVRANGE, listKey(holder), 0, count - 1).compose(ids -> {
      List<Future<WalletTransfer>> all = new ArrayList<>();
      ids.forEach(id -> all.add(get(holder, id.toString())));
      return Future.all(all).map(x -> all.stream().map(Future::result).filter(java.util.Objects::nonNull).toList());
    });
  }

  /**
   * Moves the transfer from {@code from} to what the accounts system reports ({@link WalletTransfer#as}); the
   * transfer as it stands afterwards.
   */
  public Future<Transition<WalletTransfer>> settle(WalletTransfer t, Status from, FamilySharingClient.Transfer found) {
    WalletTransfer now = t.as(found);
    if (now.status() == Status.FAILED) {
      return fail(t, from, "not taken by the accounts system");
    }
    List<String> extra = new ArrayList<>();
    if (now.receivedAt() != null) {
      extra.addAll(List.of(WalletTransfer.RECEIVED_AT, now.receivedAt()));
    }
    if (now.returnedAt() != null) {
      extra.addAll(List.of(WalletTransfer.RETURNED_AT, now.returnedAt()));
    }
    return transition(t, from, now.status(), false, extra);
  }

  /** PENDING (or {@code from}) → FAILED: nothing moved, so the day's slot is given back in the same step. */
  public Future<Transition<WalletTransfer>> fail(WalletTransfer t, Status from, String why) {
    return transition(t, from, Status.FAILED, true, List.of(WalletTransfer.ERR, why));
  }

  private Future<Transition<WalletTransfer>> transition(WalletTransfer t, Status from, Status to, boolean giveBack,
                                                        List<String> extra) {
    String holder = holder(t.fromPsnNo());
    List<String> args = new ArrayList<>(List.of(from.name(), to.name(), giveBack ? "1" : "0"));
    args.addAll(extra);
    return TRANSITION.run(redis, List.of(transferKey(holder, t.id()), dayKey(holder, t.day())), args)
        .map(r -> Transition.of(r, WalletTransfer::fromHash));
  }
}
