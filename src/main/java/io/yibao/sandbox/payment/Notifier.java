package io.yibao.sandbox.payment;

import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Sends payment notifies to the merchant as WeChat Pay APIv3 does, and keeps sending until one is acknowledged with a
 * 2xx answer or the schedule runs out. Runs on the sandbox's event loop: sending, timers and answers all land there.
 */
final class Notifier {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  private final Vertx vertx;
  private final WebClient client;
  private final PlatformCrypto crypto;
  private final String platformSerial;
  private final NotifySchedule schedule;

  Notifier(Vertx vertx, PlatformCrypto crypto, String platformSerial, NotifySchedule schedule) {
    this.vertx = vertx;
    this.crypto = crypto;
    this.platformSerial = platformSerial;
    this.schedule = schedule;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) schedule.requestTimeout().toMillis())
        .setFollowRedirects(false)
        .setUserAgent("yibao-sandbox-wechatpay"));
  }

  /** Seals the paid transaction into a TRANSACTION.SUCCESS notify and makes the first attempt at once. */
  NotifyDelivery start(Transaction paid, String url) {
    String nonce = crypto.nonce(12);
    JsonObject resource = new JsonObject()
        .put("original_type", "transaction")
        .put("algorithm", "AEAD_AES_256_GCM")
        .put("ciphertext", crypto.seal(paid.toJson().encode(), "transaction", nonce))
        .put("associated_data", "transaction")
        .put("nonce", nonce);
    JsonObject body = new JsonObject()
        .put("id", UUID.randomUUID().toString())
        .put("create_time", PaymentService.wechatTime(OffsetDateTime.now(SHANGHAI)))
        .put("resource_type", "encrypt-resource")
        .put("event_type", "TRANSACTION.SUCCESS")
        .put("summary", "支付成功")
        .put("resource", resource);
    NotifyDelivery delivery = new NotifyDelivery(body.getString("id"), paid.outTradeNo, url, body.encode());
    attempt(delivery, NotifyDelivery.Kind.SCHEDULED);
    return delivery;
  }

  /** One more send outside the schedule, so that a test can replay a notify the merchant already has. */
  void redeliver(NotifyDelivery delivery) {
    attempt(delivery, NotifyDelivery.Kind.REDELIVERY);
  }

  private void attempt(NotifyDelivery delivery, NotifyDelivery.Kind kind) {
    NotifyDelivery.Attempt attempt = new NotifyDelivery.Attempt(delivery.attempts.size() + 1, kind,
        OffsetDateTime.now(SHANGHAI));
    delivery.attempts.add(attempt);
    if (kind == NotifyDelivery.Kind.SCHEDULED) {
      delivery.scheduledAttempts++;
      delivery.nextAttemptAt = null;
    }
    // fresh timestamp and nonce each time: a merchant rightly refuses a stale timestamp
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    String nonce = crypto.nonce(32);
    try {
      client.postAbs(delivery.url)
          .timeout(schedule.requestTimeout().toMillis())
          .putHeader("Content-Type", "application/json")
          .putHeader("Wechatpay-Timestamp", timestamp)
          .putHeader("Wechatpay-Nonce", nonce)
          .putHeader("Wechatpay-Signature", crypto.sign(timestamp, nonce, delivery.body))
          .putHeader("Wechatpay-Serial", platformSerial)
          .putHeader("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
          .sendBuffer(Buffer.buffer(delivery.body))
          .onComplete(answer -> finished(delivery, attempt, answer));
    } catch (RuntimeException unusableUrl) {
      finished(delivery, attempt, io.vertx.core.Future.failedFuture(unusableUrl));
    }
  }

  private void finished(NotifyDelivery delivery, NotifyDelivery.Attempt attempt,
                        AsyncResult<HttpResponse<Buffer>> answer) {
    if (answer.succeeded()) {
      int status = answer.result().statusCode();
      attempt.httpStatus = status;
      attempt.outcome = status >= 200 && status < 300
          ? NotifyDelivery.Outcome.ACKNOWLEDGED : NotifyDelivery.Outcome.REJECTED;
    } else {
      attempt.outcome = isTimeout(answer.cause())
          ? NotifyDelivery.Outcome.TIMEOUT : NotifyDelivery.Outcome.CONNECTION_ERROR;
    }
    if (attempt.outcome == NotifyDelivery.Outcome.ACKNOWLEDGED) {
      delivery.state = NotifyDelivery.State.DELIVERED;
      delivery.nextAttemptAt = null;
      if (delivery.retryTimer >= 0) {
        vertx.cancelTimer(delivery.retryTimer);
        delivery.retryTimer = -1;
      }
    } else if (attempt.kind == NotifyDelivery.Kind.SCHEDULED && delivery.state == NotifyDelivery.State.PENDING) {
      scheduleNext(delivery);
    }
  }

  private void scheduleNext(NotifyDelivery delivery) {
    if (delivery.scheduledAttempts >= schedule.maxAttempts()) {
      delivery.state = NotifyDelivery.State.GAVE_UP;
      return;
    }
    long delay = schedule.delayBefore(delivery.scheduledAttempts + 1).toMillis();
    delivery.nextAttemptAt = OffsetDateTime.now(SHANGHAI).plusNanos(delay * 1_000_000);
    delivery.retryTimer = vertx.setTimer(delay, id -> {
      delivery.retryTimer = -1;
      if (delivery.state == NotifyDelivery.State.PENDING) {
        attempt(delivery, NotifyDelivery.Kind.SCHEDULED);
      }
    });
  }

  private static boolean isTimeout(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }
}
