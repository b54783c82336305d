package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.contribution.ContributionOrders.Status;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.RequestIds;
import io.yibao.gateway.payment.NotifyRejected;
import io.yibao.gateway.payment.WechatPayAck;
import io.yibao.gateway.payment.WechatPayClient;
import io.yibao.gateway.payment.WechatPayNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * {@code POST /callbacks/payments/wechat}: the payment channel's notify. Verified over the raw body (signature,
 * serial, freshness), decrypted, matched to the order and its amount exactly, and applied once: a notify replayed
 * ten times credits once. A payment for an order that expired or was cancelled is refunded. Answered in the
 * channel's form; anything not acknowledged is sent again by the channel.
 */
public final class PaymentCallbacks {

  private static final Logger LOG = LoggerFactory.getLogger(PaymentCallbacks.class);

  private final WechatPayNotifications notifications;
  private final ContributionOrders orders;
  private final ContributionRecording recording;
  private final WechatPayClient channel;

  public PaymentCallbacks(WechatPayNotifications notifications, ContributionOrders orders,
                          ContributionRecording recording, WechatPayClient channel) {
    this.notifications = notifications;
    this.orders = orders;
    this.recording = recording;
    this.channel = channel;
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

  /** True when the notify is for one of our orders with exactly its amount (and has been applied). */
  Future<Boolean> apply(WechatPayNotifications.Verified paid) {
    return orders.get(paid.outTradeNo()).compose(o -> {
      if (o == null || !"WECHAT_PAY".equals(o.get("method")) || paid.totalFen() != Long.parseLong(o.get("total"))
          || !"SUCCESS".equals(paid.tradeState())) {
        LOG.warn("payment notify does not match an order", kv("notify", paid.notifyId()));
        return Future.succeededFuture(false);
      }
      String id = o.get("id");
      String status = ContributionOrders.effectiveStatus(o, System.currentTimeMillis());
      if (Status.AWAITING_PAYMENT.name().equals(status)) {
        return orders.transition(id, Status.AWAITING_PAYMENT, Status.PAID, "paidAt",
                Long.toString(System.currentTimeMillis()), "txn", paid.transactionId())
            .compose(moved -> moved ? recording.enqueue(id) : Future.succeededFuture())
            .map(true);
      }
      if (Status.EXPIRED.name().equals(status) || Status.CANCELLED.name().equals(status)) {
        return refund(o, status).map(true);
      }
      return Future.succeededFuture(true); // PAID, RECORDED, REFUNDED: seen before
    });
  }

  /** Money for an order that no longer wants it goes back through the channel, once (refund id = order id). */
  private Future<Void> refund(Map<String, String> o, String status) {
    String id = o.get("id");
    long total = Long.parseLong(o.get("total"));
    Status from = Status.valueOf(o.get("status"));
    List<String> psnNos = new JsonArray(o.get("lines")).stream().map(l -> ((JsonObject) l).getString("psnNo")).toList();
    return channel.refund(id, id + "-refund", total, total, "order " + status.toLowerCase())
        .compose(refunded -> orders.transition(id, from, Status.REFUNDED, "refundedAt", Long.toString(System.currentTimeMillis())))
        .compose(x -> orders.release(id, Integer.parseInt(o.get("year")), psnNos))
        .onSuccess(x -> LOG.info("late payment refunded", kv("order", id)));
  }
}
