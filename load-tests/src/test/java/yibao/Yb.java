package yibao;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the simulations share: properties, the people feeder, sign-in through the real OTP flow, real-name binding,
 * activation with a face token, and requests signed exactly as a pharmacy terminal signs them (README, "Pharmacy
 * terminals"). Requests to the sandbox are named "sandbox: ..." so they can be told apart in the report.
 */
final class Yb {

  private Yb() {
  }

  static final String GATEWAY = System.getProperty("gateway", "http://127.0.0.1:8080");
  static final String SANDBOX = System.getProperty("sandbox", "http://127.0.0.1:8090");

  static int intProp(String name, int def) {
    return Integer.getInteger(name, def);
  }

  static Duration seconds(String name, int def) {
    return Duration.ofSeconds(intProp(name, def));
  }

  static Duration millis(String name, int def) {
    return Duration.ofMillis(intProp(name, def));
  }

  /** p99 bound (ms) and failed-request bound (%), overridable per run with -Dp99Ms and -DmaxFailedPct. */
  static int p99Ms(int def) {
    return intProp("p99Ms", def);
  }

  static double maxFailedPct(double def) {
    return Double.parseDouble(System.getProperty("maxFailedPct", Double.toString(def)));
  }

  static HttpProtocolBuilder protocol() {
    return http.baseUrl(GATEWAY)
        .acceptHeader("application/json")
        .userAgentHeader("yibao-gatling")
        .shareConnections(); // a pool of keep-alive connections, like a fleet of apps behind a few NATs
  }

  /**
   * psnNos of the seeded sandbox population (Population.person: "11" + %018d of 1000 + index), from index
   * {@code -DfirstIndex} (each simulation has its own default range so runs do not collide), one per virtual user
   * and attempt. Persons are looked up in the scenario; those without a mobile (children) are skipped.
   */
  static Iterator<Map<String, Object>> people(int defaultFirstIndex) {
    AtomicLong next = new AtomicLong(intProp("firstIndex", defaultFirstIndex));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        long index = next.getAndIncrement();
        Map<String, Object> m = new HashMap<>();
        m.put("psnNo", "11" + String.format("%018d", 1000L + index));
        return m;
      }
    };
  }

  /**
   * Takes people from the feeder until one has a mobile (and, with {@code residentsOnly}, insuType 390): saves
   * psnNo, phone, name, idNumber, insuType. Gives up after 20 tries (the user then stops, counted as failed).
   */
  static ChainBuilder findPerson(Iterator<Map<String, Object>> feeder, boolean residentsOnly) {
    return exec(s -> s.set("found", false).set("lookups", 0))
        .asLongAs(s -> !s.getBoolean("found") && s.getInt("lookups") < 20).on(
            exec(s -> s.remove("phone").set("lookups", s.getInt("lookups") + 1))
                .feed(feeder)
                .exec(http("sandbox: registry person").get(SANDBOX + "/registry/persons/#{psnNo}")
                    .check(status().is(200))
                    .check(jsonPath("$.name").saveAs("name"))
                    .check(jsonPath("$.idNumber").saveAs("idNumber"))
                    .check(jsonPath("$.insuType").saveAs("insuType"))
                    .check(regex("\"mobile\":\"(1[0-9]{10})\"").optional().saveAs("phone")))
                .exec(s -> s.set("found", s.contains("phone")
                    && (!residentsOnly || "390".equals(s.getString("insuType"))))))
        .exitHereIf(s -> !s.getBoolean("found"));
  }

  /** POST /api/v1/auth/otp, the code from the sandbox's SMS outbox (newest first), POST /api/v1/auth/login. */
  static ChainBuilder signIn() {
    return exec(http("otp").post("/api/v1/auth/otp").body(StringBody("{\"phone\":\"#{phone}\"}")).asJson()
            .check(status().is(202)))
        .exec(http("sandbox: sms outbox").get(SANDBOX + "/_sandbox/sms").queryParam("phone", "#{phone}")
            .check(status().is(200))
            .check(jsonPath("$.messages[?(@.template == 'LOGIN_OTP')].params.code").saveAs("otp")))
        .exec(http("login").post("/api/v1/auth/login")
            .body(StringBody("{\"phone\":\"#{phone}\",\"otp\":\"#{otp}\",\"deviceId\":\"gatling-#{psnNo}\","
                + "\"deviceName\":\"Gatling\"}")).asJson()
            .check(status().is(200))
            .check(jsonPath("$.accessToken").saveAs("token")))
        .exitHereIfFailed();
  }

  static HttpRequestActionBuilder authed(HttpRequestActionBuilder request) {
    return request.header("Authorization", "Bearer #{token}");
  }

  /** A face token from the sandbox's face SDK, then POST /api/v1/me/real-name with the registry's name and ID number. */
  static ChainBuilder bindRealName() {
    return exec(http("sandbox: face token").post(SANDBOX + "/_sandbox/identity/face")
            .body(StringBody("{\"psnNo\":\"#{psnNo}\"}")).asJson()
            .check(status().is(200))
            .check(jsonPath("$.faceToken").saveAs("faceToken")))
        .exec(authed(http("bind real name").post("/api/v1/me/real-name")
            .body(StringBody("{\"name\":\"#{name}\",\"idNumber\":\"#{idNumber}\",\"faceToken\":\"#{faceToken}\"}")).asJson()
            .check(status().is(200))
            .check(jsonPath("$.realNameBound").is("true"))))
        .exitHereIfFailed();
  }

  /** A face token from the sandbox's face SDK, then POST /api/v1/insurance-code/activation. */
  static ChainBuilder activate() {
    return exec(http("sandbox: face token").post(SANDBOX + "/_sandbox/identity/face")
            .body(StringBody("{\"psnNo\":\"#{psnNo}\"}")).asJson()
            .check(status().is(200))
            .check(jsonPath("$.faceToken").saveAs("faceToken")))
        .exec(authed(http("activate code").post("/api/v1/insurance-code/activation")
            .body(StringBody("{\"faceToken\":\"#{faceToken}\"}")).asJson()
            .check(status().is(200))))
        .exitHereIfFailed();
  }

  /** POST /api/v1/insurance-code: a fresh code, saved as "code". */
  static HttpRequestActionBuilder issueCode() {
    return authed(http("issue code").post("/api/v1/insurance-code")
        .check(status().is(201))
        .check(jsonPath("$.code").saveAs("code")));
  }

  // ---- pharmacy terminals -------------------------------------------------------------------------------------

  static final List<String> TERMINALS = List.of(
      System.getProperty("terminals", "T11010500001-01,T11010500001-02").split(","));
  static final String TERMINAL_SECRET =
      System.getProperty("terminalSecret", "DEMO-ONLY-terminal-secret-T11010500001-01");

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String hmacSha256Hex(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Signs the next terminal request: stores posBody (the exact bytes sent), posTerminal, posTs, posNonce, posSig.
   * string_to_sign = METHOD\nPATH_WITH_QUERY\nX-Timestamp\nX-Nonce\nhex(SHA-256(body)).
   */
  static Session sign(Session s, String method, String pathWithQuery, String body) {
    String terminal = TERMINALS.get((int) (s.userId() % TERMINALS.size()));
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    byte[] nonceBytes = new byte[12];
    ThreadLocalRandom.current().nextBytes(nonceBytes);
    String nonce = HexFormat.of().formatHex(nonceBytes);
    String bodyHash = sha256Hex(body.getBytes(StandardCharsets.UTF_8));
    String sig = hmacSha256Hex(TERMINAL_SECRET,
        method + "\n" + pathWithQuery + "\n" + ts + "\n" + nonce + "\n" + bodyHash);
    return s.set("posBody", body).set("posTerminal", terminal).set("posTs", ts).set("posNonce", nonce)
        .set("posSig", sig);
  }

  /** A signed POST with the body prepared by {@link #sign}. */
  static HttpRequestActionBuilder posPost(String name, String path) {
    return posPost(s -> name, path);
  }

  /** The same, named per request (the name is evaluated when the request is sent). */
  static HttpRequestActionBuilder posPost(java.util.function.Function<Session, String> name, String path) {
    return http(name).post(path)
        .header("X-Terminal-Id", "#{posTerminal}")
        .header("X-Timestamp", "#{posTs}")
        .header("X-Nonce", "#{posNonce}")
        .header("X-Signature", "#{posSig}")
        .body(ByteArrayBody(s -> s.getString("posBody").getBytes(StandardCharsets.UTF_8)))
        .asJson();
  }

  static String purchase(Session s) {
    return "{\"visitToken\":\"" + s.getString("visitToken") + "\",\"useAccount\":false,\"items\":[{\"catalogCode\":"
        + "\"XA02BCA211A001010101467\",\"quantity\":1,\"unitPriceFen\":2180}]}";
  }

  static String idempotencyKey() {
    return UUID.randomUUID().toString();
  }

  /** Resolve the current "code" at a terminal (→ visitToken) and preview the purchase; statuses as given. */
  static ChainBuilder resolveAndPreview(Integer... previewStatuses) {
    return exec(s -> sign(s, "POST", "/pos/v1/codes/resolve", "{\"code\":\"" + s.getString("code") + "\"}"))
        .exec(posPost("pos: resolve code", "/pos/v1/codes/resolve")
            .check(status().is(200))
            .check(jsonPath("$.visitToken").saveAs("visitToken")))
        .exec(s -> sign(s, "POST", "/pos/v1/settlements/preview", purchase(s)))
        .exec(posPost("pos: preview", "/pos/v1/settlements/preview")
            .check(status().in(previewStatuses)));
  }

  /** Settle with a fresh Idempotency-Key, expecting 201; saves "settleHttp", "settleStatus", "settleProblem". */
  static ChainBuilder settle() {
    return settle(settleRequest().check(status().is(201)).check(jsonPath("$.status").is("SETTLED")));
  }

  /**
   * A settle request (not yet checked for status) named by {@code name}, so that one simulation can tell apart
   * the settles sent while the core is healthy, hanging or recovering; saves "settleHttp", "settleStatus",
   * "settleProblem". The body and signature come from {@link #sign}, the key from the session's "idemKey".
   */
  static HttpRequestActionBuilder settleRequest(java.util.function.Function<Session, String> name) {
    return posPost(name, "/pos/v1/settlements")
        .header("Idempotency-Key", "#{idemKey}")
        .check(status().saveAs("settleHttp"))
        .check(jsonPath("$.code").optional().saveAs("settleProblem"))
        .check(jsonPath("$.status").optional().saveAs("settleStatus"));
  }

  private static HttpRequestActionBuilder settleRequest() {
    return settleRequest(s -> "pos: settle");
  }

  static ChainBuilder settle(HttpRequestActionBuilder request) {
    return exec(s -> sign(s, "POST", "/pos/v1/settlements", purchase(s)).set("idemKey", idempotencyKey())
            .remove("settleProblem").remove("settleStatus"))
        .exec(request);
  }

  /** The benefit year whose contributions are being collected now: next year in Asia/Shanghai. */
  static int nextYear() {
    return LocalDate.now(ZoneId.of("Asia/Shanghai")).getYear() + 1;
  }
}
