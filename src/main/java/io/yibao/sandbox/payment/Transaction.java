package io.yibao.sandbox.payment;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * One JSAPI order as WeChat Pay keeps it, keyed by the merchant's out_trade_no. Mutable, used only on the sandbox's
 * event loop.
 */
final class Transaction {

  /** trade_state values, with WeChat's descriptions. */
  enum State {
    NOTPAY("未支付"), SUCCESS("支付成功"), CLOSED("已关闭"), REFUND("转入退款");

    final String description;

    State(String description) {
      this.description = description;
    }
  }

  final String appid;
  final String mchid;
  final String description;
  final String outTradeNo;
  final String notifyUrl;
  final long totalFen;
  final String openid;
  final String prepayId;
  State state = State.NOTPAY;
  String transactionId;
  OffsetDateTime successTime;
  long refundedFen;
  NotifyDelivery notify;

  Transaction(String appid, String mchid, String description, String outTradeNo, String notifyUrl, long totalFen,
              String openid, String prepayId) {
    this.appid = appid;
    this.mchid = mchid;
    this.description = description;
    this.outTradeNo = outTradeNo;
    this.notifyUrl = notifyUrl;
    this.totalFen = totalFen;
    this.openid = openid;
    this.prepayId = prepayId;
  }

  /** Whether a repeated prepay request is the same order (WeChat refuses a reused out_trade_no otherwise). */
  boolean sameOrder(String appid, String mchid, String description, long totalFen, String openid) {
    return this.appid.equals(appid) && this.mchid.equals(mchid) && this.description.equals(description)
        && this.totalFen == totalFen && this.openid.equals(openid);
  }

  boolean paid() {
    return state == State.SUCCESS || state == State.REFUND;
  }

  /**
   * The transaction as the query API returns it and as the notify resource carries it (decrypted). Payment fields are
   * present once paid.
   */
  JsonObject toJson() {
    JsonObject amount = new JsonObject().put("total", totalFen);
    JsonObject json = new JsonObject().put("mchid", mchid).put("appid", appid).put("out_trade_no", outTradeNo);
    if (paid()) {
      json.put("transaction_id", transactionId);
      amount.put("payer_total", totalFen);
    }
    json.put("trade_type", "JSAPI").put("trade_state", state.name()).put("trade_state_desc", state.description);
    if (paid()) {
      json.put("bank_type", "OTHERS").put("success_time", PaymentService.wechatTime(successTime));
    }
    return json.put("payer", new JsonObject().put("openid", openid))
        .put("amount", amount.put("currency", "CNY").put("payer_currency", "CNY"));
  }
}
