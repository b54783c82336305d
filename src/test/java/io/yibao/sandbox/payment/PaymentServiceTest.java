package io.yibao.sandbox.payment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.identity.DemoKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaymentServiceTest {

  private static final String APPID = "wxd678efh567hg6787";
  private static final String MCHID = "1230000109";

  private static Sandbox sandbox;
  private static Http http;
  private static NotifyReceiver gateway;
  private static JsonObject keys;

  @BeforeAll
  static void start() throws Exception {
    sandbox = Sandbox.start(SandboxOptions.forTests());
    http = new Http(sandbox.port());
    gateway = new NotifyReceiver();
    keys = new JsonObject(http.get("/_sandbox/keys").body());
  }

  @AfterAll
  static void stop() throws Exception {
    sandbox.close();
    gateway.close();
  }

  static JsonObject order(String outTradeNo, long totalFen, String notifyUrl) {
    JsonObject order = new JsonObject().put("appid", APPID).put("mchid", MCHID)
        .put("description", "城乡居民医保缴费-2027").put("out_trade_no", outTradeNo)
        .put("amount", new JsonObject().put("total", totalFen).put("currency", "CNY"))
        .put("payer", new JsonObject().put("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"));
    return notifyUrl == null ? order : order.put("notify_url", notifyUrl);
  }

  static String outTradeNo() {
    return "YB" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  private static String prepay(JsonObject order) {
    HttpResponse<String> r = http.postJson("/pay/v3/pay/transactions/jsapi", order.encode());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("prepay_id");
  }

  private static JsonObject confirm(String prepayId) {
    HttpResponse<String> r = http.postJson("/_sandbox/pay/" + prepayId + "/confirm", "{}");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject notifies(String outTradeNo) {
    HttpResponse<String> r = http.get("/_sandbox/pay/notifies?out_trade_no=" + outTradeNo);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject query(String outTradeNo) {
    HttpResponse<String> r = http.get("/pay/v3/pay/transactions/out-trade-no/" + outTradeNo + "?mchid=" + MCHID);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static String wechatError(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("code");
  }

  private static PublicKey committedPlatformKey() throws Exception {
    try (InputStream in = PaymentServiceTest.class.getClassLoader().getResourceAsStream(DemoKeys.PLATFORM_PUBLIC_PEM)) {
      assertNotNull(in, DemoKeys.PLATFORM_PUBLIC_PEM);
      return DemoKeys.publicKey(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aPaidOrderIsNotifiedSignedAndSealedUntilTheGatewayAcknowledges() throws Exception {
    String outTradeNo = outTradeNo();
    // the gateway fails the first two deliveries, then acknowledges
    String url = gateway.url("/callbacks/" + outTradeNo, n -> n <= 2 ? 500 : 200);
    String prepayId = prepay(order(outTradeNo, 40_000, url));
    assertTrue(prepayId.startsWith("wx"));
    assertEquals("NOTPAY", query(outTradeNo).getString("trade_state"));

    JsonObject paid = confirm(prepayId);
    String transactionId = paid.getString("transaction_id");
    assertEquals(28, transactionId.length());

    Await.until("the notify is acknowledged", Duration.ofSeconds(20),
        () -> "DELIVERED".equals(notifies(outTradeNo).getString("state")));
    JsonObject delivery = notifies(outTradeNo);
    JsonArray attempts = delivery.getJsonArray("attempts");
    assertEquals(3, attempts.size(), attempts.encodePrettily());
    assertEquals(List.of("REJECTED", "REJECTED", "ACKNOWLEDGED"),
        attempts.stream().map(a -> ((JsonObject) a).getString("outcome")).toList());
    assertEquals(List.of(500, 500, 200),
        attempts.stream().map(a -> ((JsonObject) a).getInteger("httpStatus")).toList());
    assertEquals(List.of(1, 2, 3), attempts.stream().map(a -> ((JsonObject) a).getInteger("attempt")).toList());
    assertNull(delivery.getString("nextAttemptAt"), "acknowledged: no further attempt is scheduled");
    assertEquals(url, delivery.getString("notifyUrl"));

    List<NotifyReceiver.Received> received = gateway.received("/callbacks/" + outTradeNo);
    assertEquals(3, received.size());
    PublicKey platformKey = committedPlatformKey();
    assertEquals(platformKey, DemoKeys.publicKey(keys.getString("wechatpayPlatformPublicKeyPem")));
    for (NotifyReceiver.Received notify : received) {
      assertTrue(notify.signatureVerifies(platformKey), "Wechatpay-Signature verifies with the platform key");
      assertEquals(keys.getString("wechatpayPlatformSerial"), notify.header("Wechatpay-Serial"));
      assertEquals("WECHATPAY2-SHA256-RSA2048", notify.header("Wechatpay-Signature-Type"));
      assertTrue(Math.abs(Long.parseLong(notify.header("Wechatpay-Timestamp")) - System.currentTimeMillis() / 1000) < 300);
      assertEquals(received.get(0).body(), notify.body(), "a retry resends the same notification");

      JsonObject body = new JsonObject(notify.body());
      assertEquals("TRANSACTION.SUCCESS", body.getString("event_type"));
      assertEquals("encrypt-resource", body.getString("resource_type"));
      assertEquals("支付成功", body.getString("summary"));
      assertEquals(delivery.getString("notifyId"), body.getString("id"));
      OffsetDateTime.parse(body.getString("create_time"));
      JsonObject resource = body.getJsonObject("resource");
      assertEquals("transaction", resource.getString("original_type"));
      assertEquals("AEAD_AES_256_GCM", resource.getString("algorithm"));
      assertEquals("transaction", resource.getString("associated_data"));
      assertEquals(12, resource.getString("nonce").length());

      JsonObject transaction = notify.decryptedResource(keys.getString("wechatpayApiV3Key"));
      assertEquals(outTradeNo, transaction.getString("out_trade_no"));
      assertEquals(transactionId, transaction.getString("transaction_id"));
      assertEquals(MCHID, transaction.getString("mchid"));
      assertEquals(APPID, transaction.getString("appid"));
      assertEquals("JSAPI", transaction.getString("trade_type"));
      assertEquals("SUCCESS", transaction.getString("trade_state"));
      assertEquals(new JsonObject().put("total", 40_000).put("payer_total", 40_000).put("currency", "CNY")
          .put("payer_currency", "CNY"), transaction.getJsonObject("amount"));
      assertEquals("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", transaction.getJsonObject("payer").getString("openid"));
    }
    assertNotEquals(received.get(0).header("Wechatpay-Nonce"), received.get(1).header("Wechatpay-Nonce"),
        "every delivery is signed afresh");

    JsonObject transaction = query(outTradeNo);
    assertEquals("SUCCESS", transaction.getString("trade_state"));
    assertEquals(transactionId, transaction.getString("transaction_id"));
    assertEquals(40_000L, transaction.getJsonObject("amount").getLong("total"));
    assertEquals(paid.getString("success_time"), transaction.getString("success_time"));
    assertTrue(transaction.getString("success_time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00"));
  }

  @Test
  void aRedeliveryReplaysTheSameNotificationFreshlySigned() throws Exception {
    String outTradeNo = outTradeNo();
    String path = "/callbacks/" + outTradeNo;
    String prepayId = prepay(order(outTradeNo, 12_345, gateway.url(path, n -> 204)));
    confirm(prepayId);
    Await.until("the notify is acknowledged", Duration.ofSeconds(10),
        () -> "DELIVERED".equals(notifies(outTradeNo).getString("state")));

    assertEquals(200, http.postJson("/_sandbox/pay/notifies/" + outTradeNo + "/redeliver", "{}").statusCode());
    Await.until("the replay arrives", Duration.ofSeconds(10), () -> gateway.received(path).size() == 2);
    NotifyReceiver.Received first = gateway.received(path).get(0);
    NotifyReceiver.Received replay = gateway.received(path).get(1);
    assertEquals(first.body(), replay.body());
    assertTrue(replay.signatureVerifies(committedPlatformKey()));
    Await.until("the replay is recorded", Duration.ofSeconds(10),
        () -> "ACKNOWLEDGED".equals(notifies(outTradeNo).getJsonArray("attempts").getJsonObject(1).getString("outcome")));
    JsonObject second = notifies(outTradeNo).getJsonArray("attempts").getJsonObject(1);
    assertEquals(2, second.getInteger("attempt"));
    assertEquals("REDELIVERY", second.getString("kind"));

    confirm(prepayId);
    assertEquals(2, notifies(outTradeNo).getJsonArray("attempts").size(), "confirming again sends nothing new");
  }

  @Test
  void prepayIsIdempotentByOutTradeNo() {
    String outTradeNo = outTradeNo();
    String url = gateway.url("/callbacks/" + outTradeNo, n -> 200);
    String prepayId = prepay(order(outTradeNo, 40_000, url));
    assertEquals(prepayId, prepay(order(outTradeNo, 40_000, url)), "the same order gets the same prepay_id");

    assertEquals("INVALID_REQUEST", wechatError(http.postJson("/pay/v3/pay/transactions/jsapi",
        order(outTradeNo, 39_999, url).encode()), 400));

    confirm(prepayId);
    assertEquals("ORDERPAID", wechatError(http.postJson("/pay/v3/pay/transactions/jsapi",
        order(outTradeNo, 40_000, url).encode()), 400));
  }

  @Test
  void malformedOrdersAreRefusedLikeWechat() {
    String url = gateway.url("/callbacks/malformed", n -> 200);
    assertEquals("PARAM_ERROR", wechatError(http.postJson("/pay/v3/pay/transactions/jsapi",
        order(outTradeNo(), 0, url).encode()), 400));
    assertEquals("PARAM_ERROR", wechatError(http.postJson("/pay/v3/pay/transactions/jsapi",
        order("short", 100, url).encode()), 400));
    assertEquals("PARAM_ERROR", wechatError(http.postJson("/pay/v3/pay/transactions/jsapi",
        order(outTradeNo(), 100, null).encode()), 400), "no notify_url and no callback configured");
    assertEquals("PARAM_ERROR", wechatError(http.postJson("/pay/v3/pay/transactions/jsapi",
        order(outTradeNo(), 100, url).put("amount", new JsonObject().put("total", 1.5)).encode()), 400));
    assertEquals("ORDER_NOT_EXIST", wechatError(http.get("/pay/v3/pay/transactions/out-trade-no/" + outTradeNo()
        + "?mchid=" + MCHID), 404));
    assertEquals(404, http.postJson("/_sandbox/pay/wx-unknown/confirm", "{}").statusCode());
  }

  @Test
  void aClosedOrderCannotBePaidAndAPaidOrderCannotBeClosed() {
    String open = outTradeNo();
    String prepayId = prepay(order(open, 100, gateway.url("/callbacks/" + open, n -> 200)));
    HttpResponse<String> closed = http.postJson("/pay/v3/pay/transactions/out-trade-no/" + open + "/close",
        new JsonObject().put("mchid", MCHID).encode());
    assertEquals(204, closed.statusCode());
    assertEquals("CLOSED", query(open).getString("trade_state"));
    assertEquals(409, http.postJson("/_sandbox/pay/" + prepayId + "/confirm", "{}").statusCode());

    String paid = outTradeNo();
    confirm(prepay(order(paid, 100, gateway.url("/callbacks/" + paid, n -> 200))));
    assertEquals("ORDERPAID", wechatError(http.postJson("/pay/v3/pay/transactions/out-trade-no/" + paid + "/close",
        new JsonObject().put("mchid", MCHID).encode()), 400));
  }

  @Test
  void aRefundIsIdempotentByOutRefundNoAndNeverExceedsWhatWasPaid() {
    String outTradeNo = outTradeNo();
    String prepayId = prepay(order(outTradeNo, 80_000, gateway.url("/callbacks/" + outTradeNo, n -> 200)));
    String refundNo = "RF" + outTradeNo;
    JsonObject refundRequest = refund(outTradeNo, refundNo, 40_000, 80_000);
    assertEquals("INVALID_REQUEST", wechatError(http.postJson("/pay/v3/refund/domestic/refunds",
        refundRequest.encode()), 400), "nothing to refund before payment");
    String transactionId = confirm(prepayId).getString("transaction_id");

    HttpResponse<String> first = http.postJson("/pay/v3/refund/domestic/refunds", refundRequest.encode());
    assertEquals(200, first.statusCode(), first.body());
    JsonObject refund = new JsonObject(first.body());
    assertEquals("SUCCESS", refund.getString("status"));
    assertEquals(refundNo, refund.getString("out_refund_no"));
    assertEquals(transactionId, refund.getString("transaction_id"));
    assertEquals(40_000L, refund.getJsonObject("amount").getLong("refund"));
    assertEquals(80_000L, refund.getJsonObject("amount").getLong("total"));
    assertNotNull(refund.getString("refund_id"));

    HttpResponse<String> again = http.postJson("/pay/v3/refund/domestic/refunds", refundRequest.encode());
    assertEquals(200, again.statusCode());
    assertEquals(refund, new JsonObject(again.body()), "a retried refund is the same refund");
    assertEquals("INVALID_REQUEST", wechatError(http.postJson("/pay/v3/refund/domestic/refunds",
        refund(outTradeNo, refundNo, 30_000, 80_000).encode()), 400), "out_refund_no reused for another amount");

    assertEquals("INVALID_REQUEST", wechatError(http.postJson("/pay/v3/refund/domestic/refunds",
        refund(outTradeNo, refundNo + "-2", 40_001, 80_000).encode()), 400), "more than is left");
    assertEquals("INVALID_REQUEST", wechatError(http.postJson("/pay/v3/refund/domestic/refunds",
        refund(outTradeNo, refundNo + "-3", 100, 79_000).encode()), 400), "the order total must match");
    HttpResponse<String> rest = http.postJson("/pay/v3/refund/domestic/refunds",
        refund(outTradeNo, refundNo + "-4", 40_000, 80_000).encode());
    assertEquals(200, rest.statusCode(), "the rest can be refunded");

    HttpResponse<String> lookedUp = http.get("/pay/v3/refund/domestic/refunds/" + refundNo);
    assertEquals(200, lookedUp.statusCode());
    assertEquals(refund, new JsonObject(lookedUp.body()));
    assertEquals("RESOURCE_NOT_EXISTS", wechatError(http.get("/pay/v3/refund/domestic/refunds/RF-none"), 404));
    assertEquals("REFUND", query(outTradeNo).getString("trade_state"));
  }

  @Test
  void withoutANotifyUrlTheNotifyGoesToTheConfiguredCallback() throws Exception {
    String outTradeNo = outTradeNo();
    String callback = gateway.url("/callbacks/payments/wechat", n -> 200);
    try (Sandbox withCallback = Sandbox.start(SandboxOptions.forTests().withPopulation(10).withCallbackUrl(callback))) {
      Http other = new Http(withCallback.port());
      HttpResponse<String> prepaid = other.postJson("/pay/v3/pay/transactions/jsapi", order(outTradeNo, 500, null).encode());
      assertEquals(200, prepaid.statusCode(), prepaid.body());
      assertEquals(200, other.postJson("/_sandbox/pay/" + new JsonObject(prepaid.body()).getString("prepay_id")
          + "/confirm", "{}").statusCode());
      Await.until("the notify reaches the configured callback", Duration.ofSeconds(10),
          () -> gateway.received("/callbacks/payments/wechat").stream()
              .anyMatch(r -> r.body().contains("TRANSACTION.SUCCESS")));
    }
  }

  private static JsonObject refund(String outTradeNo, String outRefundNo, long refundFen, long totalFen) {
    return new JsonObject().put("out_trade_no", outTradeNo).put("out_refund_no", outRefundNo).put("reason", "重复缴费")
        .put("amount", new JsonObject().put("refund", refundFen).put("total", totalFen).put("currency", "CNY"));
  }
}
