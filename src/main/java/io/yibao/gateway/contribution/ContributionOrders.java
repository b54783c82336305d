package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.contribution.ContributionOrder.Status;
import io.yibao.gateway.identity.MeCopyInvalidation;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.redis.Transition;

import java.util.ArrayList;
import java.util.List;

/**
 * Contribution orders in Redis. An order holds its persons for the year (so nobody is put in two orders) while
 * unpaid, and for as long as its money is on the way — paying, paid, refunding — until it is recorded, refunded or
 * failed; it moves through its statuses with compare-and-set, so a notify replayed ten times credits once.
 * <pre>
 *   yb:{order:&lt;id&gt;}:contrib:order            hash: acct, year, method, total, lines, status, times, prepay, txn,
 *                                           settleBy, refundReason (codec: {@link ContributionOrder})   TTL 400 days
 *   yb:{psn:&lt;person&gt;}:contrib:hold:&lt;year&gt;    order id holding the person for the year      TTL order expiry + 1 min;
 *                                           400 days from the debit or payment until recorded, refunded or failed
 *   yb:{acct:&lt;account&gt;}:contrib:orders         zset order id → created ms (the resident's list)            TTL 400 days
 * </pre>
 */
public final class ContributionOrders {

  static final long KEEP_MILLIS = 400L * 86_400_000L;
  private static final RedisScript RELEASE = RedisScript.load("compare-and-delete.lua");
  private static final RedisScript TRANSITION = RedisScript.load("transition-lib.lua", "status-transition.lua");
  private static final RedisScript KEEP = RedisScript.load("hold-keep.lua");

  private final RedisStore redis;
  private final Pseudonyms pseudonyms;
  private final MeCopyInvalidation meCopies;

  public ContributionOrders(RedisStore redis, Pseudonyms pseudonyms) {
    this(redis, pseudonyms, MeCopyInvalidation.NONE);
  }

  public ContributionOrders(RedisStore redis, Pseudonyms pseudonyms, MeCopyInvalidation meCopies) {
    this.redis = redis;
    this.pseudonyms = pseudonyms;
    this.meCopies = meCopies;
  }

  static String orderKey(String id) {
    return RedisKeys.key("order:" + id, "contrib", "order");
  }

  static String accountKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "contrib", "orders");
  }

  private String holdKey(int year, String psnNo) {
    // Keyed by person, not by year: the December rush must not put every hold in one Redis Cluster slot.
    return RedisKeys.key("psn:" + pseudonyms.person(psnNo), "contrib", "hold:" + year);
  }

  /**
   * Holds the persons for the order, one claim each ({@link RedisStore#setIfAbsentGet}: who holds it, in one step);
   * when one is held by another order, the ones taken are let go again. Returns the index of the person held
   * elsewhere, or -1 when all are held for this order.
   */
  public Future<Integer> hold(String orderId, int year, List<String> psnNos, long millis) {
    return holdFrom(orderId, year, psnNos, millis, 0);
  }

  private Future<Integer> holdFrom(String orderId, int year, List<String> psnNos, long millis, int i) {
    if (i == psnNos.size()) {
      return Future.succeededFuture(-1);
    }
    String key = holdKey(year, psnNos.get(i));
    return redis.setIfAbsentGet(key, orderId, millis).map(orderId::equals)
        .compose(ours -> ours ? holdFrom(orderId, year, psnNos, millis, i + 1)
            : release(orderId, year, psnNos.subList(0, i)).map(i));
  }

  /**
   * Keeps the persons held by the order for as long as the order lives (400 days), taking a hold again that ran out;
   * released when the order is recorded, refunded or failed. True when the order holds all of them; false when
   * another order holds one (only possible for a payment that came after its order's hold ran out).
   */
  public Future<Boolean> keepHolds(String orderId, int year, List<String> psnNos) {
    List<Future<Response>> all = new ArrayList<>();
    psnNos.forEach(p -> all.add(KEEP.run(redis, List.of(holdKey(year, p)), List.of(orderId,
        Long.toString(KEEP_MILLIS)))));
    return Future.all(all).map(x -> all.stream().allMatch(f -> f.result().toInteger() == 1));
  }

  /** {@link #keepHolds(String, int, List)} for the order's persons. */
  public Future<Boolean> keepHolds(ContributionOrder order) {
    return keepHolds(order.id(), order.year(), order.persons());
  }

  /** Lets the order's persons go (only the holds that are still this order's). */
  public Future<Void> release(ContributionOrder order) {
    return release(order.id(), order.year(), order.persons());
  }

  public Future<Void> release(String orderId, int year, List<String> psnNos) {
    List<Future<Response>> all = new ArrayList<>();
    psnNos.forEach(p -> all.add(RELEASE.run(redis, List.of(holdKey(year, p)), List.of(orderId))));
    return Future.all(all).mapEmpty();
  }

  public Future<Void> create(ContributionOrder order) {
    return Future.all(redis.hsetWithTtl(orderKey(order.id()), KEEP_MILLIS, order.toHash()),
            redis.writeWithTtl(Command.ZADD, accountKey(order.accountId()), KEEP_MILLIS, order.createdAt(), order.id()))
        .mapEmpty();
  }

  /** The order, or null when there is none (or the id is not one the gateway mints). */
  public Future<ContributionOrder> get(String id) {
    if (id == null || !id.matches("[A-Za-z0-9_-]{22}")) {
      return Future.succeededFuture(null);
    }
    return redis.send(Command.HGETALL, orderKey(id)).map(r -> ContributionOrder.fromHash(RedisStore.fields(r)));
  }

  /** The channel's prepay id of a WECHAT_PAY order, once it has one. */
  public Future<Void> prepaid(String id, String prepayId) {
    return redis.send(Command.HSET, orderKey(id), ContributionOrder.PREPAY, prepayId).mapEmpty();
  }

  /** Moves the order from {@code from} to {@code to} (with extra fields) only if it is still in {@code from}. */
  public Future<Boolean> transition(String id, Status from, Status to, String... extra) {
    return change(id, from, to, extra).map(Transition::moved);
  }

  /**
   * {@link #transition}, answering with the order as it stands afterwards (one round trip). {@code extra}: field /
   * value pairs of the order's hash, field names from {@link ContributionOrder}.
   */
  public Future<Transition<ContributionOrder>> change(String id, Status from, Status to, String... extra) {
    List<String> args = new ArrayList<>(List.of(from.name(), to.name()));
    args.addAll(List.of(extra));
    return TRANSITION.run(redis, List.of(orderKey(id)), args).map(r -> Transition.of(r, ContributionOrder::fromHash))
        .onSuccess(change -> {
      // Issued now, not waited for: what follows the status (holds kept, the follow-up queued) must follow it at
      // once, and every answer after it is at least one more round trip, which this one precedes.
      if (change.moved() && change.record() != null && MOVES_WHAT_ME_SHOWS.contains(to)) {
        meCopiesEnd(change.record());
      }
    });
  }

  /** A debit, a refund or a recorded contribution: the payer's balance, the members' insured status. */
  private static final java.util.Set<Status> MOVES_WHAT_ME_SHOWS = java.util.EnumSet.of(Status.PAID, Status.RECORDED,
      Status.REFUNDED);

  private Future<Void> meCopiesEnd(ContributionOrder order) {
    List<Future<Void>> all = new ArrayList<>();
    all.add(meCopies.accountChanged(order.accountId()));
    order.persons().forEach(p -> all.add(meCopies.personChanged(p)));
    return Future.all(all).mapEmpty();
  }

  public Future<List<String>> ofAccount(String accountId, int offset, int count) {
    return redis.send(Command.ZREVRANGE, accountKey(accountId), offset, offset + count - 1).map(r -> {
      List<String> out = new ArrayList<>();
      r.forEach(x -> out.add(x.toString()));
      return out;
    });
  }

  public Future<Long> countOfAccount(String accountId) {
    return redis.send(Command.ZCARD, accountKey(accountId)).map(Response::toLong);
  }
}
