package io.yibao.gateway.contribution;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A contribution order (缴费订单): who pays for whom, for which year, how, and where its money stands. Times are epoch
 * milliseconds; the optional ones are null until the order gets there. {@link #toHash()} and {@link #fromHash} are
 * the one codec to and from its Redis hash ({@code yb:{order:<id>}:contrib:order}, see {@link ContributionOrders});
 * the field names there are the constants below.
 *
 * @param settleBy personal-account orders: until then the debit (or the steps before it) may still be under way, so
 *                 the follow-up leaves the order alone
 * @param debitAt  when the personal-account debit was allowed to be sent (the order became PAYING)
 * @param error    why the order failed (the ledger's refusal, "channel unavailable", ...)
 */
public record ContributionOrder(String id, String accountId, String payer, int year, Method method, long totalFen,
                                List<Line> lines, Status status, long createdAt, long expiresAt, Long settleBy,
                                Long debitAt, String prepayId, Long paidAt, String transactionId, Long recordedAt,
                                String error, String refundReason, Long refundedAt) {

  /**
   * Order statuses. PAYING: a personal-account debit was sent and its outcome is not known yet (the order neither
   * expires nor can be cancelled until the ledger says); PAID: the channel (or the account) took the money;
   * RECORDED: the collection system has it; REFUNDING / REFUNDED: the money is on its way back (refundReason says
   * why: a late payment for an order that no longer wanted it, or the collection system refused the payment).
   */
  public enum Status { AWAITING_PAYMENT, PAYING, PAID, RECORDED, CANCELLED, EXPIRED, REFUNDING, REFUNDED, FAILED }

  /** How the order is paid: through the payment channel, or from the payer's own personal account (employees). */
  public enum Method { WECHAT_PAY, PERSONAL_ACCOUNT }

  /** What one person's contribution for the year costs. */
  public record Line(String psnNo, long amountFen) {
  }

  // The hash's field names, for the status changes that write some of them (ContributionOrders.change).
  static final String SETTLE_BY = "settleBy";
  static final String DEBIT_AT = "debitAt";
  static final String PREPAY = "prepay";
  static final String PAID_AT = "paidAt";
  static final String TXN = "txn";
  static final String RECORDED_AT = "recordedAt";
  static final String ERR = "err";
  static final String REFUND_REASON = "refundReason";
  static final String REFUNDED_AT = "refundedAt";

  public ContributionOrder {
    lines = List.copyOf(lines);
  }

  /** A new order, awaiting payment. */
  static ContributionOrder placed(String id, String accountId, String payer, int year, Method method,
                                  List<Line> lines, long createdAt, long expiresAt, Long settleBy) {
    long total = 0;
    for (Line l : lines) {
      total = Math.addExact(total, l.amountFen());
    }
    return new ContributionOrder(id, accountId, payer, year, method, total, lines, Status.AWAITING_PAYMENT,
        createdAt, expiresAt, settleBy, null, null, null, null, null, null, null, null);
  }

  public boolean byPersonalAccount() {
    return method == Method.PERSONAL_ACCOUNT;
  }

  /** The persons the order pays for, in order. */
  public List<String> persons() {
    return lines.stream().map(Line::psnNo).toList();
  }

  /** An unpaid order past its expiry is EXPIRED, whether or not anything has written that yet. */
  public Status effectiveStatus(long nowMillis) {
    return status == Status.AWAITING_PAYMENT && expiresAt < nowMillis ? Status.EXPIRED : status;
  }

  /** Past the time by which a personal-account debit's own answer would have come: asking the ledger cannot race it. */
  public boolean settled(long nowMillis) {
    return settleBy == null || settleBy <= nowMillis;
  }

  static JsonArray linesJson(List<Line> lines) {
    JsonArray out = new JsonArray();
    lines.forEach(l -> out.add(new JsonObject().put("psnNo", l.psnNo()).put("amountFen", l.amountFen())));
    return out;
  }

  // --- the Redis hash ------------------------------------------------------------------------------------------

  Map<String, String> toHash() {
    Map<String, String> h = new HashMap<>();
    h.put("id", id);
    h.put("acct", accountId);
    h.put("payer", payer);
    h.put("year", Integer.toString(year));
    h.put("method", method.name());
    h.put("total", Long.toString(totalFen));
    h.put("lines", linesJson(lines).encode());
    h.put("status", status.name());
    h.put("createdAt", Long.toString(createdAt));
    h.put("expiresAt", Long.toString(expiresAt));
    put(h, SETTLE_BY, settleBy);
    put(h, DEBIT_AT, debitAt);
    put(h, PREPAY, prepayId);
    put(h, PAID_AT, paidAt);
    put(h, TXN, transactionId);
    put(h, RECORDED_AT, recordedAt);
    put(h, ERR, error);
    put(h, REFUND_REASON, refundReason);
    put(h, REFUNDED_AT, refundedAt);
    return h;
  }

  /** The order of a hash; null when there is none (no hash, or one without an order in it). */
  static ContributionOrder fromHash(Map<String, String> h) {
    if (h == null || h.get("id") == null || h.get("status") == null) {
      return null;
    }
    List<Line> lines = new ArrayList<>();
    for (Object o : new JsonArray(h.get("lines"))) {
      JsonObject l = (JsonObject) o;
      lines.add(new Line(l.getString("psnNo"), l.getLong("amountFen")));
    }
    return new ContributionOrder(h.get("id"), h.get("acct"), h.get("payer"), Integer.parseInt(h.get("year")),
        Method.valueOf(h.get("method")), Long.parseLong(h.get("total")), lines, Status.valueOf(h.get("status")),
        Long.parseLong(h.get("createdAt")), Long.parseLong(h.get("expiresAt")), num(h, SETTLE_BY), num(h, DEBIT_AT),
        h.get(PREPAY), num(h, PAID_AT), h.get(TXN), num(h, RECORDED_AT), h.get(ERR), h.get(REFUND_REASON),
        num(h, REFUNDED_AT));
  }

  private static void put(Map<String, String> h, String field, Object value) {
    if (value != null) {
      h.put(field, value.toString());
    }
  }

  private static Long num(Map<String, String> h, String field) {
    String v = h.get(field);
    return v == null ? null : Long.parseLong(v);
  }
}
