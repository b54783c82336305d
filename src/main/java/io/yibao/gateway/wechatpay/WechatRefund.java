package io.yibao.gateway.wechatpay;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * A refund as the payment channel answers it. {@code status}: {@code SUCCESS}, {@code PROCESSING} (the real channel
 * usually answers this first and finishes later), {@code ABNORMAL} or {@code CLOSED}. Money in fen.
 *
 * @param successTime when the money went back; null while processing
 * @param raw         the whole refund object as the channel sent it
 */
public record WechatRefund(String refundId, String outRefundNo, String outTradeNo, String status, long refundFen,
                           long totalFen, OffsetDateTime successTime, JsonObject raw) {

  public boolean succeeded() {
    return "SUCCESS".equals(status);
  }

  /** Reads the channel's refund object; {@link IllegalArgumentException} naming the field when it is unusable. */
  static WechatRefund from(JsonObject json) {
    JsonObject amount = json.getValue("amount") instanceof JsonObject a ? a : null;
    Long refund = amount == null ? null : WechatTransaction.fen(amount, "refund");
    Long total = amount == null ? null : WechatTransaction.fen(amount, "total");
    if (refund == null || total == null) {
      throw new IllegalArgumentException("amount");
    }
    return new WechatRefund(WechatTransaction.text(json, "refund_id", true),
        WechatTransaction.text(json, "out_refund_no", true), WechatTransaction.text(json, "out_trade_no", true),
        WechatTransaction.text(json, "status", true), refund, total, WechatTransaction.time(json, "success_time"),
        json);
  }
}
