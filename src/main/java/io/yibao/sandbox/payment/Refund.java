package io.yibao.sandbox.payment;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/** A refund of (part of) a paid order, keyed by the merchant's out_refund_no. WeChat's answer, minus promotions. */
record Refund(String refundId, String outRefundNo, String outTradeNo, String transactionId, String reason,
              long refundFen, long totalFen, OffsetDateTime createdAt) {

  /** Whether a repeated request is the same refund (out_refund_no must not be reused for another one). */
  boolean sameRefund(String outTradeNo, long refundFen, long totalFen) {
    return this.outTradeNo.equals(outTradeNo) && this.refundFen == refundFen && this.totalFen == totalFen;
  }

  JsonObject toJson() {
    String at = PaymentService.wechatTime(createdAt);
    return new JsonObject()
        .put("refund_id", refundId).put("out_refund_no", outRefundNo)
        .put("transaction_id", transactionId).put("out_trade_no", outTradeNo)
        .put("channel", "ORIGINAL").put("user_received_account", "支付用户零钱")
        // the sandbox refunds at once; WeChat answers PROCESSING first and SUCCESS later
        .put("status", "SUCCESS").put("create_time", at).put("success_time", at)
        .put("amount", new JsonObject().put("total", totalFen).put("refund", refundFen)
            .put("payer_total", totalFen).put("payer_refund", refundFen)
            .put("settlement_total", totalFen).put("settlement_refund", refundFen)
            .put("discount_refund", 0L).put("currency", "CNY"));
  }
}
