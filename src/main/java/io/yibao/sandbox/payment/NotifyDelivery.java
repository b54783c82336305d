package io.yibao.sandbox.payment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One notify and every attempt to deliver it. The body (and so its id and sealed resource) is fixed when the payment
 * succeeds, as WeChat resends the same notification; only the signature headers are fresh on each attempt. Used only
 * on the sandbox's event loop.
 */
final class NotifyDelivery {

  enum State { PENDING, DELIVERED, GAVE_UP }

  /** How an attempt ended: acknowledged is a 2xx answer; anything else leaves the notify unacknowledged. */
  enum Outcome { IN_FLIGHT, ACKNOWLEDGED, REJECTED, TIMEOUT, CONNECTION_ERROR }

  /** Why an attempt was made: the retry schedule, or a redelivery asked for through the sandbox. */
  enum Kind { SCHEDULED, REDELIVERY }

  static final class Attempt {
    final int number;
    final Kind kind;
    final OffsetDateTime at;
    Outcome outcome = Outcome.IN_FLIGHT;
    Integer httpStatus;

    Attempt(int number, Kind kind, OffsetDateTime at) {
      this.number = number;
      this.kind = kind;
      this.at = at;
    }

    JsonObject toJson() {
      return new JsonObject().put("attempt", number).put("kind", kind.name()).put("at", at.toString())
          .put("outcome", outcome.name()).put("httpStatus", httpStatus);
    }
  }

  final String notifyId;
  final String outTradeNo;
  final String url;
  final String body;
  final List<Attempt> attempts = new ArrayList<>();
  State state = State.PENDING;
  int scheduledAttempts;
  OffsetDateTime nextAttemptAt;
  long retryTimer = -1;

  NotifyDelivery(String notifyId, String outTradeNo, String url, String body) {
    this.notifyId = notifyId;
    this.outTradeNo = outTradeNo;
    this.url = url;
    this.body = body;
  }

  JsonObject toJson() {
    JsonArray list = new JsonArray();
    attempts.forEach(a -> list.add(a.toJson()));
    return new JsonObject().put("out_trade_no", outTradeNo).put("notifyId", notifyId).put("notifyUrl", url)
        .put("state", state.name())
        .put("nextAttemptAt", nextAttemptAt == null ? null : nextAttemptAt.toString())
        .put("attempts", list);
  }
}
