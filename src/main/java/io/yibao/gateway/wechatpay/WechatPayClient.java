package io.yibao.gateway.wechatpay;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.core.CoreResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The gateway's side of the payment channel (WeChat Pay APIv3, JSAPI orders paid inside the mini-program), over the
 * {@code payment} core client, so every call has that system's timeout, bulkhead and circuit breaker. One per
 * verticle, like the core clients it wraps.
 *
 * <p>Outcomes of every call:
 * <ul>
 *   <li>the channel's 2xx answer, read into a result;</li>
 *   <li>{@link WechatPayRefused} for a 4xx answer: the channel decided, e.g. {@code ORDERPAID};</li>
 *   <li>{@link CoreCallException} when no usable answer came (5xx, timeout, connection, open breaker). Writes
 *   (prepay, close, refund) are sent once: when {@link CoreCallException#mayHaveHappened()}, query the order, or
 *   repeat the same request (the channel answers a repeated prepay or refund with the same out_trade_no /
 *   out_refund_no and the same content with the first result); queries are retried by the core client.</li>
 * </ul>
 * Arguments that the channel would refuse as malformed (an out_trade_no outside {@code [0-9A-Za-z_-|*]{6,32}},
 * non-positive amounts, ...) fail at once with {@link IllegalArgumentException}: that is a bug of the caller.
 *
 * <p>Merchant request signatures (the {@code Authorization: WECHATPAY2-SHA256-RSA2048 ...} header) are not sent yet:
 * the sandbox does not check them, and the merchant private key is not part of the configuration. See
 * {@link JsapiPayParams} for the same gap on the mini-program's side.
 */
public final class WechatPayClient {

  /** The core system the channel is reached through ({@code core.payment} in the configuration). */
  public static final String SYSTEM = "payment";

  private static final Pattern OUT_TRADE_NO = Pattern.compile("[0-9A-Za-z_\\-|*]{6,32}");
  private static final Pattern OUT_REFUND_NO = Pattern.compile("[0-9A-Za-z_\\-|*@]{1,64}");
  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CoreClient payment;
  private final GatewayConfig.PaymentChannel channel;
  private final GatewayConfig.Mode mode;

  public WechatPayClient(CoreClients clients, GatewayConfig config) {
    this(clients.client(SYSTEM), config.paymentChannel(), config.mode());
  }

  public WechatPayClient(CoreClient payment, GatewayConfig.PaymentChannel channel, GatewayConfig.Mode mode) {
    this.payment = payment;
    this.channel = channel;
    this.mode = mode;
  }

  /**
   * Creates (or finds again) the JSAPI order {@code outTradeNo} and returns its {@code prepay_id}, valid at the
   * channel for two hours. Payment notifies go to the configured {@code paymentChannel.notifyUrl}.
   *
   * @param description what is paid for, shown to the person (at most 127 characters, no personal data)
   * @param payerOpenId the person's openid under {@code paymentChannel.appId}
   * @return the prepay id; fails with {@link WechatPayRefused}: {@code ORDERPAID} (paid already: query it),
   *     {@code ORDERCLOSED} (closed: use a new out_trade_no), {@code INVALID_REQUEST} (the out_trade_no was used for
   *     a different order)
   */
  public Future<String> prepay(String outTradeNo, String description, long totalFen, String payerOpenId) {
    checkOutTradeNo(outTradeNo);
    if (description == null || description.isBlank() || description.length() > 127) {
      throw new IllegalArgumentException("description must be 1 to 127 characters");
    }
    if (totalFen <= 0) {
      throw new IllegalArgumentException("totalFen must be positive");
    }
    if (payerOpenId == null || payerOpenId.isBlank()) {
      throw new IllegalArgumentException("payerOpenId is required");
    }
    JsonObject order = new JsonObject()
        .put("appid", channel.appId())
        .put("mchid", channel.mchId())
        .put("description", description)
        .put("out_trade_no", outTradeNo)
        .put("notify_url", channel.notifyUrl().toString())
        .put("amount", new JsonObject().put("total", totalFen).put("currency", "CNY"))
        .put("payer", new JsonObject().put("openid", payerOpenId));
    return payment.post("/v3/pay/transactions/jsapi", order).map(answer("prepay", json -> {
      Object prepayId = json.getValue("prepay_id");
      if (!(prepayId instanceof String id) || id.isBlank()) {
        throw new IllegalStateException("the payment channel answered prepay without a prepay_id");
      }
      return id;
    }));
  }

  /**
   * The parameters the mini-program passes to {@code wx.requestPayment} for a prepaid order: fresh timestamp and
   * nonce each time. Against the sandbox {@code paySign} is the label {@link JsapiPayParams#SANDBOX_PAY_SIGN}; in
   * production this throws {@link IllegalStateException}, since signing needs the merchant private key, which the
   * gateway does not hold yet (an unsigned order would only fail in the person's hands).
   */
  public JsapiPayParams payParams(String prepayId) {
    if (prepayId == null || prepayId.isBlank()) {
      throw new IllegalArgumentException("prepayId is required");
    }
    if (mode == GatewayConfig.Mode.PRODUCTION) {
      throw new IllegalStateException("paySign needs the merchant private key, which is not configured");
    }
    return new JsapiPayParams(channel.appId(), Long.toString(Instant.now().getEpochSecond()), nonce(32),
        "prepay_id=" + prepayId, "RSA", JsapiPayParams.SANDBOX_PAY_SIGN);
  }

  /**
   * The order as the channel has it (its {@code trade_state} says whether it was paid). Fails with
   * {@link WechatPayRefused#notFound()} when the channel has no such order: the prepay never reached it.
   */
  public Future<WechatTransaction> query(String outTradeNo) {
    checkOutTradeNo(outTradeNo);
    return payment.get("/v3/pay/transactions/out-trade-no/" + encode(outTradeNo) + "?mchid=" + encode(channel.mchId()))
        .map(answer("query", WechatTransaction::from));
  }

  /**
   * Closes an unpaid order, so that it can no longer be paid (closing a closed order again is fine). Fails with
   * {@link WechatPayRefused#orderPaid()} when it was paid meanwhile: refund it instead.
   */
  public Future<Void> close(String outTradeNo) {
    checkOutTradeNo(outTradeNo);
    return payment.post("/v3/pay/transactions/out-trade-no/" + encode(outTradeNo) + "/close",
        new JsonObject().put("mchid", channel.mchId())).map(answer("close", json -> null));
  }

  /**
   * Refunds {@code refundFen} of the paid order {@code outTradeNo}, whose whole amount was {@code totalFen}. Repeating
   * the same request with the same {@code outRefundNo} is safe: the channel answers with the refund it already
   * made. Fails with {@link WechatPayRefused}: {@code INVALID_REQUEST} (not paid, more than is left, total differs,
   * outRefundNo used for another refund), {@code RESOURCE_NOT_EXISTS} (no such order).
   *
   * @param reason shown to the person with the refund (optional, at most 80 characters, no personal data)
   */
  public Future<WechatRefund> refund(String outTradeNo, String outRefundNo, long refundFen, long totalFen,
                                     String reason) {
    checkOutTradeNo(outTradeNo);
    if (outRefundNo == null || !OUT_REFUND_NO.matcher(outRefundNo).matches()) {
      throw new IllegalArgumentException("outRefundNo must be 1 to 64 of 0-9 A-Z a-z _ - | * @");
    }
    if (refundFen <= 0 || totalFen <= 0 || refundFen > totalFen) {
      throw new IllegalArgumentException("amounts must be positive, the refund at most the total");
    }
    if (reason != null && reason.length() > 80) {
      throw new IllegalArgumentException("reason must be at most 80 characters");
    }
    JsonObject request = new JsonObject()
        .put("out_trade_no", outTradeNo)
        .put("out_refund_no", outRefundNo)
        .put("amount", new JsonObject().put("refund", refundFen).put("total", totalFen).put("currency", "CNY"));
    if (reason != null && !reason.isBlank()) {
      request.put("reason", reason);
    }
    return payment.post("/v3/refund/domestic/refunds", request).map(answer("refund", WechatRefund::from));
  }

  /** Reads a 2xx answer with {@code read}; a 4xx (5xx never gets here) becomes {@link WechatPayRefused}. */
  private static <T> Function<CoreResponse, T> answer(String operation, Function<JsonObject, T> read) {
    return response -> {
      if (!response.ok()) {
        JsonObject error = response.json();
        Object code = error.getValue("code");
        Object message = error.getValue("message");
        throw new WechatPayRefused(operation, response.status(),
            code instanceof String c && !c.isBlank() ? c : "HTTP_" + response.status(),
            message instanceof String m ? m : null);
      }
      try {
        return read.apply(response.json());
      } catch (IllegalArgumentException unusable) {
        throw new IllegalStateException("the payment channel answered " + operation + " without a usable "
            + unusable.getMessage());
      }
    };
  }

  private static void checkOutTradeNo(String outTradeNo) {
    if (outTradeNo == null || !OUT_TRADE_NO.matcher(outTradeNo).matches()) {
      throw new IllegalArgumentException("outTradeNo must be 6 to 32 of 0-9 A-Z a-z _ - | *");
    }
  }

  /** One path segment or query value; the identifiers above only need {@code |} escaped, but be exact. */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String nonce(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return sb.toString();
  }
}
