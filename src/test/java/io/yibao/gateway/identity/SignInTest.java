package io.yibao.gateway.identity;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SMS-code sign-in with the default limits: codes work once, die after five wrong tries, one per minute. */
class SignInTest {

  static TestRedis redis;
  static TestGateway gateway;
  static Http http;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of());
    http = gateway.http();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  static int phones = 0;

  /** A fresh phone number per test (sandbox population numbers start with 139). */
  static synchronized String newPhone() {
    return "1370000" + String.format("%04d", ++phones);
  }

  static HttpResponse<String> login(String phone, String code, String device) {
    return loginOn(http, phone, code, device);
  }

  static HttpResponse<String> loginOn(Http http, String phone, String code, String device) {
    return http.postJson("/api/v1/auth/login", new JsonObject().put("phone", phone).put("otp", code)
        .put("deviceId", device).put("deviceName", "phone").encode());
  }

  @Test
  void codeSignsInOnceAndGivesTokens() {
    String phone = newPhone();
    HttpResponse<String> sent = Resident.requestCode(http, phone);
    assertEquals(202, sent.statusCode());
    assertEquals(60, new JsonObject(sent.body()).getInteger("resendAfterSeconds"));
    String code = Resident.latestCode(phone);
    HttpResponse<String> ok = login(phone, code, "device-0001");
    assertEquals(200, ok.statusCode(), ok.body());
    JsonObject tokens = new JsonObject(ok.body());
    assertEquals(900, tokens.getInteger("expiresIn"));
    assertTrue(tokens.getString("accessToken").split("\\.").length == 3);
    assertProblem(login(phone, code, "device-0001"), 401, "OTP_INVALID");
  }

  @Test
  void unknownAndKnownNumbersGetTheSameAnswer() {
    HttpResponse<String> known = Resident.requestCode(http, "13800000004");
    HttpResponse<String> unknown = Resident.requestCode(http, newPhone());
    assertEquals(known.statusCode(), unknown.statusCode());
    assertEquals(new JsonObject(known.body()).fieldNames(), new JsonObject(unknown.body()).fieldNames());
  }

  @Test
  void onePerPhonePerMinute() {
    String phone = newPhone();
    assertEquals(202, Resident.requestCode(http, phone).statusCode());
    HttpResponse<String> again = Resident.requestCode(http, phone);
    assertProblem(again, 429, "RATE_LIMITED");
    long retryAfter = Long.parseLong(again.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 50 && retryAfter <= 60, "about a minute, got " + retryAfter);
  }

  @Test
  void codeDiesAfterFiveWrongTries() {
    String phone = newPhone();
    Resident.requestCode(http, phone);
    String code = Resident.latestCode(phone);
    String wrong = code.equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      assertProblem(login(phone, wrong, "device-0002"), 401, "OTP_INVALID");
    }
    assertProblem(login(phone, code, "device-0002"), 401, "OTP_INVALID");
  }

  @Test
  void refreshRotatesAndReuseEndsTheSession() {
    Resident r = Resident.signIn(http, newPhone(), "device-0004");
    String firstRefresh = r.refreshToken;
    HttpResponse<String> refreshed = http.postJson("/api/v1/auth/refresh",
        new JsonObject().put("refreshToken", firstRefresh).encode());
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    r.take(new JsonObject(refreshed.body()));
    assertNotEquals(firstRefresh, r.refreshToken);
    assertEquals(200, r.get("/api/v1/me").statusCode());

    HttpResponse<String> reused = http.postJson("/api/v1/auth/refresh",
        new JsonObject().put("refreshToken", firstRefresh).encode());
    assertProblem(reused, 401, "REFRESH_TOKEN_INVALID");
    assertProblem(r.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assertProblem(http.postJson("/api/v1/auth/refresh", new JsonObject().put("refreshToken", r.refreshToken).encode()),
        401, "REFRESH_TOKEN_INVALID");
  }

  @Test
  void badInputIsNamed() {
    assertEquals("phone", assertProblem(Resident.requestCode(http, "12345"), 400, "VALIDATION_FAILED")
        .getString("field"));
    assertEquals("otp", assertProblem(login(newPhone(), "12ab56", "device-0006"), 400, "VALIDATION_FAILED")
        .getString("field"));
  }
}
