package io.yibao.gateway.ratelimit;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.ScriptKeys;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits follow the caller, not the address (issue 12): many signed-in residents behind one carrier-grade NAT
 * address are each limited as themselves, a resident over budget is refused from any address, a terminal over
 * budget does not stop its pharmacy's other counters, failed authentication (not traffic) exhausts an address,
 * and an authenticated read costs one Redis round trip. Client addresses come from X-Forwarded-For: the gateways
 * here trust 127.0.0.1 as their load balancer (the header values are only labels; nothing is sent to them).
 */
class CallerLimitsTest {

  static final String PROXY = "http.trustedProxies";

  static TestRedis redis;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  /** Phones of this test run only (the sandbox, and its SMS outbox, is shared by the whole suite). */
  static String phone(int base, int i) {
    return "147" + String.format("%08d", base + i);
  }

  static int phoneBase() {
    return ThreadLocalRandom.current().nextInt(0, 80_000_000);
  }

  static HttpResponse<String> from(Http http, String address, HttpRequest.Builder request) {
    return http.send(request.header("X-Forwarded-For", address).build());
  }

  static HttpResponse<String> me(Http http, Resident r, String address) {
    return from(http, address, r.request("/api/v1/me").GET());
  }

  static void assertRetryAfter(HttpResponse<String> r) {
    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
  }

  @Test
  void fiveHundredSignedInResidentsBehindOneAddressAreNotRefused() throws Exception {
    // The shipped budgets, as a carrier-grade NAT address meets them: every sign-in code, sign-in and request of
    // 500 residents comes from 127.0.0.1.
    // The shipped rate limits, but breakers and timeouts out of the way: 500 sign-ins at once on a busy CI machine
    // are slow SMS calls, and a 503 from them is not what this test is about.
    Map<String, String> patientCore = Map.of("core.defaults.breaker.minimumCalls", "10000",
        "core.defaults.breaker.slidingWindowSize", "10000", "core.defaults.timeoutMillis", "10000",
        "core.defaults.connectTimeoutMillis", "10000", "redis.commandTimeoutMillis", "10000");
    try (TestRedis own = TestRedis.started(); TestGateway gateway = TestGateway.withShippedLimits(own, patientCore)) {
      int base = phoneBase();
      ExecutorService pool = Executors.newFixedThreadPool(32);
      try {
        List<Future<Resident>> signingIn = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          String phone = phone(base, i);
          String device = "nat-phone-" + i;
          signingIn.add(pool.submit(() -> Resident.signIn(gateway.http(), phone, device)));
        }
        List<Resident> residents = new ArrayList<>();
        for (Future<Resident> f : signingIn) {
          residents.add(f.get(120, TimeUnit.SECONDS));
        }
        List<Future<int[]>> using = new ArrayList<>();
        for (Resident r : residents) {
          using.add(pool.submit(() -> new int[] {r.get("/api/v1/me").statusCode(),
              r.get("/api/v1/sessions").statusCode()}));
        }
        for (Future<int[]> f : using) {
          for (int status : f.get(120, TimeUnit.SECONDS)) {
            assertEquals(200, status, "a resident within their own budgets is served, whoever shares the address");
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aResidentOverBudgetIsRefusedFromEveryAddress() {
    // Low budgets (one token back per 15 minutes) so the test reaches them in a few requests; the phone asks for two
    // sign-in codes within a second (two devices), over the shipped one a minute.
    Map<String, String> low = Map.of(PROXY, "127.0.0.1", "identity.otp.perPhone.limit", "10",
        "rateLimits.perSession.limit", "4", "rateLimits.perSession.windowSeconds", "3600",
        "rateLimits.perAccount.limit", "6", "rateLimits.perAccount.windowSeconds", "3600");
    try (TestGateway gateway = TestGateway.start(redis, low)) {
      Http http = gateway.http();
      int base = phoneBase();
      Resident phoneA = Resident.signIn(http, phone(base, 1), "device-a");
      Resident tablet = Resident.signIn(http, phone(base, 1), "device-b");
      Resident neighbour = Resident.signIn(http, phone(base, 2), "device-n");

      for (int i = 0; i < 4; i++) {
        assertEquals(200, me(http, phoneA, "203.0.113." + (10 + i)).statusCode());
      }
      HttpResponse<String> overSession = me(http, phoneA, "198.51.100.77");
      assertProblem(overSession, 429, "RATE_LIMITED");
      assertRetryAfter(overSession);

      // The account's budget counts all its sessions: 4 + 2 = 6, then the other device is refused too.
      assertEquals(200, me(http, tablet, "203.0.113.30").statusCode());
      assertEquals(200, me(http, tablet, "203.0.113.31").statusCode());
      HttpResponse<String> overAccount = me(http, tablet, "198.51.100.78");
      assertProblem(overAccount, 429, "RATE_LIMITED");
      assertRetryAfter(overAccount);

      assertEquals(200, me(http, neighbour, "203.0.113.10").statusCode(),
          "another resident at the same address has budgets of their own");
    }
  }

  @Test
  void aTerminalOverBudgetDoesNotStopItsPharmacysOtherTerminals() {
    // Low budgets so the test reaches them in a few requests; both demo terminals belong to P11010500001.
    Map<String, String> low = Map.of(PROXY, "127.0.0.1",
        "rateLimits.perTerminal.limit", "5", "rateLimits.perTerminal.windowSeconds", "3600",
        "rateLimits.perPharmacy.limit", "8", "rateLimits.perPharmacy.windowSeconds", "3600");
    try (TestGateway gateway = TestGateway.start(redis, low); ScriptKeys keys = ScriptKeys.watch(redis)) {
      Http http = gateway.http();
      Pos counter1 = Pos.demo(http);
      Pos counter2 = new Pos(http, "T11010500001-02", Pos.DEMO_SECRET);
      String path = "/pos/v1/settlements/NoSuchSettlement000000"; // a well-formed id of no settlement: 404
      for (int i = 0; i < 5; i++) {
        assertEquals(404, counter1.send("GET", path, null, null).statusCode());
      }
      HttpResponse<String> over = counter1.send("GET", path, null, null);
      assertProblem(over, 429, "RATE_LIMITED");
      assertRetryAfter(over);

      for (int i = 0; i < 3; i++) {
        assertEquals(404, counter2.send("GET", path, null, null).statusCode(),
            "the pharmacy's other counter has a budget of its own");
      }
      assertProblem(counter2.send("GET", path, null, null), 429, "RATE_LIMITED");
      assertEquals(Collections.emptySet(), keys.undeclared(), "the nonce step declares every key it touches");
    }
  }

  @Test
  void fiftyFailedSignInsExhaustAnAddressWhileSignedInResidentsThereGoOn() {
    try (TestRedis own = TestRedis.started();
         TestGateway gateway = TestGateway.withShippedLimits(own, Map.of(PROXY, "127.0.0.1"))) {
      Http http = gateway.http();
      int base = phoneBase();
      Resident signedIn = Resident.signIn(http, phone(base, 0), "signed-in-phone");
      for (int i = 1; i <= 50; i++) {
        // Each a different phone, so the per-phone budget of failed sign-ins is not what refuses.
        HttpResponse<String> failed = http.postJson("/api/v1/auth/login", new JsonObject()
            .put("phone", phone(base, i)).put("otp", "000000").put("deviceId", "guessing-device-" + i)
            .put("deviceName", "guessing").encode());
        assertProblem(failed, 401, "OTP_INVALID");
      }
      HttpResponse<String> exhausted = Resident.requestCode(http, phone(base, 99));
      assertProblem(exhausted, 429, "RATE_LIMITED");
      assertRetryAfter(exhausted);
      assertProblem(http.postJson("/api/v1/auth/login", new JsonObject().put("phone", phone(base, 98))
          .put("otp", "000000").put("deviceId", "guessing-device").put("deviceName", "guessing").encode()), 429, "RATE_LIMITED");

      assertEquals(200, signedIn.get("/api/v1/me").statusCode(), "signed-in residents at the address still work");
      assertEquals(202, from(http, "203.0.113.50", http.request("/api/v1/auth/otp")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("phone", phone(base, 97)).encode())))
          .statusCode(), "another address is not affected");
    }
  }

  @Test
  void forgedAccessTokensAreFailedAuthenticationForTheAddress() {
    try (TestRedis own = TestRedis.started();
         TestGateway gateway = TestGateway.withShippedLimits(own, Map.of(PROXY, "127.0.0.1"))) {
      Http http = gateway.http();
      String forger = "198.51.100.66";
      for (int i = 0; i < 50; i++) {
        assertProblem(from(http, forger, http.request("/api/v1/me").header("Authorization", "Bearer forged-" + i)
            .GET()), 401, "UNAUTHENTICATED");
      }
      assertProblem(from(http, forger, http.request("/api/v1/me").header("Authorization", "Bearer forged")
          .GET()), 429, "RATE_LIMITED");
      HttpResponse<String> code = from(http, forger, http.request("/api/v1/auth/otp")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("phone", phone(phoneBase(), 1)).encode())));
      assertProblem(code, 429, "RATE_LIMITED");
    }
  }

  @Test
  void requestsWithoutACredentialAreNotFailedAuthentication() {
    // A signed-out app still asking for /me presents nothing to guess with: behind one NAT address, hundreds of
    // such requests must not lock the address's sign-ins, as 50 forged tokens do.
    try (TestRedis own = TestRedis.started();
         TestGateway gateway = TestGateway.withShippedLimits(own, Map.of(PROXY, "127.0.0.1"))) {
      Http http = gateway.http();
      String nat = "198.51.100.67";
      for (int i = 0; i < 200; i++) {
        assertProblem(from(http, nat, http.request("/api/v1/me").GET()), 401, "UNAUTHENTICATED");
      }
      assertEquals(202, from(http, nat, http.request("/api/v1/auth/otp")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("phone", phone(phoneBase(), 2)).encode())))
          .statusCode(), "the address may still ask for sign-in codes");
    }
  }

  @Test
  void aStepUpCodeSpendsTheResidentsBudgetsNotTheAddresss() {
    // The address may ask for one sign-in code an hour, so that the test reaches that budget at once.
    try (TestRedis own = TestRedis.started();
         TestGateway gateway = TestGateway.start(own, Map.of("identity.otp.perClientAddress.limit", "1",
             "identity.otp.perClientAddress.windowSeconds", "3600"))) {
      io.yibao.sandbox.registry.Registry registry = io.yibao.gateway.testing.TestSandbox.shared().world().registry();
      io.yibao.sandbox.registry.Person person = registry.psnNos().stream().map(registry::person)
          .filter(p -> p.mobile() != null && "ACTIVE".equals(p.status()))
          .skip(ThreadLocalRandom.current().nextInt(50, 500)).findFirst().orElseThrow();
      int base = phoneBase();
      Resident r = Resident.signIn(gateway.http(), phone(base, 1), "step-up-phone").bind(person);
      assertProblem(Resident.requestCode(gateway.http(), phone(base, 2)), 429, "RATE_LIMITED");
      HttpResponse<String> stepUpCode = r.post("/api/v1/auth/step-up/otp");
      assertEquals(202, stepUpCode.statusCode(), stepUpCode.body());
    }
  }

  @Test
  void theFloodGuardRefusesAnAddressWithoutAskingRedis() {
    // A ceiling of 3 so that the test reaches it; the Redis budgets are raised (TestGateway.start) and stay clear.
    try (TestGateway gateway = TestGateway.start(redis, Map.of(PROXY, "127.0.0.1",
        "rateLimits.floodGuardPerClientAddress.limit", "3",
        "rateLimits.floodGuardPerClientAddress.windowSeconds", "3600"))) {
      Http http = gateway.http();
      for (int i = 0; i < 3; i++) {
        assertEquals(200, from(http, "198.51.100.90", http.request("/openapi.yaml").GET()).statusCode());
      }
      HttpResponse<String> flood = from(http, "198.51.100.90", http.request("/openapi.yaml").GET());
      assertProblem(flood, 429, "RATE_LIMITED");
      assertRetryAfter(flood);
      assertEquals(200, from(http, "198.51.100.91", http.request("/openapi.yaml").GET()).statusCode());
      assertEquals(200, from(http, "198.51.100.90", http.request("/health/live").GET()).statusCode(),
          "health checks are never limited");
    }
  }

  @Test
  void anAuthenticatedReadIsOneRedisRoundTrip() throws Exception {
    try (TestRedis own = TestRedis.started(); TestGateway gateway = TestGateway.start(own)) {
      Resident r = Resident.signIn(gateway.http(), phone(phoneBase(), 1), "one-trip-phone");
      assertEquals(200, r.get("/api/v1/me").statusCode()); // loads the scripts: the first call of one is two
      try (Monitor monitor = new Monitor(own)) {
        monitor.mark("before");
        assertEquals(200, r.get("/api/v1/me").statusCode());
        monitor.mark("after");
        List<String> sent = monitor.clientCommandsBetween("before", "after");
        assertEquals(1, sent.size(), "GET /api/v1/me sent " + sent);
        assertTrue(sent.get(0).toLowerCase().contains("\"evalsha\"") && sent.get(0).contains(":sess:"),
            "the one command is the session script: " + sent.get(0));
      }
    }
  }

  /**
   * What clients sent to a test Redis, seen with MONITOR. The gateway's background loops (the work queues: settlement
   * recovery, the contribution outbox) poll Redis all the time, so they are left out by their keys; everything else
   * counts, Lua's own commands aside (they run inside the one call).
   */
  static final class Monitor implements AutoCloseable {

    private final TestRedis redis;
    private final Socket socket;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    Monitor(TestRedis redis) throws IOException {
      this.redis = redis;
      this.socket = new Socket("127.0.0.1", redis.port());
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.ISO_8859_1));
      if (!"+OK".equals(in.readLine())) {
        throw new IllegalStateException("MONITOR refused");
      }
      Thread reader = new Thread(() -> {
        try {
          String line;
          while ((line = in.readLine()) != null) {
            lines.add(line);
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "redis-monitor");
      reader.setDaemon(true);
      reader.start();
    }

    /** Sends a marker and waits until the monitor has seen it: everything sent before it has been seen too. */
    void mark(String name) {
      redis.command("ECHO", "mark-" + name);
      Await.until("the monitor to see " + name, Duration.ofSeconds(5), () -> index("mark-" + name) >= 0);
    }

    private int index(String marker) {
      synchronized (lines) {
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains(marker)) {
            return i;
          }
        }
        return -1;
      }
    }

    List<String> clientCommandsBetween(String from, String to) {
      int start = index("mark-" + from);
      int end = index("mark-" + to);
      List<String> out = new ArrayList<>();
      synchronized (lines) {
        for (String line : lines.subList(start + 1, end)) {
          if (!line.contains(" lua] ") && !line.contains("{queue:")) {
            out.add(line);
          }
        }
      }
      return out;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
