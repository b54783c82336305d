package io.yibao.gateway.contribution;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paying next year's contributions end to end: options with waiting periods, channel payments with signed
 * notifies (replayed, forged, stale, wrong amount), personal-account payments, and recording at the collection
 * system through the outbox while it is down.
 */
class ContributionFlowTest {

  static final int YEAR = LocalDate.now(ZoneId.of("Asia/Shanghai")).getYear() + 1;
  static TestRedis redis;
  static TestGateway gateway;
  static Resident employee;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of(
        "identity.otp.perPhone.limit", "1000",
        "identity.otp.perClientAddress.limit", "100000",
        "core.collection.breaker.minimumCalls", "10000",
        "core.collection.breaker.slidingWindowSize", "10000"));
    Person p = person(Personas.EMPLOYEE);
    employee = Resident.signIn(gateway.http(), p.mobile(), "contrib-phone-1");
    assertEquals(200, employee.post("/api/v1/me/real-name",
        new JsonObject().put("name", p.name()).put("idNumber", p.idNumber()).put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  static Person person(String psnNo) {
    return TestSandbox.shared().world().registry().person(psnNo);
  }

  static HttpResponse<String> order(Resident r, String method, String key, String... psnNos) {
    return r.send(r.request("/api/v1/contributions/orders").header("Content-Type", "application/json")
        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("year", YEAR)
            .put("method", method).put("psnNos", new JsonArray(List.of(psnNos))).encode())).build());
  }

  static JsonObject orderOf(Resident r, String id) {
    return new JsonObject(r.get("/api/v1/contributions/orders/" + id).body());
  }

  @Test
  void optionsShowTheHouseholdWithAmounts() {
    JsonObject options = new JsonObject(employee.get("/api/v1/contributions/options?year=" + YEAR).body());
    assertTrue(options.getBoolean("windowOpen"), "the window for next year is open in late November");
    JsonArray persons = options.getJsonArray("persons");
    assertEquals(4, persons.size(), "self, husband, child, father");
    for (Object o : persons) {
      JsonObject p = (JsonObject) o;
      if (p.getString("psnNo").equals(Personas.SPOUSE)) {
        assertTrue(p.getBoolean("payable"));
        assertEquals(40_000L, p.getLong("amountFen"));
        assertEquals(0, p.getInteger("waitingMonths"));
      }
      if (p.getString("psnNo").equals(Personas.FATHER)) {
        assertFalse(p.getBoolean("payable"), "employees are insured through work");
      }
    }
  }

  @Test
  void payByChannelNotifyTenTimesCreditOnce() {
    HttpResponse<String> created = order(employee, "WECHAT_PAY", UUID.randomUUID().toString(), Personas.SPOUSE);
    assertEquals(201, created.statusCode(), created.body());
    JsonObject o = new JsonObject(created.body());
    assertEquals(40_000L, o.getLong("totalFen"));
    String prepayId = o.getJsonObject("payment").getString("prepayId");
    assertEquals(200, TestSandbox.http().postJson("/_sandbox/pay/" + prepayId + "/confirm", "{}").statusCode());
    String id = o.getString("id");
    Await.until("recorded", Duration.ofSeconds(20), () -> "RECORDED".equals(orderOf(employee, id).getString("status")));
    for (int i = 0; i < 10; i++) {
      TestSandbox.http().postJson("/_sandbox/pay/notifies/" + id + "/redeliver", "{}");
    }
    Await.until("the replays were answered", Duration.ofSeconds(20), () -> new JsonObject(TestSandbox.http()
        .get("/_sandbox/pay/notifies?out_trade_no=" + id).body()).getJsonArray("attempts").size() >= 11);
    assertEquals("RECORDED", orderOf(employee, id).getString("status"));
    JsonObject recorded = new JsonObject(TestSandbox.http().get("/collection/payments/" + id).body());
    assertEquals(1, recorded.getJsonArray("lines").size());
    assertProblem(order(employee, "WECHAT_PAY", UUID.randomUUID().toString(), Personas.SPOUSE), 409, "ALREADY_PAID");
  }

  @Test
  void twoConcurrentOrdersForOnePersonOneWins() {
    List<CompletableFuture<HttpResponse<String>>> both = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      both.add(gateway.http().sendAsync(employee.request("/api/v1/contributions/orders")
          .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("year", YEAR).put("method", "WECHAT_PAY")
              .put("psnNos", new JsonArray().add(Personas.CHILD)).encode())).build()));
    }
    List<Integer> statuses = both.stream().map(f -> f.join().statusCode()).sorted().toList();
    assertEquals(List.of(201, 409), statuses);
    // Cancelling the unpaid one lets the child be ordered again.
    String id = both.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 201)
        .map(r -> new JsonObject(r.body()).getString("id")).findFirst().orElseThrow();
    assertEquals("CANCELLED", new JsonObject(employee.post("/api/v1/contributions/orders/" + id + "/cancel").body())
        .getString("status"));
    assertEquals(201, order(employee, "WECHAT_PAY", UUID.randomUUID().toString(), Personas.CHILD).statusCode());
  }

  @Test
  void forgedStaleAndWrongAmountNotifiesCreditNothing() throws Exception {
    Person p = ContributionLoadHelper.residentPayers(1, 320).get(0);
    Resident payer = Resident.signIn(gateway.http(), p.mobile(), "contrib-forge");
    assertEquals(200, payer.post("/api/v1/me/real-name",
        new JsonObject().put("name", p.name()).put("idNumber", p.idNumber()).put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
    JsonObject o = new JsonObject(order(payer, "WECHAT_PAY", UUID.randomUUID().toString(), p.psnNo()).body());
    String id = o.getString("id");
    long now = System.currentTimeMillis() / 1000;
    assertEquals(400, notify(id, 1, now, true).statusCode(), "wrong amount");
    assertEquals(401, notify(id, 40_000, now - 3600, true).statusCode(), "stale");
    assertEquals(401, notify(id, 40_000, now, false).statusCode(), "forged signature");
    assertEquals("AWAITING_PAYMENT", orderOf(payer, id).getString("status"), "nothing credited");
    assertEquals(200, notify(id, 40_000, now, true).statusCode(), "the genuine one");
    Await.until("paid", Duration.ofSeconds(10), () -> !"AWAITING_PAYMENT".equals(orderOf(payer, id).getString("status")));
  }

  /** A notify signed with the sandbox's DEMO-ONLY platform key (or not), for an order and amount of our choosing. */
  static HttpResponse<String> notify(String orderId, long amountFen, long timestamp, boolean signProperly) throws Exception {
    return notify(gateway.http(), orderId, amountFen, timestamp, signProperly);
  }

  static HttpResponse<String> notify(io.yibao.gateway.testing.Http http, String orderId, long amountFen, long timestamp,
                                     boolean signProperly) throws Exception {
    JsonObject transaction = new JsonObject().put("mchid", "1900000001").put("appid", "wx-demo-app")
        .put("out_trade_no", orderId).put("transaction_id", "42" + System.nanoTime()).put("trade_type", "JSAPI")
        .put("trade_state", "SUCCESS").put("success_time", "2026-11-22T10:00:00+08:00")
        .put("amount", new JsonObject().put("total", amountFen).put("payer_total", amountFen).put("currency", "CNY"));
    String nonce = "abcdefghijkl";
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec("DEMO-ONLY-wxpay-apiv3-key-000001".getBytes(StandardCharsets.UTF_8), "AES"),
        new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
    aes.updateAAD("transaction".getBytes(StandardCharsets.UTF_8));
    String ciphertext = Base64.getEncoder().encodeToString(aes.doFinal(transaction.encode().getBytes(StandardCharsets.UTF_8)));
    String body = new JsonObject().put("id", UUID.randomUUID().toString()).put("create_time", "2026-11-22T10:00:00+08:00")
        .put("resource_type", "encrypt-resource").put("event_type", "TRANSACTION.SUCCESS").put("summary", "支付成功")
        .put("resource", new JsonObject().put("original_type", "transaction").put("algorithm", "AEAD_AES_256_GCM")
            .put("ciphertext", ciphertext).put("associated_data", "transaction").put("nonce", nonce)).encode();
    String headerNonce = UUID.randomUUID().toString().replace("-", "");
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(platformKey());
    rsa.update((timestamp + "\n" + headerNonce + "\n" + body + "\n").getBytes(StandardCharsets.UTF_8));
    String signature = Base64.getEncoder().encodeToString(rsa.sign());
    if (!signProperly) {
      signature = signature.substring(0, 10) + (signature.charAt(10) == 'A' ? 'B' : 'A') + signature.substring(11);
    }
    return http.send(http.request("/callbacks/payments/wechat")
        .header("Content-Type", "application/json")
        .header("Wechatpay-Timestamp", Long.toString(timestamp)).header("Wechatpay-Nonce", headerNonce)
        .header("Wechatpay-Signature", signature).header("Wechatpay-Serial", "16D53225310CB032267BBA74CE360755190E6D3E")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static PrivateKey platformKey() throws Exception {
    try (InputStream in = ContributionFlowTest.class.getClassLoader()
        .getResourceAsStream("sandbox/keys/DEMO-ONLY-wechatpay-platform.private.pem")) {
      String pem = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
          .replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
  }

  @Test
  void aPaymentForAnExpiredOrderIsRefunded() throws Exception {
    Person p = ContributionLoadHelper.residentPayers(1, 322).get(0);
    Resident payer = Resident.signIn(gateway.http(), p.mobile(), "contrib-late");
    assertEquals(200, payer.post("/api/v1/me/real-name",
        new JsonObject().put("name", p.name()).put("idNumber", p.idNumber()).put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
    JsonObject o = new JsonObject(order(payer, "WECHAT_PAY", UUID.randomUUID().toString(), p.psnNo()).body());
    String id = o.getString("id");
    // Let the order run out (as 15 minutes would), straight in the gateway's Redis.
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(vertx, redis.url());
      client.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HSET)
              .arg("yb:{order:" + id + "}:contrib:order").arg("expiresAt").arg("1"))
          .toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
    assertEquals("EXPIRED", orderOf(payer, id).getString("status"));
    // The resident pays anyway (the app was left open): the money goes back.
    assertEquals(200, TestSandbox.http().postJson("/_sandbox/pay/" + o.getJsonObject("payment").getString("prepayId")
        + "/confirm", "{}").statusCode());
    Await.until("refunded", Duration.ofSeconds(20), () -> "REFUNDED".equals(orderOf(payer, id).getString("status")));
    assertEquals("REFUND", new JsonObject(TestSandbox.http().get("/pay/v3/pay/transactions/out-trade-no/" + id
        + "?mchid=1900000001").body()).getString("trade_state"));
  }
}
