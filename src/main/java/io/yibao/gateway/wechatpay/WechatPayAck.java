package io.yibao.gateway.wechatpay;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The answers the payment channel expects from a notify callback (WeChat Pay APIv3, 支付结果通知): a 2xx
 * acknowledges, and the channel stops sending; anything else (or no answer within 5 s) is a failure, and the channel
 * sends the same notify again later, for about a day. Bodies are WeChat's {@code {"code", "message"}}:
 * <pre>
 *   success  200 {"code":"SUCCESS","message":"成功"}   (204 without a body is also accepted)
 *   failure  4xx/5xx {"code":"FAIL","message":"..."}
 * </pre>
 * Acknowledge only once the payment is applied (or known to be applied already): a notify acknowledged and then lost
 * is not sent again. The failure message is read by the channel's operators; keep it to a reason, never data.
 */
public final class WechatPayAck {

  public static final String SUCCESS = "SUCCESS";
  public static final String FAIL = "FAIL";

  private WechatPayAck() {
  }

  /** {@code {"code":"SUCCESS","message":"成功"}}. */
  public static JsonObject successBody() {
    return new JsonObject().put("code", SUCCESS).put("message", "成功");
  }

  /** {@code {"code":"FAIL","message":message}}. */
  public static JsonObject failureBody(String message) {
    return new JsonObject().put("code", FAIL).put("message", message);
  }

  /** Acknowledges: 200 with the success body. The channel sends this notify no more. */
  public static Future<Void> success(HttpServerResponse response) {
    return send(response, 200, successBody());
  }

  /**
   * Refuses, so that the channel sends the notify again later: {@code status} 4xx when the notify itself is wrong,
   * 5xx when the gateway could not apply it now (Redis or a core system down).
   */
  public static Future<Void> failure(HttpServerResponse response, int status, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a failure answer is 4xx or 5xx, got " + status);
    }
    return send(response, status, failureBody(message));
  }

  /**
   * Refuses a notify that failed verification: 401 for a failed authenticity check (missing header, wrong serial,
   * stale timestamp, bad signature), 400 for one that verified but cannot be read. The message is the reason's name.
   */
  public static Future<Void> rejected(HttpServerResponse response, NotifyRejected rejected) {
    int status = switch (rejected.reason()) {
      case MISSING_HEADER, WRONG_SERIAL, STALE, BAD_SIGNATURE -> 401;
      case UNDECRYPTABLE, MALFORMED -> 400;
    };
    return failure(response, status, rejected.reason().name());
  }

  private static Future<Void> send(HttpServerResponse response, int status, JsonObject body) {
    return response.setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(Buffer.buffer(body.encode()));
  }
}
