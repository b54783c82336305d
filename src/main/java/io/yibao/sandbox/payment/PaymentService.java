package io.yibao.sandbox.payment;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.Faults;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.SandboxService;
import io.yibao.sandbox.identity.DemoKeys;

import java.net.URI;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * The payment channel, modelled on WeChat Pay APIv3 (JSAPI, as used inside the WeChat mini-program). Paths mirror
 * WeChat's under {@code /pay}; errors are WeChat's {@code {code, message}}:
 * <pre>
 * POST /pay/v3/pay/transactions/jsapi                          {appid, mchid, description, out_trade_no, notify_url,
 *                                                               amount: {total, currency}, payer: {openid}} → {prepay_id}
 * GET  /pay/v3/pay/transactions/out-trade-no/{no}?mchid=…     the transaction (trade_state NOTPAY|SUCCESS|CLOSED|REFUND)
 * POST /pay/v3/pay/transactions/out-trade-no/{no}/close       {mchid} → 204
 * POST /pay/v3/refund/domestic/refunds                         {out_trade_no, out_refund_no, reason,
 *                                                               amount: {refund, total, currency}} → the refund
 * GET  /pay/v3/refund/domestic/refunds/{out_refund_no}         the refund
 * POST /_sandbox/pay/{prepay_id}/confirm                       the person pays; the notify goes out
 * GET  /_sandbox/pay/notifies?out_trade_no=…                   delivery state and attempts
 * POST /_sandbox/pay/notifies/{out_trade_no}/redeliver         one more send of the same notify
 * </pre>
 * Simplifications: merchant request signatures (the {@code Authorization} header) are not checked; orders are keyed
 * by out_trade_no alone and another mchid simply does not find them; refunds succeed at once and send no notify.
 */
public final class PaymentService implements SandboxService {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter WECHAT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private static final DateTimeFormatter ID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final String OUT_TRADE_NO = "[0-9A-Za-z_\\-|*]{6,32}";
  private static final String OUT_REFUND_NO = "[0-9A-Za-z_\\-|*@]{1,64}";

  private final String callbackUrl;
  private final Notifier notifier;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Transaction> byOutTradeNo = new HashMap<>();
  private final Map<String, Transaction> byPrepayId = new HashMap<>();
  private final Map<String, Transaction> byTransactionId = new HashMap<>();
  private final Map<String, Refund> refunds = new HashMap<>();

  public PaymentService(Vertx vertx, SandboxOptions options, DemoKeys keys) {
    this(vertx, options, keys, NotifySchedule.defaults());
  }

  public PaymentService(Vertx vertx, SandboxOptions options, DemoKeys keys, NotifySchedule schedule) {
    this.callbackUrl = options.callbackUrl();
    this.notifier = new Notifier(vertx, new PlatformCrypto(keys.platform().privateKey(), keys.apiV3Key()),
        keys.platformSerial(), schedule);
  }

  /** WeChat's timestamps: ISO-8601 to the second with the offset, e.g. {@code 2026-11-23T10:34:56+08:00}. */
  static String wechatTime(OffsetDateTime time) {
    return WECHAT_TIME.format(time);
  }

  @Override
  public String name() {
    return "pay";
  }

  @Override
  public void mount(Router router) {
    router.post("/pay/v3/pay/transactions/jsapi").handler(this::prepay);
    router.get("/pay/v3/pay/transactions/out-trade-no/:outTradeNo").handler(this::query);
    router.post("/pay/v3/pay/transactions/out-trade-no/:outTradeNo/close").handler(this::close);
    router.post("/pay/v3/refund/domestic/refunds").handler(this::refund);
    router.get("/pay/v3/refund/domestic/refunds/:outRefundNo").handler(rc -> {
      Refund refund = refunds.get(rc.pathParam("outRefundNo"));
      if (refund == null) {
        wechatError(rc, 404, "RESOURCE_NOT_EXISTS", "退款单不存在");
      } else {
        SandboxHttp.ok(rc, refund.toJson());
      }
    });
  }

  @Override
  public void mountAdmin(Router router) {
    router.post("/_sandbox/pay/notifies/:outTradeNo/redeliver").handler(this::redeliver);
    router.get("/_sandbox/pay/notifies").handler(this::notifies);
    router.post("/_sandbox/pay/:prepayId/confirm").handler(this::confirm);
  }

  private void prepay(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    String appid = text(body, "appid");
    String mchid = text(body, "mchid");
    String description = text(body, "description");
    String outTradeNo = text(body, "out_trade_no");
    String notifyUrl = body.getValue("notify_url") == null ? callbackUrl : text(body, "notify_url");
    JsonObject amount = body.getValue("amount") instanceof JsonObject a ? a : new JsonObject();
    long total = wholeFen(amount.getValue("total"));
    String currency = amount.getValue("currency", "CNY") instanceof String c ? c : "";
    String openid = body.getValue("payer") instanceof JsonObject p ? text(p, "openid") : null;
    String invalid = appid == null ? "appid" : mchid == null ? "mchid"
        : description == null || description.length() > 127 ? "description"
        : outTradeNo == null || !outTradeNo.matches(OUT_TRADE_NO) ? "out_trade_no"
        : !isHttpUrl(notifyUrl) ? "notify_url"
        : total <= 0 ? "amount.total" : !currency.equals("CNY") ? "amount.currency"
        : openid == null ? "payer.openid" : null;
    if (invalid != null) {
      wechatError(rc, 400, "PARAM_ERROR", "参数错误: " + invalid);
      return;
    }
    Transaction existing = byOutTradeNo.get(outTradeNo);
    if (existing != null) {
      if (!existing.sameOrder(appid, mchid, description, total, openid)) {
        wechatError(rc, 400, "INVALID_REQUEST", "201 商户订单号重复");
      } else if (existing.paid()) {
        wechatError(rc, 400, "ORDERPAID", "该订单已支付");
      } else if (existing.state == Transaction.State.CLOSED) {
        wechatError(rc, 400, "ORDERCLOSED", "该订单已关闭");
      } else {
        SandboxHttp.ok(rc, new JsonObject().put("prepay_id", existing.prepayId));
      }
      return;
    }
    String prepayId = "wx" + ID_TIME.format(OffsetDateTime.now(SHANGHAI)) + randomHex(10);
    Transaction tx = new Transaction(appid, mchid, description, outTradeNo, notifyUrl, total, openid, prepayId);
    byOutTradeNo.put(outTradeNo, tx);
    byPrepayId.put(prepayId, tx);
    SandboxHttp.ok(rc, new JsonObject().put("prepay_id", prepayId));
  }

  private void confirm(RoutingContext rc) {
    Transaction tx = byPrepayId.get(rc.pathParam("prepayId"));
    if (tx == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such prepay_id");
      return;
    }
    if (tx.state == Transaction.State.CLOSED) {
      SandboxHttp.error(rc, 409, "ORDER_CLOSED", "the order is closed");
      return;
    }
    if (tx.state == Transaction.State.NOTPAY) {
      OffsetDateTime now = OffsetDateTime.now(SHANGHAI);
      tx.state = Transaction.State.SUCCESS;
      tx.successTime = now;
      // WeChat's transaction ids: 28 digits starting 42000, the date inside
      tx.transactionId = "42000" + ID_DATE.format(now) + randomDigits(15);
      byTransactionId.put(tx.transactionId, tx);
      tx.notify = notifier.start(tx, tx.notifyUrl);
    }
    // a second confirm is the same payment: same answer, no second notify
    SandboxHttp.ok(rc, new JsonObject().put("out_trade_no", tx.outTradeNo).put("transaction_id", tx.transactionId)
        .put("trade_state", tx.state.name()).put("success_time", wechatTime(tx.successTime)));
  }

  private void query(RoutingContext rc) {
    Transaction tx = merchantOrder(rc, rc.queryParams().get("mchid"));
    if (tx != null) {
      SandboxHttp.ok(rc, tx.toJson());
    }
  }

  private void close(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    Transaction tx = merchantOrder(rc, text(body, "mchid"));
    if (tx == null) {
      return;
    }
    if (tx.paid()) {
      wechatError(rc, 400, "ORDERPAID", "该订单已支付");
      return;
    }
    tx.state = Transaction.State.CLOSED; // closing a closed order again is fine
    // 204 has no body, so SandboxHttp.json cannot send it; honour a "hang after work" fault the same way
    if (!Faults.swallowAnswer(rc) && !rc.response().ended()) {
      rc.response().setStatusCode(204).end();
    }
  }

  private void refund(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    String outRefundNo = text(body, "out_refund_no");
    String outTradeNo = text(body, "out_trade_no");
    String transactionId = text(body, "transaction_id");
    JsonObject amount = body.getValue("amount") instanceof JsonObject a ? a : new JsonObject();
    long refundFen = wholeFen(amount.getValue("refund"));
    long totalFen = wholeFen(amount.getValue("total"));
    String currency = amount.getValue("currency", "CNY") instanceof String c ? c : "";
    String invalid = outRefundNo == null || !outRefundNo.matches(OUT_REFUND_NO) ? "out_refund_no"
        : outTradeNo == null && transactionId == null ? "out_trade_no"
        : refundFen <= 0 ? "amount.refund" : totalFen <= 0 ? "amount.total"
        : !currency.equals("CNY") ? "amount.currency" : null;
    if (invalid != null) {
      wechatError(rc, 400, "PARAM_ERROR", "参数错误: " + invalid);
      return;
    }
    Transaction tx = outTradeNo != null ? byOutTradeNo.get(outTradeNo) : byTransactionId.get(transactionId);
    if (tx == null) {
      wechatError(rc, 404, "RESOURCE_NOT_EXISTS", "订单不存在");
      return;
    }
    Refund seen = refunds.get(outRefundNo);
    if (seen != null) {
      if (seen.sameRefund(tx.outTradeNo, refundFen, totalFen)) {
        SandboxHttp.ok(rc, seen.toJson());
      } else {
        wechatError(rc, 400, "INVALID_REQUEST", "out_refund_no 已用于其他退款");
      }
      return;
    }
    if (!tx.paid()) {
      wechatError(rc, 400, "INVALID_REQUEST", "订单未支付");
      return;
    }
    if (totalFen != tx.totalFen) {
      wechatError(rc, 400, "INVALID_REQUEST", "订单金额与原订单不一致");
      return;
    }
    if (tx.refundedFen + refundFen > tx.totalFen) {
      wechatError(rc, 400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
      return;
    }
    tx.refundedFen += refundFen;
    tx.state = Transaction.State.REFUND;
    Refund refund = new Refund("50" + randomDigits(27), outRefundNo, tx.outTradeNo, tx.transactionId,
        body.getString("reason", ""), refundFen, totalFen, OffsetDateTime.now(SHANGHAI));
    refunds.put(outRefundNo, refund);
    SandboxHttp.ok(rc, refund.toJson());
  }

  private void notifies(RoutingContext rc) {
    String outTradeNo = rc.queryParams().get("out_trade_no");
    if (outTradeNo == null) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "out_trade_no is required");
      return;
    }
    NotifyDelivery delivery = delivery(rc, outTradeNo);
    if (delivery != null) {
      SandboxHttp.ok(rc, delivery.toJson());
    }
  }

  private void redeliver(RoutingContext rc) {
    NotifyDelivery delivery = delivery(rc, rc.pathParam("outTradeNo"));
    if (delivery != null) {
      notifier.redeliver(delivery);
      SandboxHttp.ok(rc, delivery.toJson());
    }
  }

  /**
   * The path's out_trade_no as merchant {@code mchid} sees it, or null after answering as WeChat does: 400 without a
   * mchid, 404 when that merchant has no such order.
   */
  private Transaction merchantOrder(RoutingContext rc, String mchid) {
    if (mchid == null || mchid.isEmpty()) {
      wechatError(rc, 400, "PARAM_ERROR", "参数错误: mchid");
      return null;
    }
    Transaction tx = byOutTradeNo.get(rc.pathParam("outTradeNo"));
    if (tx == null || !tx.mchid.equals(mchid)) {
      wechatError(rc, 404, "ORDER_NOT_EXIST", "订单不存在");
      return null;
    }
    return tx;
  }

  /** The order's notify, or null after answering 404 (no such order, or not paid yet so nothing to send). */
  private NotifyDelivery delivery(RoutingContext rc, String outTradeNo) {
    Transaction tx = byOutTradeNo.get(outTradeNo);
    if (tx == null || tx.notify == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", tx == null ? "no such order" : "the order is not paid: no notify");
      return null;
    }
    return tx.notify;
  }

  private static void wechatError(RoutingContext rc, int status, String code, String message) {
    SandboxHttp.json(rc, status, new JsonObject().put("code", code).put("message", message));
  }

  private static String text(JsonObject json, String field) {
    return json.getValue(field) instanceof String s && !s.isBlank() ? s : null;
  }

  /** A JSON integer amount in fen, or -1 when absent, fractional or not a number. */
  private static long wholeFen(Object value) {
    return value instanceof Number n && n.doubleValue() == n.longValue() ? n.longValue() : -1;
  }

  private static boolean isHttpUrl(String url) {
    if (url == null) {
      return false;
    }
    try {
      URI uri = URI.create(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  private String randomDigits(int count) {
    StringBuilder sb = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      sb.append((char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }
}
