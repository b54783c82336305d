package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.http.RequestIds;
import io.yibao.gateway.ratelimit.ClientAddressLimit;
import io.yibao.gateway.ratelimit.RateLimiter;
import io.yibao.gateway.wechatpay.NotifyRejected;
import io.yibao.gateway.wechatpay.WechatPayAck;
import io.yibao.gateway.wechatpay.WechatPayNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  static final String CHANNEL_POLICY = "payment-channel";
  /** The one channel there is (WeChat Pay APIv3); a second channel would be its own subject. */
  static final String CHANNEL = "wechat";

  private final WechatPayNotifications notifications;
  private final ContributionOrders orders;
  private final ContributionRecording recording;
  private final RateLimiter limiter;
  private final Limit perChannel;
  private final ClientAddressLimit addressLimit;

  /**
   * @param perChannel   {@code rateLimits.perPaymentChannel}, spent once a notify's signature verifies
   * @param addressLimit a notify that fails verification (except a stale one) is failed authentication
   */
  public PaymentCallbacks(WechatPayNotifications notifications, ContributionOrders orders,
                          ContributionRecording recording, RateLimiter limiter, Limit perChannel,
                          ClientAddressLimit addressLimit) {
    this.notifications = notifications;
    this.orders = orders;
    this.recording = recording;
    this.limiter = limiter;
    this.perChannel = perChannel;
    this.addressLimit = addressLimit;
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
      if (e.reason() == NotifyRejected.Reason.STALE) {
        // A genuine notify can be stale (a clock step); the channel sends it again.
        WechatPayAck.rejected(rc.response(), e);
        return;
      }
      addressLimit.failedAuthentication(rc.request(),
          new io.yibao.gateway.http.ProblemException(io.yibao.gateway.http.ProblemCode.UNAUTHENTICATED, null)).onComplete(r -> {
        if (ClientAddressLimit.isLimited(r.cause())) {
          rc.fail(r.cause());
        } else {
          WechatPayAck.rejected(rc.response(), e);
        }
      });
      return;
    }
    // Not limited by address (the channel sends from a few addresses): per channel, once it proved to be one.
    limiter.require(CHANNEL_POLICY, CHANNEL, perChannel).compose(x -> apply(paid)).onComplete(r -> {
      if (r.failed() && ClientAddressLimit.isLimited(r.cause())) {
        rc.fail(r.cause());
        return;
      }
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
      if (o == null || o.method() != ContributionOrder.Method.WECHAT_PAY || paid.totalFen() != o.totalFen()
          || !"SUCCESS".equals(paid.tradeState())) {
        LOG.warn("payment notify does not match an order", kv("notify", paid.notifyId()));
        return Future.succeededFuture(false);
      }
      return recording.paymentTaken(o, paid.transactionId()).map(true);
    });
  }
}
