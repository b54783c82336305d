package io.yibao.gateway.http;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.RawHttp;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests that break the HTTP layer rather than the contract: bad percent-escapes in the path or the query,
 * integers written as the contract allows but not as {@code Integer.parseInt} reads them, form bodies, unknown
 * expectations and HTTP versions, and what the HTTP decoder itself refuses. Each gets a 4xx problem body, never a
 * 5xx or an empty answer.
 */
class MalformedRequestsTest {

  static TestGateway gateway;
  static Resident resident;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(TestRedis.shared());
    resident = Resident.signIn(gateway.http(), "13711000001", "malformed-01");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static RawHttp.Answer raw(String requestLineAndHeaders) {
    return RawHttp.send(gateway.port(), requestLineAndHeaders);
  }

  private static RawHttp.Answer get(String target) {
    return raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  }

  private static RawHttp.Answer getAsResident(String target) {
    return raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + resident.accessToken
        + "\r\nConnection: close\r\n\r\n");
  }

  private static void assertProblemAnswer(RawHttp.Answer a, int status, String code) {
    assertEquals(status, a.status(), a.toString());
    assertTrue(a.isProblem(), "a problem body: " + a);
    assertEquals(code, a.code(), a.toString());
    JsonObject body = new JsonObject(a.body());
    assertEquals(status, body.getInteger("status"));
    assertTrue(body.getString("traceId") != null && !body.getString("traceId").isEmpty(), a.toString());
  }

  @Test
  void aBadPercentEscapeInThePathIs400() {
    for (String path : new String[] {"/api/v1/%", "/pos/v1/settlements/%u0041", "/health/%zz", "/%", "/api/v1/me%"}) {
      assertProblemAnswer(get(path), 400, "MALFORMED_REQUEST");
    }
  }

  @Test
  void anUndecodableQueryIs400EvenForAnUnknownParameter() {
    assertProblemAnswer(getAsResident("/api/v1/contributions/options?year=%"), 400, "MALFORMED_REQUEST");
    assertProblemAnswer(getAsResident("/api/v1/settlements?page=1&x=%"), 400, "MALFORMED_REQUEST");
    assertProblemAnswer(get("/health/live?x=%zz"), 400, "MALFORMED_REQUEST");
  }

  @Test
  void anEncodedPercentIsDecodedOnceAndJudgedByTheContract() {
    // %25 is "%": not an integer, so the contract's 400 naming the parameter, not a second decoding's failure.
    assertProblemAnswer(getAsResident("/api/v1/contributions/options?year=%25"), 400, "VALIDATION_FAILED");
    assertEquals("year", new JsonObject(getAsResident("/api/v1/contributions/options?year=%25").body())
        .getString("field"));
    // %32%30%32%37 is "2027": the same answer as the plain number.
    assertEquals(getAsResident("/api/v1/contributions/options?year=2027").status(),
        getAsResident("/api/v1/contributions/options?year=%32%30%32%37").status());
  }

  @Test
  void integersTheContractAcceptsAreReadAsTheContractReadsThem() {
    HttpResponse<String> plain = resident.get("/api/v1/settlements?page=1&size=1");
    assertEquals(200, plain.statusCode(), plain.body());
    for (String query : new String[] {"page=1.0&size=1", "page=1&size=1e0", "page=1e0&size=1.0"}) {
      HttpResponse<String> r = resident.get("/api/v1/settlements?" + query);
      assertEquals(200, r.statusCode(), query + ": " + r.body());
      assertEquals(1, new JsonObject(r.body()).getInteger("page"));
      assertEquals(1, new JsonObject(r.body()).getInteger("size"));
      HttpResponse<String> orders = resident.get("/api/v1/contributions/orders?" + query);
      assertEquals(200, orders.statusCode(), query + ": " + orders.body());
    }
    int year = resident.get("/api/v1/contributions/options?year=2027").statusCode();
    assertEquals(year, resident.get("/api/v1/contributions/options?year=2.027e3").statusCode());
    assertEquals(year, resident.get("/api/v1/contributions/options?year=2027.0").statusCode());
    // Numbers beyond what a page can be are the contract's 400, not an overflow.
    assertProblem(resident.get("/api/v1/settlements?page=99999999999"), 400, "VALIDATION_FAILED");
    assertProblem(resident.get("/api/v1/contributions/orders?page=99999999999"), 400, "VALIDATION_FAILED");
    assertProblem(resident.get("/api/v1/contributions/orders?page=1.5"), 400, "VALIDATION_FAILED");
  }

  @Test
  void aFormBodyIs415WhateverTheMethod() {
    for (String method : new String[] {"GET", "POST"}) {
      String path = method.equals("GET") ? "/health/live" : "/api/v1/auth/otp";
      assertProblemAnswer(raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nConnection: close\r\n\r\na=%zz"),
          415, "UNSUPPORTED_MEDIA_TYPE");
      assertProblemAnswer(raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b"),
          415, "UNSUPPORTED_MEDIA_TYPE");
    }
  }

  @Test
  void anExpectationOtherThan100ContinueIs417() {
    assertProblemAnswer(raw("POST /api/v1/auth/otp HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"), 417,
        "EXPECTATION_FAILED");
    assertProblemAnswer(raw("GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n"), 417,
        "EXPECTATION_FAILED");
  }

  @Test
  void anUnknownHttpVersionIsAProblem() {
    for (String version : new String[] {"HTTP/9.9", "FOO/1.0", "HTTP/2.0"}) {
      assertProblemAnswer(raw("GET /health/live " + version + "\r\nHost: x\r\nConnection: close\r\n\r\n"), 400,
          "MALFORMED_REQUEST");
    }
    assertEquals(200, raw("GET /health/live HTTP/1.0\r\nHost: x\r\n\r\n").status());
  }

  @Test
  void whatTheDecoderRefusesIsAProblemToo() {
    assertProblemAnswer(get("/health/live?" + "a".repeat(10_000)), 414, "URI_TOO_LONG");
    assertProblemAnswer(raw("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000)
        + "\r\nConnection: close\r\n\r\n"), 431, "HEADERS_TOO_LARGE");
    assertProblemAnswer(raw("GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400,
        "MALFORMED_REQUEST");
    assertProblemAnswer(raw("GARBAGE\r\n\r\n"), 400, "MALFORMED_REQUEST");
    assertProblemAnswer(raw("GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
        400, "MALFORMED_REQUEST");
    assertProblemAnswer(raw("GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"), 400, "MALFORMED_REQUEST");
  }

  /** Found by the contract fuzzer: a header of separators only broke the problem writer itself (a bare 500). */
  @Test
  void anAcceptLanguageOfSeparatorsOnlyStillGetsAProblem() {
    for (String header : new String[] {";;;", "en;q=abc, zh;q=-1, ;;;", ",", ";"}) {
      assertProblemAnswer(raw("GET /nowhere HTTP/1.1\r\nHost: x\r\nAccept-Language: " + header
          + "\r\nConnection: close\r\n\r\n"), 404, "NOT_FOUND");
    }
  }

  @Test
  void theGatewayStillAnswersAfterAllThat() {
    assertEquals(200, gateway.http().get("/health/live").statusCode());
    assertEquals(200, resident.get("/api/v1/me").statusCode());
  }
}
