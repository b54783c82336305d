package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.yibao.gateway.testing.Await.await;
import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed terminal requests through the gateway's router: what a correctly signed request looks like, and every
 * way a request is refused (401 with WWW-Authenticate) — forged, tampered, stale, replayed, unknown, disabled.
 */
class TerminalAuthHandlerTest {

  static final String PHARMACY = "P11010500001";
  static final String PATH = "/pos/v1/echo";
  static final byte[] BODY = "{\"amountFen\":100}".getBytes(StandardCharsets.UTF_8);
  static final AtomicInteger IDS = new AtomicInteger();

  static TestRedis redis;
  static PosEchoServer server;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    server = PosEchoServer.start(redis, Terminals.CACHE_TTL);
  }

  @AfterAll
  static void stop() {
    server.close();
    redis.close();
  }

  /** A new terminal registered with a fresh secret: {id, secret}. */
  static String[] newTerminal() {
    String id = "T-AUTH-" + IDS.incrementAndGet();
    String secret = await(server.terminals.issue(id, PHARMACY));
    return new String[] {id, secret};
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static void assertRefused(HttpResponse<String> r, String detail) {
    JsonObject problem = assertProblem(r, 401, "UNAUTHENTICATED");
    assertEquals(detail, problem.getString("detail"));
    assertEquals("YB-HMAC-SHA256", r.headers().firstValue("WWW-Authenticate").orElseThrow());
  }

  @Test
  void signedRequestWithBodyPassesAndNamesTheTerminal() {
    String[] t = newTerminal();
    HttpResponse<String> r = server.signed(t[0], t[1], "POST", PATH, BODY);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(t[0], body.getString("terminalId"));
    assertEquals(PHARMACY, body.getString("fixmedinsCode"));
  }

  @Test
  void signedRequestWithoutBodyPasses() {
    String[] t = newTerminal();
    assertEquals(200, server.signed(t[0], t[1], "POST", PATH, null).statusCode());
  }

  @Test
  void signedRequestWithQueryStringPasses() {
    String[] t = newTerminal();
    String target = PATH + "?q=a%20b&x=1";
    HttpResponse<String> r = server.signed(t[0], t[1], "POST", target, BODY);
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void timestampWithinTheSkewPassesEitherWay() {
    String[] t = newTerminal();
    for (long offset : new long[] {-290, 290}) {
      Map<String, String> h = TerminalSignature.headers(t[0], t[1], "POST", PATH, now() + offset,
          TerminalSignature.newNonce(), BODY);
      assertEquals(200, server.send("POST", PATH, h, BODY).statusCode(), "offset " + offset);
    }
  }

  @Test
  void timestampMoreThanTheSkewOffIsRefusedEitherWay() {
    String[] t = newTerminal();
    for (long offset : new long[] {-301, 301}) {
      Map<String, String> h = TerminalSignature.headers(t[0], t[1], "POST", PATH, now() + offset,
          TerminalSignature.newNonce(), BODY);
      JsonObject p = assertProblem(server.send("POST", PATH, h, BODY), 401, "UNAUTHENTICATED");
      assertTrue(p.getString("detail").contains("X-Timestamp"), p.encode());
    }
  }

  @Test
  void wrongSignatureIsRefused() {
    String[] t = newTerminal();
    Map<String, String> h = TerminalSignature.headers(t[0], "not-the-secret-of-this-terminal", "POST", PATH, BODY);
    assertRefused(server.send("POST", PATH, h, BODY), TerminalAuthHandler.BAD_SIGNATURE);
  }

  @Test
  void tamperedBodyIsRefused() {
    String[] t = newTerminal();
    Map<String, String> h = TerminalSignature.headers(t[0], t[1], "POST", PATH, BODY);
    byte[] tampered = "{\"amountFen\":1}".getBytes(StandardCharsets.UTF_8);
    assertRefused(server.send("POST", PATH, h, tampered), TerminalAuthHandler.BAD_SIGNATURE);
    // A signed body dropped on the way is tampering too.
    Map<String, String> h2 = TerminalSignature.headers(t[0], t[1], "POST", PATH, BODY);
    assertRefused(server.send("POST", PATH, h2, null), TerminalAuthHandler.BAD_SIGNATURE);
  }

  @Test
  void tamperedPathOrQueryIsRefused() {
    String[] t = newTerminal();
    Map<String, String> signedForOther = TerminalSignature.headers(t[0], t[1], "POST", "/pos/v1/other", BODY);
    assertRefused(server.send("POST", PATH, signedForOther, BODY), TerminalAuthHandler.BAD_SIGNATURE);
    Map<String, String> signedForQ1 = TerminalSignature.headers(t[0], t[1], "POST", PATH + "?q=1", BODY);
    assertRefused(server.send("POST", PATH + "?q=2", signedForQ1, BODY), TerminalAuthHandler.BAD_SIGNATURE);
    Map<String, String> signedWithoutQuery = TerminalSignature.headers(t[0], t[1], "POST", PATH, BODY);
    assertRefused(server.send("POST", PATH + "?q=1", signedWithoutQuery, BODY), TerminalAuthHandler.BAD_SIGNATURE);
  }

  @Test
  void tamperedTimestampIsRefused() {
    String[] t = newTerminal();
    Map<String, String> h = new HashMap<>(TerminalSignature.headers(t[0], t[1], "POST", PATH, BODY));
    h.put(TerminalSignature.TIMESTAMP, Long.toString(Long.parseLong(h.get(TerminalSignature.TIMESTAMP)) + 1));
    assertRefused(server.send("POST", PATH, h, BODY), TerminalAuthHandler.BAD_SIGNATURE);
  }

  @Test
  void reusedNonceIsRefused() {
    String[] t = newTerminal();
    Map<String, String> h = TerminalSignature.headers(t[0], t[1], "POST", PATH, BODY);
    assertEquals(200, server.send("POST", PATH, h, BODY).statusCode());
    assertRefused(server.send("POST", PATH, h, BODY), TerminalAuthHandler.REPLAYED);
    // The same nonce with a new timestamp (so a new signature) is still a replay.
    Map<String, String> again = TerminalSignature.headers(t[0], t[1], "POST", PATH, now() + 1,
        h.get(TerminalSignature.NONCE), BODY);
    assertRefused(server.send("POST", PATH, again, BODY), TerminalAuthHandler.REPLAYED);
  }

  @Test
  void noncesAreRememberedPerTerminalForTwiceTheSkew() {
    String[] a = newTerminal();
    String[] b = newTerminal();
    String nonce = TerminalSignature.newNonce();
    assertEquals(200, server.send("POST", PATH,
        TerminalSignature.headers(a[0], a[1], "POST", PATH, now(), nonce, BODY), BODY).statusCode());
    assertEquals(200, server.send("POST", PATH,
        TerminalSignature.headers(b[0], b[1], "POST", PATH, now(), nonce, BODY), BODY).statusCode());
    long pttl = await(server.redis.send(Command.PTTL, Terminals.nonceKey(new Terminal(a[0], PHARMACY), nonce))).toLong();
    assertTrue(pttl > 590_000 && pttl <= 600_000, "nonce kept 2 x 300 s, PTTL " + pttl);
  }

  @Test
  void badlySignedRequestsDoNotBurnTheNonce() {
    String[] t = newTerminal();
    String nonce = TerminalSignature.newNonce();
    long ts = now();
    Map<String, String> forged = TerminalSignature.headers(t[0], "guessed-secret-of-an-attacker", "POST", PATH, ts,
        nonce, BODY);
    assertRefused(server.send("POST", PATH, forged, BODY), TerminalAuthHandler.BAD_SIGNATURE);
    Map<String, String> genuine = TerminalSignature.headers(t[0], t[1], "POST", PATH, ts, nonce, BODY);
    assertEquals(200, server.send("POST", PATH, genuine, BODY).statusCode());
  }

  @Test
  void unknownTerminalGetsTheSameAnswerAsAWrongSignature() {
    Map<String, String> h = TerminalSignature.headers("T-NEVER-REGISTERED", "some-secret-value-123", "POST", PATH, BODY);
    assertRefused(server.send("POST", PATH, h, BODY), TerminalAuthHandler.BAD_SIGNATURE);
  }

  @Test
  void disabledTerminalIsRefusedAtOnceOnTheInstanceThatDisabledIt() {
    String[] t = newTerminal();
    assertEquals(200, server.signed(t[0], t[1], "POST", PATH, BODY).statusCode());
    assertTrue(await(server.terminals.disable(t[0])));
    assertRefused(server.signed(t[0], t[1], "POST", PATH, BODY), TerminalAuthHandler.DISABLED);
    // Only a correctly signed request learns that the terminal is disabled.
    Map<String, String> forged = TerminalSignature.headers(t[0], "guessed-secret-of-an-attacker", "POST", PATH, BODY);
    assertRefused(server.send("POST", PATH, forged, BODY), TerminalAuthHandler.BAD_SIGNATURE);
  }

  @Test
  void terminalDisabledElsewhereIsRefusedOnceTheCacheExpires() {
    try (PosEchoServer other = PosEchoServer.start(redis, Duration.ofMillis(300))) {
      String[] t = newTerminal();
      assertEquals(200, other.signed(t[0], t[1], "POST", PATH, BODY).statusCode());
      // Disabled by another instance (or the admin command): this one notices within its cache period.
      assertTrue(await(server.terminals.disable(t[0])));
      Await.until("the other instance refuses the disabled terminal", Duration.ofSeconds(5),
          () -> other.signed(t[0], t[1], "POST", PATH, BODY).statusCode() == 401);
    }
  }

  @Test
  void missingOrMalformedHeadersAreRefused() {
    String[] t = newTerminal();
    Map<String, String> good = TerminalSignature.headers(t[0], t[1], "POST", PATH, BODY);
    assertRefused(server.send("POST", PATH, Map.of(), BODY), TerminalAuthHandler.MISSING);
    for (String header : good.keySet()) {
      Map<String, String> without = new LinkedHashMap<>(good);
      without.remove(header);
      assertRefused(server.send("POST", PATH, without, BODY), TerminalAuthHandler.MISSING);
    }
    Map<String, String> shortNonce = TerminalSignature.headers(t[0], t[1], "POST", PATH, now(), "short", BODY);
    assertRefused(server.send("POST", PATH, shortNonce, BODY), TerminalAuthHandler.MISSING);
    Map<String, String> badTimestamp = new LinkedHashMap<>(good);
    badTimestamp.put(TerminalSignature.TIMESTAMP, "2026-01-01T00:00:00Z");
    assertRefused(server.send("POST", PATH, badTimestamp, BODY), TerminalAuthHandler.MISSING);
    // The untouched request still works: none of the refusals above used its nonce.
    assertEquals(200, server.send("POST", PATH, good, BODY).statusCode());
  }

  @Test
  void secretsAreNotReadableInRedisAndRecordsArePermanent() {
    String[] t = newTerminal();
    Response all = await(server.redis.send(Command.HGETALL, Terminals.recordKey(t[0])));
    Map<String, String> record = new HashMap<>();
    for (String field : all.getKeys()) {
      record.put(field, all.get(field).toString());
    }
    assertEquals(java.util.Set.of("fixmedins", "secretEnc", "createdAt", "disabled"), record.keySet());
    assertEquals(PHARMACY, record.get("fixmedins"));
    assertEquals("0", record.get("disabled"));
    record.values().forEach(v -> assertFalse(v.contains(t[1]), "plaintext secret in Redis"));
    assertNotEquals(t[1], new String(java.util.Base64.getDecoder().decode(record.get("secretEnc")),
        StandardCharsets.ISO_8859_1));
    assertEquals(-1, await(server.redis.send(Command.TTL, Terminals.recordKey(t[0]))).toLong());
    // Registering again encrypts under a fresh IV: the same secret never gives the same ciphertext.
    TerminalSecretCipher cipher = new TerminalSecretCipher(PosEchoServer.TERMINAL_SECRET_KEY);
    assertNotEquals(cipher.encrypt(t[0], t[1]), cipher.encrypt(t[0], t[1]));
    assertEquals(t[1], cipher.decrypt(t[0], record.get("secretEnc")));
    // Bound to its terminal: the same ciphertext on another terminal's record does not decrypt.
    assertEquals(null, cipher.decrypt("T-SOMEONE-ELSE", record.get("secretEnc")));
  }

  @Test
  void anActiveTerminalIdCannotBeTakenButADisabledOneGetsANewSecret() {
    String[] t = newTerminal();
    assertThrows(Terminals.TerminalExistsException.class,
        () -> await(server.terminals.issue(t[0], "P11010500002")));
    assertEquals(200, server.signed(t[0], t[1], "POST", PATH, BODY).statusCode());
    assertTrue(await(server.terminals.disable(t[0])));
    String fresh = await(server.terminals.issue(t[0], PHARMACY));
    assertEquals(200, server.signed(t[0], fresh, "POST", PATH, BODY).statusCode());
    assertRefused(server.signed(t[0], t[1], "POST", PATH, BODY), TerminalAuthHandler.BAD_SIGNATURE);
  }

  @Test
  void demoTerminalsAreRegisteredWithTheConfiguredSecret() {
    String secret = "DEMO-ONLY-terminal-secret-for-this-test";
    await(server.terminals.registerDemoTerminals(
        Map.of("T-DEMO-01", "P11010500001", "T-DEMO-02", "P11010500009"), secret));
    // Registering again on the next start is fine (and keeps them usable).
    await(server.terminals.registerDemoTerminals(Map.of("T-DEMO-01", "P11010500001"), secret));
    assertEquals("P11010500001", new JsonObject(server.signed("T-DEMO-01", secret, "POST", PATH, BODY).body())
        .getString("fixmedinsCode"));
    assertEquals("P11010500009", new JsonObject(server.signed("T-DEMO-02", secret, "POST", PATH, null).body())
        .getString("fixmedinsCode"));
  }

  @Test
  void invalidRegistrationsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> await(server.terminals.issue("T_1", PHARMACY)));
    assertThrows(IllegalArgumentException.class,
        () -> await(server.terminals.issue("T-VALID-ID", "p11010500001")));
    assertThrows(IllegalArgumentException.class,
        () -> await(server.terminals.register("T-VALID-ID", PHARMACY, "short")));
    assertFalse(await(server.terminals.disable("T-NO-SUCH-TERMINAL")));
  }
}
