package io.yibao.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.RawHttp;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import io.yibao.gateway.testing.TestSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test: read the contract at test time and, for every operation, send malformed variants
 * (fixed seed) to a running gateway, with valid credentials where the operation needs them (a signed-in, bound
 * resident; signed terminal requests; signed payment notifies), so that they get past authentication and reach
 * validation and the handlers. No answer may be a 5xx (a 503 would need a problem body and a genuinely unavailable
 * dependency: there is none here), and every answer that is not 2xx is {@code application/problem+json} with a
 * {@code code}. The decoder's own cases go over a raw socket.
 */
class ContractFuzzTest {

  static final long SEED = 20261202L;
  static final int VARIANTS_PER_OPERATION = 290;
  /** Run last: they end the resident's session or binding, which the other variants need. */
  static final List<String> DESTRUCTIVE = List.of("logout", "unbindRealName");

  static TestRedis redis;
  static TestGateway gateway;
  static Resident resident;
  static Pos pos;
  static PrivateKey platformKey;
  static Vertx vertx;
  static HttpClient client;

  /** One operation of the contract, as read from the YAML. */
  record Op(String method, String template, String id, List<JsonObject> parameters, JsonObject bodySchema,
            String security) {
  }

  /** One request to send. {@code auth} false: send it without (or with broken) credentials. */
  record Case(Op op, String method, String uri, Map<String, String> headers, byte[] body, boolean auth) {
  }

  /** What came back (status -1: no answer). */
  record Answer(Case sent, int status, String contentType, String body, long micros) {
  }

  @BeforeAll
  static void start() throws Exception {
    redis = TestRedis.started();
    // Limits, breakers and timeouts out of the way of 10 000 requests on a busy machine: this test is about
    // malformed input, and a 503 here must mean a bug, not a slow CI box.
    gateway = TestGateway.start(redis, Map.ofEntries(
        Map.entry("identity.otp.perPhone.limit", "1000000"),
        Map.entry("identity.otp.perPhoneDaily.limit", "1000000"),
        Map.entry("identity.otp.perClientAddress.limit", "1000000"),
        Map.entry("identity.failedLoginsPerPhone.limit", "1000000"),
        Map.entry("core.defaults.breaker.minimumCalls", "10000"),
        Map.entry("core.defaults.breaker.slidingWindowSize", "10000"),
        Map.entry("core.defaults.timeoutMillis", "10000"),
        Map.entry("core.defaults.connectTimeoutMillis", "10000"),
        Map.entry("core.settlement.timeoutMillis", "10000"),
        Map.entry("redis.commandTimeoutMillis", "10000")));
    Person person = TestSandbox.shared().world().registry().person(Personas.EMPLOYEE);
    resident = Resident.signIn(gateway.http(), person.mobile(), "fuzz-phone-01").bindAndActivate(person);
    pos = Pos.demo(gateway.http());
    platformKey = platformKey();
    vertx = Vertx.vertx();
    // A connection per request: with pooled keep-alive connections the client lost a few of the 11 000 requests in
    // full-suite runs (likely one sent on a connection the gateway was closing); what is tested is every answer,
    // not connection reuse.
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(gateway.port()).setKeepAlive(false).setIdleTimeout(30),
        new PoolOptions().setHttp1MaxSize(24));
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    gateway.close();
    redis.close();
  }

  @Test
  void tenThousandMalformedRequestsAcrossEveryOperationGetProblemsAndNoServerErrors() throws Exception {
    List<Op> ops = operations();
    assertTrue(ops.size() >= 30, "the contract's operations: " + ops.size());
    Random random = new Random(SEED);
    List<Case> cases = new ArrayList<>();
    List<Case> destructive = new ArrayList<>();
    for (Op op : ops) {
      List<Case> variants = new Variants(op, random).all();
      (DESTRUCTIVE.contains(op.id()) ? destructive : cases).addAll(variants);
    }
    long start = System.nanoTime();
    List<Answer> answers = new ArrayList<>(sendAll(cases));
    answers.addAll(sendAll(destructive));
    System.out.printf("contract fuzz: %d requests over %d operations in %d ms%n", answers.size(), ops.size(),
        (System.nanoTime() - start) / 1_000_000);
    Map<String, Long> slowest = new TreeMap<>();
    answers.forEach(a -> slowest.merge(a.sent().op().id(), a.micros(), Math::max));
    System.out.println("contract fuzz: slowest answer per operation (µs, queueing included) " + slowest);

    assertTrue(answers.size() >= 10_000, "at least 10 000 requests: " + answers.size());
    Map<String, Integer> perOperation = new TreeMap<>();
    answers.forEach(a -> perOperation.merge(a.sent().op().id(), 1, Integer::sum));
    ops.forEach(op -> assertTrue(perOperation.getOrDefault(op.id(), 0) >= 200, "variants of " + op.id()));

    List<String> wrong = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Answer a : answers) {
      statuses.merge(a.status(), 1, Integer::sum);
      String problem = problemCode(a);
      if (problem == null && a.sent().op().security().equals("wechatPay")) {
        // The payment channel's own protocol (documented in the contract): {"code":"FAIL","message":…} as JSON.
        problem = channelCode(a);
      }
      boolean fine;
      if (a.status() < 0) {
        fine = false;
      } else if (a.status() >= 500) {
        fine = a.status() == 503 && problem != null;
      } else {
        fine = a.status() < 300 || problem != null;
      }
      if (!fine && wrong.size() < 20) {
        wrong.add(a.status() + " " + a.sent().method() + " " + abbreviate(a.sent().uri()) + " "
            + a.sent().headers().keySet() + " body=" + abbreviate(new String(a.sent().body(), StandardCharsets.UTF_8))
            + " → " + a.contentType() + " " + abbreviate(a.body()));
      }
    }
    List<String> unavailable = answers.stream().filter(a -> a.status() == 503)
        .map(a -> a.sent().op().id() + " " + problemDetail(a)).toList();
    assertEquals(List.of(), wrong, "statuses " + statuses);
    assertEquals(List.of(), unavailable, "no dependency was down, so no 503: " + statuses);
  }

  @Test
  void whatOnlyARawSocketCanSendIsAnsweredWithAProblemToo() {
    String signedIn = "Authorization: Bearer " + resident.accessToken + "\r\n";
    List<String> requests = new ArrayList<>(List.of(
        "GET /health/live?" + "q".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /" + "p".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Large: " + "h".repeat(9000) + "\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\n" + "X-Many: v\r\n".repeat(1000) + "\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\n : empty name\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nBad\u0001Name: v\r\n\r\n",
        "GET\r\n\r\n",
        "\u0001\u0002GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n",
        "\u00ff\u00fe\r\n\r\n",
        "GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n",
        "GET /health/live FOO/1.1\r\nHost: x\r\n\r\n",
        "GET /health/live HTTP/1.x\r\nHost: x\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n",
        "POST /api/v1/auth/otp HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\n\r\n{}",
        "GET /api/v1/% HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/insurance-code/%u0041 HTTP/1.1\r\nHost: x\r\n" + signedIn + "\r\n",
        "GET /api/v1/settlements?page=% HTTP/1.1\r\nHost: x\r\n" + signedIn + "\r\n",
        "GET /api/v1/settlements?page=1&x=%zz HTTP/1.1\r\nHost: x\r\n" + signedIn + "\r\n",
        "GET /health/live?%=% HTTP/1.1\r\nHost: x\r\n\r\n",
        "BREW /health/live HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http://other.example/health/live HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health/live HTTP/1.1\r\n\r\n",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"));
    List<String> wrong = new ArrayList<>();
    for (String request : requests) {
      RawHttp.Answer a;
      try {
        a = RawHttp.send(gateway.port(), request.getBytes(StandardCharsets.ISO_8859_1));
      } catch (java.io.UncheckedIOException e) {
        wrong.add(abbreviate(request.replace("\r\n", "⏎")) + " → " + e.getCause());
        continue;
      }
      boolean fine = a.status() > 0 && a.status() < 500 && (a.status() < 300 || a.code() != null);
      if (!fine) {
        wrong.add(abbreviate(request.replace("\r\n", "⏎")) + " → " + a);
      }
    }
    // Broken chunk framing after a valid head (also with a Content-Length beside it, which the decoder drops): the
    // request is under way, so the server may answer or close, but never with a 5xx or a bare body.
    for (String broken : List.of("Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}\r\n\r\n")) {
      RawHttp.Answer chunked = RawHttp.send(gateway.port(), ("POST /api/v1/auth/otp HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/json\r\n" + broken).getBytes(StandardCharsets.ISO_8859_1));
      if (chunked.status() >= 0 && (chunked.status() >= 500 || chunked.code() == null)) {
        wrong.add("broken chunk → " + chunked);
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals(200, gateway.http().get("/health/live").statusCode(), "still answering");
  }

  // ---------------------------------------------------------------------------------------------------- sending

  /** Requests the test's client lost without any answer or timeout of its own, sent again once (see sendAll). */
  static final java.util.concurrent.atomic.AtomicInteger RESENT = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Sends every case, 24 connections at a time. A request whose future neither completes nor times out within 30 s
   * is sent once more on a connection of its own: on a loaded machine the Vert.x client has lost one such request
   * in a few runs (no access line, no request-timeout answer on the gateway: the gateway never received it, and
   * the client's idle and connect timeouts never fired). At most 3 may be resent; the answer to the resent one is
   * judged like any other.
   */
  static List<Answer> sendAll(List<Case> cases) throws Exception {
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    List<Future<Void>> all = new ArrayList<>();
    for (Case c : cases) {
      io.vertx.core.Promise<Answer> answered = io.vertx.core.Promise.promise();
      send(c, client).onComplete(r -> answered.tryComplete(r.result()));
      long watchdog = vertx.setTimer(30_000, t -> {
        if (!answered.future().isComplete()) {
          RESENT.incrementAndGet();
          System.err.println("contract fuzz: no answer and no timeout in 30 s, sent again: " + c.method() + " "
              + abbreviate(c.uri()));
          HttpClient fresh = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
              .setDefaultPort(gateway.port()).setKeepAlive(false));
          send(c, fresh).onComplete(r -> {
            answered.tryComplete(r.result());
            fresh.close();
          });
        }
      });
      all.add(answered.future().map(a -> {
        vertx.cancelTimer(watchdog);
        answers.add(a);
        return null;
      }));
    }
    Future.join(all).toCompletionStage().toCompletableFuture().exceptionally(x -> null).get(180, TimeUnit.SECONDS);
    assertTrue(RESENT.get() <= 3, "requests the client lost: " + RESENT.get());
    return new ArrayList<>(answers);
  }

  static Future<Answer> send(Case c, HttpClient client) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(c.method())).setURI(c.uri())
        .setIdleTimeout(20_000);
    Map<String, String> headers = new LinkedHashMap<>(c.headers());
    if (c.auth()) {
      authenticate(c, headers);
    }
    long start = System.nanoTime();
    return client.request(options).compose(request -> {
      headers.forEach(request::putHeader);
      return c.body().length == 0 && !c.headers().containsKey("Content-Type") ? request.send()
          : request.send(Buffer.buffer(c.body()));
    }).compose(response -> response.body().map(body -> new Answer(c, response.statusCode(),
        response.getHeader("Content-Type"), body.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1000)))
        .recover(failure -> Future.succeededFuture(new Answer(c, -1, null, String.valueOf(failure),
            (System.nanoTime() - start) / 1000)));
  }

  /** Credentials the operation needs, computed over exactly what is sent. */
  static void authenticate(Case c, Map<String, String> headers) {
    switch (c.op().security()) {
      case "residentBearer" -> headers.putIfAbsent("Authorization", "Bearer " + resident.accessToken);
      case "terminalSignature" -> {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = UUID.randomUUID().toString().replace("-", "");
        // putIfAbsent: a variant's own (odd) value of a header is kept, and fails authentication as it should
        headers.putIfAbsent("X-Terminal-Id", Pos.DEMO_TERMINAL);
        headers.putIfAbsent("X-Timestamp", timestamp);
        headers.putIfAbsent("X-Nonce", nonce);
        headers.putIfAbsent("X-Signature", Pos.sign(Pos.DEMO_SECRET, c.method(), c.uri(), timestamp, nonce, c.body()));
      }
      case "wechatPay" -> {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = UUID.randomUUID().toString().replace("-", "");
        headers.putIfAbsent("Wechatpay-Timestamp", timestamp);
        headers.putIfAbsent("Wechatpay-Nonce", nonce);
        headers.putIfAbsent("Wechatpay-Serial", "16D53225310CB032267BBA74CE360755190E6D3E");
        headers.putIfAbsent("Wechatpay-Signature", signNotify(headers.get("Wechatpay-Timestamp"),
            headers.get("Wechatpay-Nonce"), c.body()));
      }
      default -> { }
    }
  }

  // -------------------------------------------------------------------------------------------------- variants

  /** The malformed (and a few well-formed) requests of one operation. */
  static final class Variants {

    private final Op op;
    private final Random random;
    private final List<Case> out = new ArrayList<>();

    Variants(Op op, Random random) {
      this.op = op;
      this.random = random;
    }

    List<Case> all() {
      Map<String, String> path = new LinkedHashMap<>();
      Map<String, String> query = new LinkedHashMap<>();
      Map<String, String> headers = new LinkedHashMap<>();
      for (JsonObject p : op.parameters()) {
        String value = String.valueOf(Samples.valid(p.getJsonObject("schema"), random));
        switch (p.getString("in")) {
          case "path" -> path.put(p.getString("name"), value);
          case "query" -> query.put(p.getString("name"), value);
          case "header" -> headers.put(p.getString("name"), p.getString("name").equals("Idempotency-Key")
              ? UUID.randomUUID().toString() : value);
          default -> { }
        }
      }
      Object validBody = op.bodySchema() == null ? null : Samples.valid(op.bodySchema(), random);
      // the well-formed request, and the same without credentials
      add(path, query, headers, validBody, true);
      add(path, query, headers, validBody, false);

      for (JsonObject p : op.parameters()) {
        String name = p.getString("name");
        String in = p.getString("in");
        for (String bad : Samples.BAD_SCALARS) {
          Map<String, String> pp = new LinkedHashMap<>(path);
          Map<String, String> qq = new LinkedHashMap<>(query);
          Map<String, String> hh = new LinkedHashMap<>(headers);
          switch (in) {
            case "path" -> pp.put(name, bad);
            case "query" -> qq.put(name, bad);
            case "header" -> hh.put(name, Samples.headerSafe(bad));
            default -> { }
          }
          add(pp, qq, hh, validBody, true);
        }
        if (in.equals("query") || in.equals("header")) {
          Map<String, String> without = new LinkedHashMap<>(in.equals("query") ? query : headers);
          without.remove(name);
          add(path, in.equals("query") ? without : query, in.equals("header") ? without : headers, validBody, true);
        }
      }
      for (String raw : Samples.RAW_QUERIES) {
        out.add(new Case(op, op.method(), uri(path, Map.of()) + raw, withType(headers, validBody), bytes(validBody),
            true));
      }
      for (String raw : Samples.RAW_PATH_SUFFIXES) {
        out.add(new Case(op, op.method(), uri(path, Map.of()) + raw, withType(headers, validBody), bytes(validBody),
            true));
      }
      if (validBody instanceof JsonObject object) {
        mutateObject(path, query, headers, object, op.bodySchema());
      }
      if (op.security().equals("wechatPay")) {
        notifies(headers);
      }
      for (byte[] raw : Samples.rawBodies()) {
        out.add(new Case(op, op.method(), uri(path, query), withJson(headers), raw, true));
      }
      for (String type : Samples.CONTENT_TYPES) {
        Map<String, String> hh = new LinkedHashMap<>(headers);
        if (type != null) {
          hh.put("Content-Type", type);
        }
        out.add(new Case(op, op.method(), uri(path, query), hh,
            validBody == null ? "{\"a\":1}".getBytes(StandardCharsets.UTF_8) : bytes(validBody), true));
      }
      for (Map.Entry<String, String> h : Samples.ODD_HEADERS.entrySet()) {
        Map<String, String> hh = new LinkedHashMap<>(withType(headers, validBody));
        hh.put(h.getKey(), h.getValue());
        out.add(new Case(op, op.method(), uri(path, query), hh, bytes(validBody), true));
      }
      for (String method : List.of("PUT", "PATCH", "OPTIONS", op.method().equals("GET") ? "DELETE" : "GET")) {
        out.add(new Case(op, method, uri(path, query), withType(headers, validBody), bytes(validBody), true));
      }
      // seeded random combinations until the operation has its share
      while (out.size() < VARIANTS_PER_OPERATION) {
        Map<String, String> pp = new LinkedHashMap<>(path);
        Map<String, String> qq = new LinkedHashMap<>(query);
        pp.replaceAll((k, v) -> random.nextInt(3) == 0 ? pick(Samples.BAD_SCALARS) : v);
        qq.replaceAll((k, v) -> random.nextInt(2) == 0 ? pick(Samples.BAD_SCALARS) : v);
        if (random.nextInt(4) == 0) {
          qq.put(pick(Samples.BAD_SCALARS).replace("=", ""), pick(Samples.BAD_SCALARS));
        }
        Object body = validBody;
        if (validBody instanceof JsonObject object && op.bodySchema() != null) {
          body = object.copy();
          for (String field : new ArrayList<>(object.fieldNames())) {
            if (random.nextInt(3) == 0) {
              ((JsonObject) body).put(field, Samples.bad(random));
            }
          }
          if (random.nextInt(5) == 0) {
            ((JsonObject) body).put("extra" + random.nextInt(100), Samples.bad(random));
          }
        } else if (random.nextInt(2) == 0) {
          body = Samples.bad(random);
        }
        add(pp, qq, headers, body, random.nextInt(20) != 0);
      }
      return out;
    }

    private void mutateObject(Map<String, String> path, Map<String, String> query, Map<String, String> headers,
                              JsonObject valid, JsonObject schema) {
      JsonObject resolved = Samples.resolve(schema);
      for (String field : resolved.getJsonObject("properties", new JsonObject()).fieldNames()) {
        JsonObject without = valid.copy();
        without.remove(field);
        add(path, query, headers, without, true);
        for (int i = 0; i < 6; i++) {
          JsonObject changed = valid.copy();
          changed.put(field, Samples.bad(random));
          add(path, query, headers, changed, true);
        }
        JsonObject property = Samples.resolve(resolved.getJsonObject("properties").getJsonObject(field));
        if ("array".equals(property.getValue("type"))) {
          JsonArray many = new JsonArray();
          int max = property.getInteger("maxItems", 10);
          for (int i = 0; i <= max; i++) {
            many.add(Samples.valid(property.getJsonObject("items"), random));
          }
          add(path, query, headers, valid.copy().put(field, many), true);
          JsonArray huge = new JsonArray();
          for (int i = 0; i < 20_000; i++) {
            huge.add(i % 2);
          }
          add(path, query, headers, valid.copy().put(field, huge), true);
          if (Samples.resolve(property.getJsonObject("items")).containsKey("properties")) {
            JsonObject item = (JsonObject) Samples.valid(property.getJsonObject("items"), random);
            for (String inner : item.fieldNames()) {
              for (int i = 0; i < 3; i++) {
                JsonObject changed = valid.copy();
                changed.put(field, new JsonArray().add(item.copy().put(inner, Samples.bad(random))));
                add(path, query, headers, changed, true);
              }
            }
          }
        }
      }
      add(path, query, headers, valid.copy().put("unknownField", "x"), true);
      add(path, query, headers, valid.copy().putNull("nullField"), true);
    }

    /** Signed notifies whose encrypted resource holds a malformed transaction: they get past the signature. */
    private void notifies(Map<String, String> headers) {
      JsonObject transaction = new JsonObject().put("mchid", "1900000001").put("appid", "wx-demo-app")
          .put("out_trade_no", "A".repeat(22)).put("transaction_id", "4200000000").put("trade_type", "JSAPI")
          .put("trade_state", "SUCCESS").put("success_time", "2026-11-22T10:00:00+08:00")
          .put("amount", new JsonObject().put("total", 40_000).put("payer_total", 40_000).put("currency", "CNY"));
      List<String> plaintexts = new ArrayList<>(List.of("", "{", "[]", "null", "{}", transaction.encode()));
      for (String field : List.of("out_trade_no", "trade_state", "amount", "mchid", "appid", "success_time",
          "transaction_id")) {
        for (int i = 0; i < 3; i++) {
          plaintexts.add(transaction.copy().put(field, Samples.bad(random)).encode());
        }
        JsonObject without = transaction.copy();
        without.remove(field);
        plaintexts.add(without.encode());
      }
      for (Object total : List.of(-1, 0, 1.5, "40000", 1e30, Long.MAX_VALUE)) {
        plaintexts.add(transaction.copy().put("amount", new JsonObject().put("total", total)).encode());
      }
      for (String plaintext : plaintexts) {
        JsonObject notify = new JsonObject().put("id", UUID.randomUUID().toString())
            .put("create_time", "2026-11-22T10:00:00+08:00").put("resource_type", "encrypt-resource")
            .put("event_type", "TRANSACTION.SUCCESS").put("summary", "支付成功")
            .put("resource", encryptedResource(plaintext));
        add(Map.of(), Map.of(), headers, notify, true);
        JsonObject broken = notify.copy();
        broken.getJsonObject("resource").put(random.nextBoolean() ? "nonce" : "ciphertext", Samples.bad(random));
        add(Map.of(), Map.of(), headers, broken, true);
      }
    }

    private void add(Map<String, String> path, Map<String, String> query, Map<String, String> headers, Object body,
                     boolean auth) {
      out.add(new Case(op, op.method(), uri(path, query), withType(headers, body), bytes(body), auth));
    }

    private String uri(Map<String, String> path, Map<String, String> query) {
      String uri = op.template();
      for (Map.Entry<String, String> p : path.entrySet()) {
        uri = uri.replace("{" + p.getKey() + "}", encode(p.getValue()));
      }
      if (!query.isEmpty()) {
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(encode(k)).append('=').append(encode(v)));
        uri += q;
      }
      return uri;
    }

    private String pick(List<String> values) {
      return values.get(random.nextInt(values.size()));
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> withType(Map<String, String> headers, Object body) {
      return body == null ? headers : withJson(headers);
    }

    private static Map<String, String> withJson(Map<String, String> headers) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put("Content-Type", "application/json");
      return h;
    }

    private static byte[] bytes(Object body) {
      return body == null ? new byte[0] : io.vertx.core.json.Json.encode(body).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Values: well-formed ones from the schemas, and a fixed catalogue of wrong ones. */
  static final class Samples {

    static JsonObject schemas;

    static final List<String> BAD_SCALARS = List.of("", " ", "0", "-1", "1.0", "1.5", "1e0", "2.027e3", "1e309",
        "-1e309", "99999999999", "9223372036854775808", "99999999999999999999999999", "0x10", "NaN", "Infinity",
        "true", "null", "[]", "{}", "abc", "%", "%25", "%zz", "+1", " 1", "1 ", "１２３", "医保码", "🙂",
        "\u202eevil", "a\u0000b", "<script>alert(1)</script>", "' OR '1'='1", "../../etc/passwd", "a/b", "a;b",
        "x".repeat(300), "9".repeat(2000), "2026-02-30", "2026-13-01", "20261201", "YB" + "0".repeat(26),
        "0".repeat(20), "0".repeat(22), "13800000001", "110105198803150221");

    static final List<String> RAW_QUERIES = List.of("?%", "?a=%", "?a=%zz", "?a=%u0041", "?%%%", "?a=%2", "?a=%C0%AF",
        "?a=%FF%FE", "?a=%ED%A0%80", "?&&&", "?=", "?a==b", "?a=1&a=2&a=3", "?page=1&page=%", "?year=%25",
        "?year=%32%30%32%37", "?size=%31%2E%30", "?date=%", "?page", "?page=&size=", "?year", "?date=", "?" + "k=v&".repeat(500));

    static final List<String> RAW_PATH_SUFFIXES = List.of("%", "/%", "%zz", "%u0041", "/%2F", "/..", "/%2e%2e",
        "//", "/%00", "%C0%AF", "/;a=b", "/" + "seg/".repeat(300));

    static final List<String> CONTENT_TYPES = java.util.Arrays.asList(null, "text/plain", "application/xml",
        "application/json; charset=iso-8859-1", "application/json;charset=UTF-8", "application/JSON",
        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json, text/plain",
        "application/merge-patch+json", "*/*", "garbage", "application/", ";", "image/png");

    static final Map<String, String> ODD_HEADERS = new LinkedHashMap<>();

    static {
      ODD_HEADERS.put("Accept-Language", "en;q=abc, zh;q=-1, ;;;");
      ODD_HEADERS.put("Accept", "image/png");
      ODD_HEADERS.put("X-Request-Id", "13800000001");
      ODD_HEADERS.put("X-Forwarded-For", "not-an-address, , 999.1.1.1");
      ODD_HEADERS.put("Authorization", "Bearer not.a.token");
      ODD_HEADERS.put("X-Terminal-Id", "T-unknown");
      ODD_HEADERS.put("X-Timestamp", "yesterday");
      ODD_HEADERS.put("Wechatpay-Timestamp", "-1");
      ODD_HEADERS.put("Origin", "https://evil.example");
      ODD_HEADERS.put("Idempotency-Key", "%zz");
      ODD_HEADERS.put("Content-Encoding", "gzip");
      ODD_HEADERS.put("Cookie", "a=%; b");
    }

    static List<byte[]> rawBodies() {
      List<String> texts = List.of("", "{", "}", "[]", "null", "0", "\"s\"", "{\"a\":}", "{}garbage", "\uFEFF{}",
          "[".repeat(5000), "{\"a\":".repeat(3000), "{\"a\":1,\"a\":2}", "1".repeat(20000), "{\"n\":NaN}",
          "{\"n\":Infinity}", "/* c */ {}", "{'a':1}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}",
          "{\"a\":1e999999}", "{\"a\":-0}", "[" + "1,".repeat(20000) + "1]", "{\"a\":\"" + "x".repeat(60000) + "\"}");
      List<byte[]> bodies = new ArrayList<>();
      texts.forEach(t -> bodies.add(t.getBytes(StandardCharsets.UTF_8)));
      bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      bodies.add(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0});
      return bodies;
    }

    static Object bad(Random random) {
      return switch (random.nextInt(22)) {
        case 0 -> null;
        case 1 -> "";
        case 2 -> "x".repeat(5000);
        case 3 -> "医保码🙂\u0000\u202e";
        case 4 -> 1e308;
        case 5 -> -1;
        case 6 -> 0;
        case 7 -> 1.5;
        case 8 -> 100.0;
        case 9 -> new java.math.BigInteger("99999999999999999999999");
        case 10 -> Long.MIN_VALUE;
        case 11 -> true;
        case 12 -> new JsonArray();
        case 13 -> new JsonObject();
        case 14 -> new JsonArray().add(1).add("a").addNull();
        case 15 -> new JsonObject().put("a", new JsonObject().put("b", new JsonArray().add(new JsonObject())));
        case 16 -> "123";
        case 17 -> "%zz";
        case 18 -> "' OR 1=1 --";
        case 19 -> "2026-02-30";
        case 20 -> -9.99e-300;
        default -> BAD_SCALARS.get(random.nextInt(BAD_SCALARS.size()));
      };
    }

    static String headerSafe(String value) {
      StringBuilder s = new StringBuilder();
      for (char c : value.toCharArray()) {
        s.append(c < 0x20 || c > 0x7e ? '?' : c);
      }
      return s.toString();
    }

    static JsonObject resolve(JsonObject schema) {
      while (schema != null && schema.getValue("$ref") instanceof String ref) {
        schema = schemas.getJsonObject(ref.substring("#/components/schemas/".length()));
      }
      return schema == null ? new JsonObject() : schema;
    }

    /** A value the schema accepts (best effort: patterns, bounds, enums, required properties). */
    static Object valid(JsonObject schema, Random random) {
      schema = resolve(schema);
      if (schema.containsKey("enum")) {
        return schema.getJsonArray("enum").getValue(0);
      }
      Object type = schema.getValue("type");
      if (type instanceof JsonArray types) {
        type = types.getValue(0);
      }
      switch (String.valueOf(type)) {
        case "integer":
          long min = schema.getLong("minimum", 1L);
          long max = schema.getLong("maximum", min + 10);
          return min + random.nextInt((int) Math.min(10, max - min + 1));
        case "number":
          return 1;
        case "boolean":
          return true;
        case "array": {
          JsonArray array = new JsonArray();
          for (int i = 0; i < Math.max(1, schema.getInteger("minItems", 1)); i++) {
            array.add(valid(schema.getJsonObject("items", new JsonObject()), random));
          }
          return array;
        }
        case "object": {
          JsonObject object = new JsonObject();
          JsonObject properties = schema.getJsonObject("properties", new JsonObject());
          for (String name : properties.fieldNames()) {
            object.put(name, valid(properties.getJsonObject(name), random));
          }
          return object;
        }
        default:
          if (schema.getValue("pattern") instanceof String pattern) {
            return Pattern.sample(pattern, random);
          }
          if ("date".equals(schema.getString("format"))) {
            return "2026-12-01";
          }
          int length = Math.max(schema.getInteger("minLength", 1), Math.min(8, schema.getInteger("maxLength", 8)));
          return "a".repeat(length);
      }
    }
  }

  /** Strings matching the contract's simple patterns: literals, classes with ranges, {n}, {n,m}, +, *, ?. */
  static final class Pattern {

    static String sample(String pattern, Random random) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < pattern.length()) {
        char c = pattern.charAt(i);
        List<Character> choices = new ArrayList<>();
        if (c == '^' || c == '$') {
          i++;
          continue;
        } else if (c == '[') {
          int end = pattern.indexOf(']', i + 1);
          String set = pattern.substring(i + 1, end);
          for (int k = 0; k < set.length(); k++) {
            char from = set.charAt(k);
            if (from == '\\' && k + 1 < set.length()) {
              choices.add(set.charAt(++k));
            } else if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
              for (char ch = from; ch <= set.charAt(k + 2); ch++) {
                choices.add(ch);
              }
              k += 2;
            } else {
              choices.add(from);
            }
          }
          i = end + 1;
        } else if (c == '\\') {
          choices.add(pattern.charAt(i + 1));
          i += 2;
        } else {
          choices.add(c);
          i++;
        }
        int times = 1;
        if (i < pattern.length()) {
          char q = pattern.charAt(i);
          if (q == '{') {
            int end = pattern.indexOf('}', i);
            String[] bounds = pattern.substring(i + 1, end).split(",");
            int lo = Integer.parseInt(bounds[0]);
            int hi = bounds.length > 1 ? Integer.parseInt(bounds[1]) : lo;
            times = lo + random.nextInt(Math.min(hi, lo + 8) - lo + 1);
            i = end + 1;
          } else if (q == '+' || q == '*') {
            times = 1 + random.nextInt(12);
            i++;
          } else if (q == '?') {
            times = random.nextInt(2);
            i++;
          }
        }
        for (int t = 0; t < times; t++) {
          out.append(choices.get(random.nextInt(choices.size())));
        }
      }
      return out.toString();
    }
  }

  // ---------------------------------------------------------------------------------------------------- helpers

  @SuppressWarnings("unchecked")
  static List<Op> operations() {
    JsonObject spec = new JsonObject(new JsonObject((Map<String, Object>) new Yaml().load(
        new String(Contract.load().text(), StandardCharsets.UTF_8))).encode());
    Samples.schemas = spec.getJsonObject("components").getJsonObject("schemas");
    JsonObject componentParameters = spec.getJsonObject("components").getJsonObject("parameters", new JsonObject());
    List<Op> ops = new ArrayList<>();
    JsonObject paths = spec.getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject op) || !op.containsKey("operationId")) {
          continue;
        }
        List<JsonObject> parameters = new ArrayList<>();
        for (Object p : op.getJsonArray("parameters", new JsonArray())) {
          JsonObject parameter = (JsonObject) p;
          if (parameter.getValue("$ref") instanceof String ref) {
            parameter = componentParameters.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
          }
          parameters.add(parameter);
        }
        String security = "";
        JsonArray requirements = op.getJsonArray("security", new JsonArray());
        if (!requirements.isEmpty() && !requirements.getJsonObject(0).isEmpty()) {
          security = requirements.getJsonObject(0).fieldNames().iterator().next();
        }
        if (template.startsWith("/callbacks/payments/wechat")) {
          security = "wechatPay";
        }
        ops.add(new Op(method.toUpperCase(Locale.ROOT), template, op.getString("operationId"), parameters,
            BodyShape.bodySchema(spec, template, method), security));
      }
    }
    return ops;
  }

  static String problemCode(Answer a) {
    if (a.contentType() == null || !a.contentType().startsWith("application/problem+json")) {
      return null;
    }
    try {
      return new JsonObject(a.body()).getString("code");
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String problemDetail(Answer a) {
    try {
      return new JsonObject(a.body()).getString("detail");
    } catch (RuntimeException e) {
      return abbreviate(a.body());
    }
  }

  static String channelCode(Answer a) {
    if (a.contentType() == null || !a.contentType().startsWith("application/json")) {
      return null;
    }
    try {
      return new JsonObject(a.body()).getString("code");
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String signNotify(String timestamp, String nonce, byte[] body) {
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(platformKey);
      rsa.update((timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
      rsa.update(body);
      rsa.update((byte) '\n');
      return Base64.getEncoder().encodeToString(rsa.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A notify resource encrypted with the sandbox's DEMO-ONLY APIv3 key, holding {@code plaintext}. */
  static JsonObject encryptedResource(String plaintext) {
    try {
      String nonce = "abcdefghijkl";
      Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec("DEMO-ONLY-wxpay-apiv3-key-000001"
          .getBytes(StandardCharsets.UTF_8), "AES"), new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
      aes.updateAAD("transaction".getBytes(StandardCharsets.UTF_8));
      return new JsonObject().put("original_type", "transaction").put("algorithm", "AEAD_AES_256_GCM")
          .put("ciphertext", Base64.getEncoder()
              .encodeToString(aes.doFinal(plaintext.getBytes(StandardCharsets.UTF_8))))
          .put("associated_data", "transaction").put("nonce", nonce);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static PrivateKey platformKey() throws Exception {
    try (InputStream in = ContractFuzzTest.class.getClassLoader()
        .getResourceAsStream("sandbox/keys/DEMO-ONLY-wechatpay-platform.private.pem")) {
      String pem = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
          pem.indexOf("-----END PRIVATE KEY-----")).replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
  }

  static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }
}
