package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.contribution.ContributionOrders.Status;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.RequestIds;
import io.yibao.gateway.payment.NotifyRejected;
import io.yibao.gateway.payment.WechatPayAck;
import io.yibao.gateway.payment.WechatPayNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * {@code POST /callbacks/payments/wechat}: the payment channel's notify. Verified over the raw body (signature,
 * serial, freshness), decrypted, matched to the order and its amount exactly, and applied once: a notify replayed
 * ten times credits once. A payment for an order that expired, was cancelled or failed is refunded. Answered in
 * the channel's form; anything not acknowledged is sent again by the channel, and a notify sent again re-ensures
 * what the order's status needs (see {@link #apply}).
 */
public final class PaymentCallbacks {

  private static final Logger LOG = LoggerFactory.getLogger(PaymentCallbacks.class);

  private final WechatPayNotifications notifications;
  private final ContributionOrders orders;
  private final ContributionRecording recording;

  public PaymentCallbacks(WechatPayNotifications notifications, ContributionOrders orders,
                          ContributionRecording recording) {
    this.notifications = notifications;
    this.orders = orders;
    this.recording = recording;
  }

  public void register(Operations operations) {
    operations.on("wechatPayNotify", this::notify);
  }

  private void notify(RoutingContext rc) {
    WechatPayNotifications.Verified paid;
    try {
      paid = notifications.verify(rc.request().headers(), rc.body().buffer());
    } catch (NotifyRejected e) {
      LOG.warn("payment notify rejected", kv("reason", e.reason().name()), kv("traceId", RequestIds.traceId(rc)));
      WechatPayAck.rejected(rc.response(), e);
      return;
    }
    apply(paid).onComplete(r -> {
      if (r.succeeded() && r.result()) {
        WechatPayAck.success(rc.response());
      } else if (r.succeeded()) {
        WechatPayAck.failure(rc.response(), 400, "order or amount does not match");
      } else {
        // Not acknowledged: the channel retries, and applying is idempotent.
        WechatPayAck.failure(rc.response(), 503, "try again");
      }
    });
  }

  /**
   * True when the notify is for one of our orders with exactly its amount (and has been applied). Applying is
   * repeatable, and a repeat re-ensures the follow-up: a notify for an order already PAID (or REFUNDING) queues its
   * follow-up again, since the first attempt may have changed the status and then failed to queue (the channel
   * resends whatever was not acknowledged). "Already paid" is never "nothing to do" until the order is recorded.
   */
  Future<Boolean> apply(WechatPayNotifications.Verified paid) {
    return orders.get(paid.outTradeNo()).compose(o -> {
      if (o == null || !"WECHAT_PAY".equals(o.get("method")) || paid.totalFen() != Long.parseLong(o.get("total"))
          || !"SUCCESS".equals(paid.tradeState())) {
        LOG.warn("payment notify does not match an order", kv("notify", paid.notifyId()));
        return Future.succeededFuture(false);
      }
      String id = o.get("id");
      String status = ContributionOrders.effectiveStatus(o, System.currentTimeMillis());
      String now = Long.toString(System.currentTimeMillis());
      if (Status.AWAITING_PAYMENT.name().equals(status)) {
        return orders.change(id, Status.AWAITING_PAYMENT, Status.PAID, "paidAt", now, "txn", paid.transactionId())
            .compose(c -> followUp(c.order())).map(true);
      }
      if (Status.EXPIRED.name().equals(status) || Status.CANCELLED.name().equals(status)
          || Status.FAILED.name().equals(status)) {
        // Money for an order that no longer wants it goes back: decided here, done by the follow-up (rule 1).
        return orders.change(id, Status.valueOf(o.get("status")), Status.REFUNDING, "paidAt", now,
                "txn", paid.transactionId(), "refundReason", "ORDER_" + status + ": paid after the order was closed")
            .compose(c -> followUp(c.order())).map(true);
      }
      return followUp(o).map(true); // PAID, REFUNDING: queue again; RECORDED, REFUNDED: nothing left to do
    });
  }

  /** What the order's status still needs: holds kept and the follow-up queued while PAID or REFUNDING. */
  private Future<Void> followUp(Map<String, String> o) {
    if (o == null) {
      return Future.succeededFuture();
    }
    String status = o.get("status");
    if (Status.PAID.name().equals(status)) {
      return orders.keepHolds(o.get("id"), Integer.parseInt(o.get("year")), ContributionOrders.persons(o))
          .compose(held -> {
            if (!held) {
              // Only when the payment came after the order's hold ran out; the collection system will refuse one
              // of the two orders, and that one is refunded.
              LOG.warn("a paid order's person is held by another order", kv("order", o.get("id")));
            }
            return recording.enqueue(o.get("id"));
          });
    }
    if (Status.REFUNDING.name().equals(status)) {
      return recording.enqueue(o.get("id"));
    }
    return Future.succeededFuture();
  }
}
