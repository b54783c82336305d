package io.yibao.gateway.wechatpay;

import java.util.Set;

/**
 * The payment channel answered and refused (HTTP 4xx with WeChat Pay's {@code {code, message}}): the request reached
 * the channel and was decided, unlike a {@link io.yibao.gateway.core.CoreCallException}, where the outcome is unknown.
 * {@link #code()} is the channel's error code; callers switch on the ones that carry meaning for them
 * ({@link #orderPaid()}, {@link #orderClosed()}, {@link #notFound()}). Any other refusal is a request the gateway
 * should not have sent (a bug or a configuration error), and surfaces as an internal error.
 *
 * <p>The message is the channel's own, which names a field or a rule, never personal data. No stack trace: this is
 * an answer, not a bug.
 */
public final class WechatPayRefused extends RuntimeException {

  /** The order is paid already (prepay or close of a paid order). */
  public static final String ORDERPAID = "ORDERPAID";
  /** The order is closed (prepay again with a closed out_trade_no: use a new one). */
  public static final String ORDERCLOSED = "ORDERCLOSED";
  /** No such order for this merchant (query, close). */
  public static final String ORDER_NOT_EXIST = "ORDER_NOT_EXIST";
  /** No such order or refund (refund, refund query). */
  public static final String RESOURCE_NOT_EXISTS = "RESOURCE_NOT_EXISTS";
  /** A rule of the request is broken: out_trade_no reused for another order, refund above what is left, ... */
  public static final String INVALID_REQUEST = "INVALID_REQUEST";
  /** A field is missing or wrong. */
  public static final String PARAM_ERROR = "PARAM_ERROR";

  private static final Set<String> NOT_FOUND = Set.of(ORDER_NOT_EXIST, RESOURCE_NOT_EXISTS);

  private final String operation;
  private final int status;
  private final String code;

  WechatPayRefused(String operation, int status, String code, String channelMessage) {
    super(operation + " refused by the payment channel: HTTP " + status + " " + code
        + (channelMessage == null || channelMessage.isBlank() ? "" : " (" + channelMessage + ")"), null, false, false);
    this.operation = operation;
    this.status = status;
    this.code = code;
  }

  /** Which client call was refused: prepay, query, close or refund. */
  public String operation() {
    return operation;
  }

  /** The HTTP status of the answer (4xx). */
  public int status() {
    return status;
  }

  /** The channel's error code, e.g. {@code ORDERPAID}; {@code HTTP_<status>} when the answer carried none. */
  public String code() {
    return code;
  }

  public boolean orderPaid() {
    return ORDERPAID.equals(code);
  }

  public boolean orderClosed() {
    return ORDERCLOSED.equals(code);
  }

  /** The order (or refund) does not exist at the channel: it was never created there. */
  public boolean notFound() {
    return NOT_FOUND.contains(code) || (status == 404 && code.startsWith("HTTP_"));
  }
}
