package io.yibao.gateway.identity;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions across two gateway instances: revocation is seen at once everywhere, a resident only ever reaches
 * their own sessions, the device limit signs the oldest out, failed sign-ins lock a phone, and only tokens that
 * are ours, current, of this audience and of a known key get in.
 */
class SessionsTest {

  static final String OLD_KEY = "old rotated key, still listed, 32+ bytes long....";
  static final String NEW_KEY = "new current key, used for signing, 32+ bytes long..";
  static TestRedis redis;
  static TestGateway a;
  static TestGateway b;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    Map<String, String> config = new HashMap<>(Map.of(
        "identity.otp.perPhone.limit", "1000",
        "identity.otp.perPhoneDaily.limit", "1000",
        "identity.otp.perClientAddress.limit", "100000",
        "identity.failedLoginsPerPhone.limit", "3",
        "identity.sessions.maxDevices", "2"));
    config.put("security.residentTokenKeys.keys",
        new JsonObject().put("old", OLD_KEY).put("new", NEW_KEY).encode());
    config.put("security.residentTokenKeys.currentKid", "new");
    a = TestGateway.start(redis, config);
    b = TestGateway.start(redis, config);
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    redis.close();
  }

  static int phones = 0;

  static synchronized String newPhone() {
    return "1360000" + String.format("%04d", ++phones);
  }

  @Test
  void logoutOnOneInstanceRejectsAtOnceOnTheOther() {
    Resident onA = Resident.signIn(a.http(), newPhone(), "device-1001");
    Resident onB = onA.via(b.http());
    assertEquals(200, onB.get("/api/v1/me").statusCode());
    assertEquals(204, onA.post("/api/v1/auth/logout").statusCode());
    assertProblem(onB.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assertProblem(onA.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  }

  @Test
  void aResidentCannotSeeOrEndAnothersSessions() {
    Resident alice = Resident.signIn(a.http(), newPhone(), "device-alice-1");
    Resident bob = Resident.signIn(b.http(), newPhone(), "device-bob-01");
    JsonArray bobs = new JsonObject(bob.get("/api/v1/sessions").body()).getJsonArray("items");
    assertEquals(1, bobs.size());
    assertEquals(bob.sessionId, bobs.getJsonObject(0).getString("sessionId"));
    assertProblem(bob.delete("/api/v1/sessions/" + alice.sessionId), 404, "NOT_FOUND");
    assertEquals(200, alice.get("/api/v1/me").statusCode(), "Alice is still signed in");
    assertEquals(204, alice.delete("/api/v1/sessions/" + alice.sessionId).statusCode());
    assertProblem(alice.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  }

  @Test
  void oldestDeviceIsSignedOutPastTheLimit() {
    String phone = newPhone();
    Resident first = Resident.signIn(a.http(), phone, "device-first");
    Resident second = Resident.signIn(b.http(), phone, "device-second");
    assertEquals(200, first.get("/api/v1/me").statusCode());
    Resident third = Resident.signIn(a.http(), phone, "device-third");
    assertProblem(first.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assertEquals(200, second.get("/api/v1/me").statusCode());
    assertEquals(200, third.get("/api/v1/me").statusCode());
    JsonArray items = new JsonObject(third.get("/api/v1/sessions").body()).getJsonArray("items");
    assertEquals(2, items.size());
  }

  @Test
  void failedSignInsLockThePhone() {
    String phone = newPhone();
    Resident.requestCode(a.http(), phone);
    String code = Resident.latestCode(phone);
    String wrong = code.equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 3; i++) {
      assertProblem(SignInTest.loginOn(a.http(), phone, wrong, "device-lock"), 401, "OTP_INVALID");
    }
    HttpResponse<String> locked = SignInTest.loginOn(b.http(), phone, code, "device-lock");
    assertProblem(locked, 429, "RATE_LIMITED");
    assertTrue(locked.headers().firstValue("Retry-After").isPresent());
  }

  @Test
  void onlyValidCurrentTokensOfThisAudienceGetIn() {
    Resident r = Resident.signIn(a.http(), newPhone(), "device-tokens");
    io.jsonwebtoken.Claims claims = Jwts.parser().verifyWith(Keys.hmacShaKeyFor(NEW_KEY.getBytes(StandardCharsets.UTF_8)))
        .build().parseSignedClaims(r.accessToken).getPayload();
    String account = claims.getSubject();
    String sid = claims.get("sid", String.class);

    assertEquals(200, withToken(r, sign(OLD_KEY, "old", "resident", account, sid, 600)).statusCode(),
        "a token of the previous, still listed key works until it expires");
    assertProblem(withToken(r, sign(NEW_KEY, "new", "resident", account, sid, -60)), 401, "UNAUTHENTICATED");
    assertProblem(withToken(r, sign(NEW_KEY, "new", "staff", account, sid, 600)), 401, "UNAUTHENTICATED");
    assertProblem(withToken(r, sign(NEW_KEY, "gone", "resident", account, sid, 600)), 401, "UNAUTHENTICATED");
    assertProblem(withToken(r, sign("an attacker's own key of 32+ bytes length..", "new", "resident", account, sid, 600)),
        401, "UNAUTHENTICATED");
    String forged = r.accessToken.substring(0, r.accessToken.length() - 4) + "AAAA";
    assertProblem(withToken(r, forged), 401, "UNAUTHENTICATED");
    assertProblem(withToken(r, "not-a-jwt"), 401, "UNAUTHENTICATED");
    HttpResponse<String> none = a.http().get("/api/v1/me");
    assertProblem(none, 401, "UNAUTHENTICATED");
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
  }

  static String sign(String key, String kid, String audience, String account, String sid, long ttlSeconds) {
    Instant now = Instant.now();
    return Jwts.builder().header().keyId(kid).and().subject(account).claim("sid", sid).audience().add(audience).and()
        .issuedAt(Date.from(now.minusSeconds(120))).expiration(Date.from(now.plusSeconds(ttlSeconds))).id("t" + now)
        .signWith(Keys.hmacShaKeyFor(key.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
  }

  static HttpResponse<String> withToken(Resident r, String token) {
    Http http = a.http();
    return http.send(http.request("/api/v1/me").header("Authorization", "Bearer " + token).GET().build());
  }
}
