package io.yibao.gateway.wechatpay;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A JSAPI order as the payment channel describes it, from a query or from a payment notify's decrypted resource.
 * Money in fen. {@code tradeState} is the channel's: {@code NOTPAY}, {@code USERPAYING}, {@code SUCCESS},
 * {@code REFUND} (paid, then refunded in part or whole), {@code CLOSED}, {@code REVOKED}, {@code PAYERROR}.
 *
 * @param transactionId the channel's id of the payment; null until paid
 * @param payerTotalFen what the person paid (after the channel's promotions); null until paid
 * @param successTime   when the payment succeeded; null until paid
 * @param raw           the whole transaction object as the channel sent it (it holds the payer's openid: do not log)
 */
public record WechatTransaction(String outTradeNo, String transactionId, String tradeState, long totalFen,
                                Long payerTotalFen, OffsetDateTime successTime, JsonObject raw) {

  /** The payment went through ({@code SUCCESS}, or {@code REFUND}: paid and then refunded). */
  public boolean paid() {
    return "SUCCESS".equals(tradeState) || "REFUND".equals(tradeState);
  }

  /**
   * Reads the channel's transaction object. Throws {@link IllegalArgumentException} naming the field (never its
   * value) when out_trade_no, trade_state or amount.total is missing, or a field has the wrong type.
   */
  static WechatTransaction from(JsonObject json) {
    JsonObject amount = json.getValue("amount") instanceof JsonObject a ? a : null;
    if (amount == null) {
      throw new IllegalArgumentException("amount");
    }
    Long total = fen(amount, "total");
    if (total == null) {
      throw new IllegalArgumentException("amount.total");
    }
    return new WechatTransaction(text(json, "out_trade_no", true), text(json, "transaction_id", false),
        text(json, "trade_state", true), total, fen(amount, "payer_total"), time(json, "success_time"), json);
  }

  static String text(JsonObject json, String field, boolean required) {
    Object value = json.getValue(field);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    if (value == null && !required) {
      return null;
    }
    throw new IllegalArgumentException(field);
  }

  /** A whole number of fen, or null when absent; a fraction or text is wrong. */
  static Long fen(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException(field);
  }

  /** WeChat's time, ISO-8601 with offset ({@code 2026-11-23T10:34:56+08:00}), or null when absent. */
  static OffsetDateTime time(JsonObject json, String field) {
    String text = text(json, field, false);
    try {
      return text == null ? null : OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field);
    }
  }
}
