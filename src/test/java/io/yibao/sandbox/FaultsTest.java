package io.yibao.sandbox;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.TestSandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults do what they say to a request that carries a body: latency delays it and it is then handled normally
 * (before, the delay ran before the body was read, and the delayed write answered 500 without doing the work).
 */
class FaultsTest {

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  private static HttpResponse<String> sendSms(String phone) {
    return TestSandbox.http().postJson("/sms/messages", new JsonObject().put("phone", phone)
        .put("template", "LOGIN_OTP").put("params", new JsonObject().put("code", "246810")).encode());
  }

  @Test
  void aDelayedWriteIsHandledNormallyAfterTheDelay() {
    TestSandbox.fault("sms", new JsonObject().put("latencyMs", 150));
    long start = System.nanoTime();
    HttpResponse<String> r = sendSms("13711000003");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(new JsonObject(r.body()).getString("messageId").startsWith("SMS"), r.body());
    assertTrue(millis >= 150, "delayed: " + millis + " ms");
    JsonObject outbox = new JsonObject(TestSandbox.http().get("/_sandbox/sms?phone=13711000003").body());
    assertEquals(1, outbox.getJsonArray("messages").size(), "the work was done");
  }

  @Test
  void aRandomDelayToo() {
    TestSandbox.fault("sms", new JsonObject().put("latencyMs", 20).put("latencyMaxMs", 80));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = sendSms("13711000004");
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  @Test
  void anInjectedErrorAfterTheDelayIsStillAnError() {
    TestSandbox.fault("sms", new JsonObject().put("latencyMs", 30).put("errorRate", 1.0));
    HttpResponse<String> r = sendSms("13711000005");
    assertEquals(500, r.statusCode());
    assertEquals("INJECTED_FAULT", new JsonObject(r.body()).getString("error"));
  }
}
