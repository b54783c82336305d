package io.yibao.gateway.wechatpay;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.wechatpay.NotifyRejected.Reason;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.yibao.gateway.testing.Await.await;
import static io.yibao.gateway.wechatpay.SandboxChannel.confirm;
import static io.yibao.gateway.wechatpay.SandboxChannel.notifies;
import static io.yibao.gateway.wechatpay.SandboxChannel.outTradeNo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real notifies from the sandbox channel, captured as they arrive at a callback server, verified and opened; then
 * copies changed one way each, which must be refused for the right reason. Copies that need a valid signature
 * (stale, changed ciphertext) are re-signed with the sandbox platform's DEMO-ONLY private key, as only the channel
 * could.
 */
class WechatPayNotificationsTest {

  static final String OPENID = "o-demo-openid-0002";
  static final String PRIVATE_KEY = "sandbox/keys/DEMO-ONLY-wechatpay-platform.private.pem";

  static PrivateKey platformPrivateKey;
  static GatewayConfig.PaymentChannel keys;
  static WechatPayNotifications notifications;
  static NotifyCallback callback;

  String path;
  SandboxChannel channel;

  @BeforeAll
  static void start() throws Exception {
    try (SandboxChannel demo = new SandboxChannel("http://127.0.0.1:1/unused", Map.of())) {
      keys = demo.config.paymentChannel();
    }
    notifications = new WechatPayNotifications(keys);
    callback = new NotifyCallback(notifications);
    try (InputStream in = WechatPayNotificationsTest.class.getClassLoader().getResourceAsStream(PRIVATE_KEY)) {
      String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END"));
      platformPrivateKey = KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    callback.close();
  }

  @BeforeEach
  void channel() {
    path = "/callbacks/payments/wechat/" + UUID.randomUUID();
    channel = new SandboxChannel(callback.url(path), Map.of());
  }

  @AfterEach
  void close() throws Exception {
    channel.close();
  }

  /** Prepays and pays an order; returns its out_trade_no once its notify has been received and acknowledged. */
  private String paidOrder(long totalFen) throws Exception {
    String no = outTradeNo();
    confirm(await(channel.client.prepay(no, "2027年度城乡居民医保个人缴费", totalFen, OPENID)));
    Await.until("the channel's notify acknowledged", Duration.ofSeconds(10),
        () -> "DELIVERED".equals(notifies(no).getString("state")));
    return no;
  }

  private NotifyCallback.Received captured() {
    List<NotifyCallback.Received> received = callback.received(path);
    assertEquals(1, received.size(), "one notify, acknowledged at once");
    return received.get(0);
  }

  private static NotifyRejected rejected(MultiMap headers, Buffer body) {
    return assertThrows(NotifyRejected.class, () -> notifications.verify(headers, body));
  }

  /** Headers the channel would send with {@code body} at {@code epochSecond}, signed with the platform key. */
  private static MultiMap signed(long epochSecond, Buffer body) throws Exception {
    String timestamp = Long.toString(epochSecond);
    String nonce = UUID.randomUUID().toString().replace("-", "");
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(platformPrivateKey);
    signer.update((timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
    signer.update(body.getBytes());
    signer.update((byte) '\n');
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("Wechatpay-Timestamp", timestamp)
        .add("Wechatpay-Nonce", nonce)
        .add("Wechatpay-Signature", Base64.getEncoder().encodeToString(signer.sign()))
        .add("Wechatpay-Serial", keys.platformSerial())
        .add("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
  }

  private static MultiMap signedNow(Buffer body) throws Exception {
    return signed(Instant.now().getEpochSecond(), body);
  }

  /** The captured body with its resource changed by {@code change}. */
  private static Buffer withResource(Buffer body, java.util.function.Consumer<JsonObject> change) {
    JsonObject json = new JsonObject(body);
    change.accept(json.getJsonObject("resource"));
    return json.toBuffer();
  }

  /** Seals {@code transaction} as the channel does, with the (demo) APIv3 key. */
  private static Buffer notifyOf(JsonObject transaction) throws Exception {
    String nonce = "n0nce12chars";
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.apiV3Key(), "AES"),
        new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.US_ASCII)));
    cipher.updateAAD("transaction".getBytes(StandardCharsets.UTF_8));
    String ciphertext = Base64.getEncoder().encodeToString(cipher.doFinal(transaction.toBuffer().getBytes()));
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("create_time", "2026-11-23T10:00:00+08:00")
        .put("resource_type", "encrypt-resource").put("event_type", "TRANSACTION.SUCCESS").put("summary", "支付成功")
        .put("resource", new JsonObject().put("original_type", "transaction").put("algorithm", "AEAD_AES_256_GCM")
            .put("ciphertext", ciphertext).put("associated_data", "transaction").put("nonce", nonce))
        .toBuffer();
  }

  @Test
  void theChannelsNotifyVerifiesAndSaysWhatWasPaid() throws Exception {
    String no = paidOrder(40_000);
    NotifyCallback.Received notify = captured();
    assertEquals(200, notify.answered(), "the callback verified it and acknowledged");

    WechatPayNotifications.Verified verified = notifications.verify(notify.headers(), notify.body());
    WechatTransaction queried = await(channel.client.query(no));
    assertEquals(no, verified.outTradeNo());
    assertEquals("TRANSACTION.SUCCESS", verified.eventType());
    assertEquals("SUCCESS", verified.tradeState());
    assertEquals(40_000, verified.totalFen());
    assertEquals(40_000L, verified.payerTotalFen());
    assertEquals(queried.transactionId(), verified.transactionId());
    assertEquals(queried.successTime(), verified.successTime());
    assertEquals(notifies(no).getString("notifyId"), verified.notifyId());
    assertEquals(OPENID, verified.transaction().getJsonObject("payer").getString("openid"));

    JsonObject delivery = notifies(no);
    JsonObject attempt = delivery.getJsonArray("attempts").getJsonObject(0);
    assertEquals("ACKNOWLEDGED", attempt.getString("outcome"), "the channel took the success answer");
    assertEquals(200, attempt.getInteger("httpStatus"));
  }

  @Test
  void aChangedBodySignatureOrSerialIsRefused() throws Exception {
    String no = paidOrder(100);
    NotifyCallback.Received notify = captured();

    byte[] bytes = notify.body().getBytes();
    bytes[bytes.length / 2] ^= 0x01;
    assertEquals(Reason.BAD_SIGNATURE, rejected(notify.headers(), Buffer.buffer(bytes)).reason(), "one body byte");

    byte[] signature = Base64.getDecoder().decode(notify.headers().get("Wechatpay-Signature"));
    signature[signature.length - 1] ^= 0x01;
    MultiMap badSignature = MultiMap.caseInsensitiveMultiMap().addAll(notify.headers())
        .set("Wechatpay-Signature", Base64.getEncoder().encodeToString(signature));
    assertEquals(Reason.BAD_SIGNATURE, rejected(badSignature, notify.body()).reason(), "one signature bit");
    MultiMap notBase64 = MultiMap.caseInsensitiveMultiMap().addAll(notify.headers())
        .set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + notify.headers().get("Wechatpay-Signature"));
    assertEquals(Reason.BAD_SIGNATURE, rejected(notBase64, notify.body()).reason(), "the channel's signature probe");
    MultiMap otherType = MultiMap.caseInsensitiveMultiMap().addAll(notify.headers())
        .set("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3");
    assertEquals(Reason.BAD_SIGNATURE, rejected(otherType, notify.body()).reason(), "another signature scheme");

    MultiMap otherSerial = MultiMap.caseInsensitiveMultiMap().addAll(notify.headers())
        .set("Wechatpay-Serial", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
    NotifyRejected wrongSerial = rejected(otherSerial, notify.body());
    assertEquals(Reason.WRONG_SERIAL, wrongSerial.reason());
    assertTrue(wrongSerial.getMessage().contains("5157F09EFDC096DE15EBE81A47057A7232F1B8E1"), "the serial is logged");

    for (String header : List.of("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature",
        "Wechatpay-Serial")) {
      MultiMap without = MultiMap.caseInsensitiveMultiMap().addAll(notify.headers()).remove(header);
      NotifyRejected missing = rejected(without, notify.body());
      assertEquals(Reason.MISSING_HEADER, missing.reason(), header);
      assertTrue(missing.getMessage().contains(header), missing.getMessage());
    }
    assertFalse(wrongSerial.getMessage().contains(no));

    // the untouched notify still verifies: each refusal above is the change, not the copy
    assertEquals(no, notifications.verify(notify.headers(), notify.body()).outTradeNo());
  }

  @Test
  void aCorrectlySignedNotifyOutsideTheSkewIsStale() throws Exception {
    paidOrder(100);
    Buffer body = captured().body();
    long now = Instant.now().getEpochSecond();
    int skew = keys.notifyMaxSkewSeconds();

    assertEquals(100, notifications.verify(signedNow(body), body).totalFen(), "the re-signing is right");
    assertEquals(100, notifications.verify(signed(now - skew + 30, body), body).totalFen(), "within the skew");
    NotifyRejected old = rejected(signed(now - skew - 60, body), body);
    assertEquals(Reason.STALE, old.reason());
    assertTrue(old.getMessage().startsWith("STALE: Wechatpay-Timestamp is "), old.getMessage());
    assertEquals(Reason.STALE, rejected(signed(now + skew + 60, body), body).reason(), "from the future");

    MultiMap notSeconds = MultiMap.caseInsensitiveMultiMap().addAll(signedNow(body))
        .set("Wechatpay-Timestamp", "2026-11-23T10:00:00+08:00");
    assertEquals(Reason.MALFORMED, rejected(notSeconds, body).reason());
  }

  @Test
  void aSignedResourceThatDoesNotOpenIsUndecryptable() throws Exception {
    String no = paidOrder(100);
    Buffer body = captured().body();

    Buffer flipped = withResource(body, resource -> {
      byte[] sealed = Base64.getDecoder().decode(resource.getString("ciphertext"));
      sealed[0] ^= 0x01;
      resource.put("ciphertext", Base64.getEncoder().encodeToString(sealed));
    });
    NotifyRejected changed = rejected(signedNow(flipped), flipped);
    assertEquals(Reason.UNDECRYPTABLE, changed.reason(), "a ciphertext byte");
    assertFalse(changed.getMessage().contains(no));

    Buffer otherAad = withResource(body, resource -> resource.put("associated_data", "refund"));
    assertEquals(Reason.UNDECRYPTABLE, rejected(signedNow(otherAad), otherAad).reason(), "the associated data");
    Buffer otherNonce = withResource(body, resource -> resource.put("nonce", "AAAAAAAAAAAA"));
    assertEquals(Reason.UNDECRYPTABLE, rejected(signedNow(otherNonce), otherNonce).reason(), "the nonce");
    Buffer cut = withResource(body, resource -> resource.put("ciphertext",
        Base64.getEncoder().encodeToString(new byte[8])));
    assertEquals(Reason.UNDECRYPTABLE, rejected(signedNow(cut), cut).reason(), "shorter than the tag");

    GatewayConfig.PaymentChannel otherKey = new GatewayConfig.PaymentChannel(keys.appId(), keys.mchId(),
        keys.notifyUrl(), keys.platformSerial(), keys.platformPublicKey(),
        "another-merchants-apiv3-key-0001".getBytes(StandardCharsets.UTF_8), keys.notifyMaxSkewSeconds());
    MultiMap headers = signedNow(body);
    NotifyRejected wrongKey = assertThrows(NotifyRejected.class,
        () -> new WechatPayNotifications(otherKey).verify(headers, body));
    assertEquals(Reason.UNDECRYPTABLE, wrongKey.reason(), "another APIv3 key");
  }

  @Test
  void aSignedNotifyWithoutWhatANotifyHasIsMalformed() throws Exception {
    for (String body : List.of("not json", "[1,2]", "{\"id\":\"n1\",\"event_type\":\"TRANSACTION.SUCCESS\"}",
        "{\"id\":\"n1\",\"event_type\":\"TRANSACTION.SUCCESS\",\"resource\":{\"algorithm\":\"AES_128_CBC\","
            + "\"ciphertext\":\"AAAA\",\"nonce\":\"n\",\"associated_data\":\"transaction\"}}")) {
      Buffer raw = Buffer.buffer(body);
      assertEquals(Reason.MALFORMED, rejected(signedNow(raw), raw).reason(), body);
    }

    String no = outTradeNo();
    JsonObject paid = new JsonObject().put("mchid", keys.mchId()).put("appid", keys.appId())
        .put("out_trade_no", no).put("transaction_id", "4200000000202611230000000000001")
        .put("trade_state", "SUCCESS").put("success_time", "2026-11-23T10:00:00+08:00")
        .put("amount", new JsonObject().put("total", 100).put("payer_total", 100).put("currency", "CNY"));
    Buffer good = notifyOf(paid);
    assertEquals(no, notifications.verify(signedNow(good), good).outTradeNo(), "the sealing is right");

    List<JsonObject> broken = List.of(
        paid.copy().put("amount", new JsonObject().put("total", 100.5)),
        paid.copy().put("amount", new JsonObject().put("total", "100")),
        paid.copy().putNull("out_trade_no"),
        paid.copy().put("trade_state", "NOTPAY"),
        paid.copy().put("success_time", "yesterday"),
        paid.copy().put("mchid", "1900000002"));
    for (JsonObject transaction : broken) {
      Buffer raw = notifyOf(transaction);
      NotifyRejected malformed = rejected(signedNow(raw), raw);
      assertEquals(Reason.MALFORMED, malformed.reason(), transaction.encode());
      assertFalse(malformed.getMessage().contains(no), malformed.getMessage());
    }
  }

  @Test
  void aFailureAnswerMakesTheChannelSendTheSameNotifyAgain() throws Exception {
    callback.failFirst(path, 1, 503);
    String no = paidOrder(2_000);

    JsonArray attempts = notifies(no).getJsonArray("attempts");
    assertEquals(2, attempts.size(), attempts.encode());
    assertEquals("REJECTED", attempts.getJsonObject(0).getString("outcome"));
    assertEquals(503, attempts.getJsonObject(0).getInteger("httpStatus"));
    assertEquals("ACKNOWLEDGED", attempts.getJsonObject(1).getString("outcome"));

    List<NotifyCallback.Received> received = callback.received(path);
    assertEquals(List.of(503, 200), received.stream().map(NotifyCallback.Received::answered).toList());
    assertArrayEquals(received.get(0).body().getBytes(), received.get(1).body().getBytes(), "the same notify");
    assertNotEquals(received.get(0).headers().get("Wechatpay-Nonce"), received.get(1).headers().get("Wechatpay-Nonce"),
        "signed afresh");
    WechatPayNotifications.Verified first = notifications.verify(received.get(0).headers(), received.get(0).body());
    WechatPayNotifications.Verified second = notifications.verify(received.get(1).headers(), received.get(1).body());
    assertEquals(first.notifyId(), second.notifyId(), "the id to deduplicate by");
    assertEquals(first.transactionId(), second.transactionId());
  }

  @Test
  void aRefusedNotifyIsAnsweredWithTheChannelsFailBody() throws Exception {
    paidOrder(100);
    NotifyCallback.Received notify = captured();
    Http http = new Http(callback.port());

    byte[] bytes = notify.body().getBytes();
    bytes[bytes.length / 2] ^= 0x01;
    HttpResponse<String> tampered = post(http, notify.headers(), Buffer.buffer(bytes));
    assertEquals(401, tampered.statusCode());
    assertEquals(new JsonObject().put("code", "FAIL").put("message", "BAD_SIGNATURE"), new JsonObject(tampered.body()));

    Buffer notJson = Buffer.buffer("not json");
    HttpResponse<String> malformed = post(http, signedNow(notJson), notJson);
    assertEquals(400, malformed.statusCode());
    assertEquals("FAIL", new JsonObject(malformed.body()).getString("code"));

    HttpResponse<String> replayed = post(http, notify.headers(), notify.body());
    assertEquals(200, replayed.statusCode(), "a resend within the skew verifies: applying it must be idempotent");
    assertEquals(new JsonObject().put("code", "SUCCESS").put("message", "成功"), new JsonObject(replayed.body()));
    assertTrue(replayed.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
  }

  private HttpResponse<String> post(Http http, MultiMap headers, Buffer body) {
    HttpRequest.Builder request = http.request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes()));
    headers.forEach(h -> {
      if (h.getKey().toLowerCase().startsWith("wechatpay-") || h.getKey().equalsIgnoreCase("content-type")) {
        request.header(h.getKey(), h.getValue());
      }
    });
    return http.send(request.build());
  }

  @Test
  void oneVerifierServesManyThreadsAtOnce() throws Exception {
    paidOrder(100);
    NotifyCallback.Received notify = captured();
    byte[] tamperedBytes = notify.body().getBytes();
    tamperedBytes[10] ^= 0x01;
    Buffer tampered = Buffer.buffer(tamperedBytes);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean genuine = i % 2 == 0;
        results.add(pool.submit(() -> {
          try {
            notifications.verify(notify.headers(), genuine ? notify.body() : tampered);
            return genuine;
          } catch (NotifyRejected e) {
            return !genuine && e.reason() == Reason.BAD_SIGNATURE;
          }
        }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
