package io.yibao.sandbox.sms;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmsServiceTest {

  private static Sandbox sandbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    sandbox = Sandbox.start(SandboxOptions.forTests());
    http = new Http(sandbox.port());
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static HttpResponse<String> send(Http http, String phone, String template, JsonObject params) {
    return http.postJson("/sms/messages",
        new JsonObject().put("phone", phone).put("template", template).put("params", params).encode());
  }

  private static String sent(String phone, String template, String code) {
    HttpResponse<String> r = send(http, phone, template, new JsonObject().put("code", code));
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("messageId");
  }

  private static JsonArray outbox(String phone) {
    return outbox(http, phone);
  }

  private static JsonArray outbox(Http http, String phone) {
    HttpResponse<String> r = http.get("/_sandbox/sms?phone=" + phone);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("messages");
  }

  @Test
  void aLoginCodeLandsInThePhonesOutboxAsAChineseText() {
    String messageId = sent("13900000101", "LOGIN_OTP", "123456");

    JsonArray messages = outbox("13900000101");
    assertEquals(1, messages.size());
    JsonObject message = messages.getJsonObject(0);
    assertEquals(messageId, message.getString("messageId"));
    assertEquals("13900000101", message.getString("phone"));
    assertEquals("LOGIN_OTP", message.getString("template"));
    assertEquals(new JsonObject().put("code", "123456"), message.getJsonObject("params"));
    assertEquals("【医保服务】您的验证码为123456，5分钟内有效。如非本人操作，请忽略本短信。", message.getString("text"));
    assertTrue(Math.abs(Duration.between(OffsetDateTime.parse(message.getString("sentAt")), OffsetDateTime.now())
        .toSeconds()) < 60);
  }

  @Test
  void theOutboxIsNewestFirstAndPerPhone() {
    String first = sent("13900000102", "STEP_UP_OTP", "111111");
    String second = sent("13900000102", "LOGIN_OTP", "222222");
    sent("13900000103", "LOGIN_OTP", "333333");

    JsonArray messages = outbox("13900000102");
    assertEquals(2, messages.size());
    assertEquals(second, messages.getJsonObject(0).getString("messageId"));
    assertEquals(first, messages.getJsonObject(1).getString("messageId"));
    assertTrue(messages.getJsonObject(1).getString("text").contains("敏感操作，验证码为111111"));
    assertEquals(0, outbox("13900000104").size(), "a phone that was never texted has an empty outbox");
  }

  @Test
  void theOutboxKeepsThePhonesLastTwentyMessages() {
    for (int i = 0; i < 25; i++) {
      sent("13900000105", "LOGIN_OTP", String.format("%06d", i));
    }
    JsonArray messages = outbox("13900000105");
    assertEquals(20, messages.size());
    assertEquals("000024", messages.getJsonObject(0).getJsonObject("params").getString("code"));
    assertEquals("000005", messages.getJsonObject(19).getJsonObject("params").getString("code"));
  }

  @Test
  void theTextSaysHowLongTheCodeLivesWhenTheCallerSays() {
    HttpResponse<String> r = send(http, "13900000106", "LOGIN_OTP", new JsonObject().put("code", "4321").put("ttlMinutes", 3));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(outbox("13900000106").getJsonObject(0).getString("text").contains("验证码为4321，3分钟内有效"));
  }

  @Test
  void malformedMessagesAreRefusedAndNotSent() {
    assertEquals("UNKNOWN_TEMPLATE",
        error(send(http, "13900000107", "MARKETING", new JsonObject().put("code", "123456"))));
    assertEquals("BAD_PARAMS", error(send(http, "13900000107", "LOGIN_OTP", new JsonObject().put("code", "12ab"))));
    assertEquals("BAD_PARAMS", error(send(http, "13900000107", "LOGIN_OTP", new JsonObject())));
    assertEquals("BAD_PHONE", error(send(http, "2390000010", "LOGIN_OTP", new JsonObject().put("code", "123456"))));
    assertEquals(0, outbox("13900000107").size());
    assertEquals(400, http.get("/_sandbox/sms").statusCode(), "the outbox is read per phone");
  }

  /**
   * The demo's console is also the gateway's log stream (JSON lines on stdout): it announces each text as the
   * sandbox's SMS outbox, with the number masked and where to read it, but never holds the code itself.
   */
  @Test
  void inDemoModeTheConsoleAnnouncesTheOutboxButNeverShowsTheCode() throws Exception {
    PrintStream console = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    SandboxOptions demo = new SandboxOptions(0, 1L, 10, true, null);
    try (Sandbox printing = Sandbox.start(demo)) {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertEquals(200, send(new Http(printing.port()), "13800000001", "LOGIN_OTP",
          new JsonObject().put("code", "987654")).statusCode());
      Await.until("the console announces the text", Duration.ofSeconds(5),
          () -> captured.toString(StandardCharsets.UTF_8).contains("138****0001"));
      assertEquals(1, outbox(new Http(printing.port()), "13800000001").size(), "the text itself is in the outbox");
    } finally {
      System.setOut(console);
    }
    String line = captured.toString(StandardCharsets.UTF_8);
    assertTrue(line.contains("sandbox SMS outbox"), line);
    assertTrue(line.contains("/_sandbox/sms?phone="), "says where the text can be read: " + line);
    assertFalse(line.contains("987654"), "no code on the console: " + line);
    assertFalse(line.contains("13800000001"), "the full number stays off the console");
  }

  private static String error(HttpResponse<String> r) {
    assertEquals(400, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("error");
  }
}
