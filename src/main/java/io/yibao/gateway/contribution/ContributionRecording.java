package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.contribution.ContributionOrder.Status;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.redis.Transition;
import io.yibao.gateway.wechatpay.WechatPayClient;
import io.yibao.gateway.wechatpay.WechatPayRefused;
import io.yibao.gateway.wechatpay.WechatRefund;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Brings every order whose money moved to its end — recorded at the collection system, or the money back with the
 * payer — through the durable work queue ({@link WorkQueue} "collection": leased, retried with back-off, surviving restarts). One message per
 * order, named by the order id; what an attempt does follows from the order's status, so a message delivered twice,
 * or queued twice, does no harm:
 * <ul>
 *   <li>PAYING (a personal-account debit whose answer was lost): once the debit can no longer be answering, ask the
 *   ledger by debit id. Debited → PAID, and on as below. Not there → void the debit id at the ledger (so that a late
 *   copy of the request is refused), then FAILED and the persons released.</li>
 *   <li>AWAITING_PAYMENT of a personal-account order past that time: the debit was never sent (the step to PAYING
 *   is what allows sending it) → FAILED, released.</li>
 *   <li>PAID: record at the collection system (it deduplicates by order id) → RECORDED, released. A refusal will not
 *   change by retrying and the money is taken: → REFUNDING with the refusal as the reason, and on as below.</li>
 *   <li>REFUNDING: refund through the channel (WECHAT_PAY, refund id = order id + "-refund") or credit the personal
 *   account (credit id = "contrib-refund-" + order id); both idempotent by that id → REFUNDED, released.</li>
 *   <li>RECORDED, REFUNDED, FAILED, CANCELLED: release the holds again (a release that failed before) and forget.</li>
 * </ul>
 * No answer (a core system down, a timeout) retries the message later; a refusal that needs a person (a refund the
 * channel refuses) goes to the dead letters with an ERROR log.
 *
 * <p>Rule 1, intent before action: the message for a personal-account order is queued before the debit is sent,
 * and a refund's message before the refund is sent. Rule 2, a state change and its follow-up are never separable:
 * queueing comes right after the status change, and whatever repeats the trigger (the channel's resent notify, a
 * retried message) queues it again.
 */
public final class ContributionRecording {

  private static final Logger LOG = LoggerFactory.getLogger(ContributionRecording.class);

  private final WorkQueue outbox;
  private final ContributionOrders orders;
  private final CollectionClient collection;
  private final AccountsClient accounts;
  private final WechatPayClient channel;

  public ContributionRecording(WorkQueue outbox, ContributionOrders orders, CollectionClient collection,
                               AccountsClient accounts,
                               WechatPayClient channel) {
    this.outbox = outbox;
    this.orders = orders;
    this.collection = collection;
    this.accounts = accounts;
    this.channel = channel;
  }

  /** Durable before it returns: the caller may send the debit, or report the order paid. */
  public Future<Void> enqueue(String orderId) {
    return outbox.enqueue(orderId, new JsonObject().put("orderId", orderId));
  }

  /**
   * The channel took the money for the order (its notify, or its answer to a close): PAID when the order awaited
   * payment; REFUNDING when it no longer wanted it (expired, cancelled, failed) — decided here, sent by the follow-up
   * (rule 1); and whatever the status then needs is ensured again: a repeat of the trigger (the channel's resent
   * notify) may follow a first attempt that changed the status and failed to queue (rule 2). "Already paid" is never
   * "nothing to do" until the order is recorded.
   */
  public Future<Void> paymentTaken(ContributionOrder o, String transactionId) {
    String id = o.id();
    Status status = o.effectiveStatus(System.currentTimeMillis());
    String now = Long.toString(System.currentTimeMillis());
    if (status == Status.AWAITING_PAYMENT) {
      return orders.change(id, Status.AWAITING_PAYMENT, Status.PAID, ContributionOrder.PAID_AT, now,
              ContributionOrder.TXN, transactionId)
          .compose(c -> c.moved() || c.record() == null ? ensureFollowUp(c.record()) : paymentTaken(c.record(),
              transactionId)); // changed meanwhile: apply to what it is now
    }
    if (status == Status.EXPIRED || status == Status.CANCELLED || status == Status.FAILED) {
      return orders.change(id, o.status(), Status.REFUNDING, ContributionOrder.PAID_AT, now, ContributionOrder.TXN,
              transactionId, ContributionOrder.REFUND_REASON, "ORDER_" + status + ": paid after the order was closed")
          .compose(c -> c.moved() || c.record() == null ? ensureFollowUp(c.record()) : paymentTaken(c.record(),
              transactionId));
    }
    return ensureFollowUp(o); // PAID, REFUNDING: queued again; RECORDED, REFUNDED: nothing left to do
  }

  /** While PAID: the persons held and the follow-up queued; while REFUNDING: the follow-up queued. */
  private Future<Void> ensureFollowUp(ContributionOrder o) {
    if (o == null) {
      return Future.succeededFuture();
    }
    if (o.status() == Status.PAID) {
      return orders.keepHolds(o).compose(held -> {
            if (!held) {
              // Only when the payment came after the order's hold ran out; the collection system will refuse one
              // of the two orders, and that one is refunded.
              LOG.warn("a paid order's person is held by another order", kv("order", o.id()));
            }
            return enqueue(o.id());
          });
    }
    return o.status() == Status.REFUNDING ? enqueue(o.id()) : Future.succeededFuture();
  }

  public void start() {
    outbox.start(message -> deliver(message.payload().getString("orderId")));
  }

  public void stop() {
    outbox.stop();
  }

  /** The debit id of a personal-account order at the ledger. */
  static String debitId(String orderId) {
    return "contrib-" + orderId;
  }

  Future<WorkQueue.Delivery> deliver(String orderId) {
    return orders.get(orderId).compose(o -> o == null ? Future.succeededFuture(WorkQueue.Delivery.DEAD) : step(o));
  }

  private Future<WorkQueue.Delivery> step(ContributionOrder o) {
    boolean account = o.byPersonalAccount();
    long now = System.currentTimeMillis();
    return switch (o.status()) {
      case AWAITING_PAYMENT -> account && o.settled(now)
          ? fail(o, Status.AWAITING_PAYMENT, "the payment did not start")
          : Future.succeededFuture(account ? WorkQueue.Delivery.RETRY : WorkQueue.Delivery.OK);
      case PAYING -> o.settled(now) ? resolveDebit(o) : Future.succeededFuture(WorkQueue.Delivery.RETRY);
      case PAID -> record(o);
      case REFUNDING -> refund(o);
      case RECORDED, REFUNDED, FAILED, CANCELLED, EXPIRED -> orders.release(o).map(WorkQueue.Delivery.OK);
    };
  }

  /** On from the order as a status change left it (moved or not: someone else may have been first). */
  private Future<WorkQueue.Delivery> next(Transition<ContributionOrder> c) {
    return c.record() == null ? Future.succeededFuture(WorkQueue.Delivery.DEAD) : step(c.record());
  }

  private Future<WorkQueue.Delivery> resolveDebit(ContributionOrder o) {
    String id = o.id();
    return accounts.debitState(debitId(id)).compose(found -> switch (found) {
      case DEBITED -> paid(o);
      // Not taken (or voided already): make that final, since a copy of the debit may still be on its way.
      case NOT_DEBITED -> accounts.voidDebit(debitId(id)).compose(voided -> switch (voided) {
        case DEBITED -> paid(o);
        case NOT_DEBITED -> fail(o, Status.PAYING, "the personal account was not debited");
        case UNDECIDED -> Future.succeededFuture(WorkQueue.Delivery.RETRY);
      });
      case UNDECIDED -> Future.succeededFuture(WorkQueue.Delivery.RETRY);
    });
  }

  private Future<WorkQueue.Delivery> paid(ContributionOrder o) {
    String id = o.id();
    LOG.info("lost debit answer resolved: debited", kv("order", id));
    return orders.change(id, Status.PAYING, Status.PAID, ContributionOrder.PAID_AT,
        Long.toString(System.currentTimeMillis()), ContributionOrder.TXN, accountTransaction(id)).compose(this::next);
  }

  /** The transaction id of a personal-account payment, as the order shows it. */
  static String accountTransaction(String orderId) {
    return "acct-" + orderId;
  }

  private Future<WorkQueue.Delivery> fail(ContributionOrder o, Status from, String why) {
    LOG.info("contribution order failed, nothing was paid", kv("order", o.id()), kv("reason", why));
    return orders.change(o.id(), from, Status.FAILED, ContributionOrder.ERR, why)
        .compose(this::next);
  }

  private Future<WorkQueue.Delivery> record(ContributionOrder o) {
    String id = o.id();
    return collection.record(o).compose(answer -> {
      if (answer.recorded()) {
        return orders.change(id, Status.PAID, Status.RECORDED, ContributionOrder.RECORDED_AT,
                Long.toString(System.currentTimeMillis()))
            .compose(this::next);
      }
      // A refusal will not change by retrying and the money is taken: it goes back, visibly.
      LOG.warn("collection refused a paid contribution order; refunding it", kv("order", id),
          kv("error", answer.error()));
      return orders.change(id, Status.PAID, Status.REFUNDING, ContributionOrder.REFUND_REASON,
              refundReason(answer.error()))
          .compose(this::next);
    }, unavailable -> Future.succeededFuture(WorkQueue.Delivery.RETRY));
  }

  static String refundReason(String collectionError) {
    return switch (collectionError) {
      case "ALREADY_PAID" -> "ALREADY_PAID: the year was paid by another payment";
      case "WINDOW_NOT_OPEN", "YEAR_NOT_COLLECTED" -> collectionError + ": the year is not being collected";
      default -> "COLLECTION_REFUSED: " + collectionError;
    };
  }

  private Future<WorkQueue.Delivery> refund(ContributionOrder o) {
    String id = o.id();
    long total = o.totalFen();
    Future<Boolean> back;
    if (o.byPersonalAccount()) {
      back = accounts.credit(new AccountsClient.Movement("contrib-refund-" + id, o.payer(), total,
              "CONTRIBUTION_REFUND", "contribution refund"))
          .map(answer -> credited(id, answer));
    } else {
      back = channel.refund(id, id + "-refund", total, total, "城乡居民医保缴费退款")
          .map(WechatRefund::succeeded)
          .recover(e -> {
            if (e instanceof WechatPayRefused refused) {
              LOG.error("the payment channel refused a contribution refund; a person must look at it",
                  kv("order", id), kv("code", refused.code()));
              return Future.failedFuture(new DeadLetter());
            }
            return Future.failedFuture(e);
          });
    }
    return back.compose(done -> !done ? Future.succeededFuture(WorkQueue.Delivery.RETRY)  // processing: ask again
            : orders.change(id, Status.REFUNDING, Status.REFUNDED, ContributionOrder.REFUNDED_AT,
                Long.toString(System.currentTimeMillis()))
            .compose(this::next)
            .onSuccess(x -> LOG.info("contribution refunded", kv("order", id))),
        e -> Future.succeededFuture(e instanceof DeadLetter ? WorkQueue.Delivery.DEAD : WorkQueue.Delivery.RETRY));
  }

  /** True when the ledger credited the account; a refusal needs a person. */
  private static boolean credited(String id, AccountsClient.Decision answer) {
    if (answer.done()) {
      return true;
    }
    LOG.error("the personal-account system refused a contribution refund; a person must look at it",
        kv("order", id), kv("error", answer.error()));
    throw new DeadLetter();
  }

  /** A refusal that retrying will not change. */
  private static final class DeadLetter extends RuntimeException {
    DeadLetter() {
      super(null, null, false, false);
    }
  }
}
