package io.yibao.gateway.http;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real gateway's ground floor: health, contract, docs, unknown routes, wrong methods, headers. */
class GatewayBasicsTest {

  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(TestRedis.shared());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void readyWhenRedisAnswers() {
    HttpResponse<String> r = gateway.http().get("/health/ready");
    assertEquals(200, r.statusCode());
    JsonObject body = new JsonObject(r.body());
    assertEquals("UP", body.getString("status"));
    assertEquals("UP", body.getJsonObject("checks").getString("redis"));
    assertEquals(200, gateway.http().get("/health/live").statusCode());
  }

  @Test
  void servesTheContractAndOfflineDocs() {
    HttpResponse<String> spec = gateway.http().get("/openapi.yaml");
    assertEquals(200, spec.statusCode());
    assertTrue(spec.headers().firstValue("Content-Type").orElseThrow().startsWith("application/yaml"));
    assertTrue(spec.body().startsWith("openapi: 3.1"));

    HttpResponse<String> docs = gateway.http().get("/docs");
    assertEquals(200, docs.statusCode());
    assertTrue(docs.body().contains("/docs/swagger-ui-bundle.js"));
    assertFalse(docs.body().contains("https://"), "the docs page must not load anything from the internet");
    HttpResponse<String> bundle = gateway.http().get("/docs/swagger-ui-bundle.js");
    assertEquals(200, bundle.statusCode());
    assertTrue(bundle.body().contains("SwaggerUIBundle"));
    assertEquals(200, gateway.http().get("/docs/docs-init.js").statusCode());
    assertProblem(gateway.http().get("/docs/nope.js"), 404, "NOT_FOUND");
  }

  @Test
  void unknownRouteIs404Problem() {
    assertProblem(gateway.http().get("/api/v1/nothing-here"), 404, "NOT_FOUND");
  }

  @Test
  void sandboxAdminRoutesAreNotOnTheGateway() {
    assertProblem(gateway.http().get("/_sandbox/personas"), 404, "NOT_FOUND");
    assertProblem(gateway.http().postJson("/_sandbox/faults", "{\"service\":\"registry\",\"down\":true}"), 404,
        "NOT_FOUND");
  }

  @Test
  void wrongMethodIs405WithAllow() {
    HttpResponse<String> r = gateway.http().send(gateway.http().request("/health/live")
        .DELETE().build());
    assertProblem(r, 405, "METHOD_NOT_ALLOWED");
    assertEquals("GET", r.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void securityHeadersAndRequestIdOnEveryResponse() {
    HttpResponse<String> r = gateway.http().get("/health/live");
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElseThrow());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
    assertNull(r.headers().firstValue("Strict-Transport-Security").orElse(null), "no HSTS outside production");
    assertEquals(32, r.headers().firstValue("X-Request-Id").orElseThrow().length());

    HttpResponse<String> mine = gateway.http().send(gateway.http().request("/nowhere")
        .header("X-Request-Id", "pos-4711-abcdef").GET().build());
    assertEquals("pos-4711-abcdef", mine.headers().firstValue("X-Request-Id").orElseThrow());
    assertEquals("pos-4711-abcdef", new JsonObject(mine.body()).getString("traceId"));

    HttpResponse<String> personal = gateway.http().send(gateway.http().request("/nowhere")
        .header("X-Request-Id", "13800138000").GET().build());
    assertFalse(personal.headers().firstValue("X-Request-Id").orElseThrow().contains("13800138000"),
        "an id that looks like a phone number is replaced, never logged");
  }

  @Test
  void corsOnlyForConfiguredOrigins() {
    HttpRequest.Builder preflight = gateway.http().request("/openapi.yaml")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Access-Control-Request-Method", "GET");
    HttpResponse<String> allowed = gateway.http().send(preflight.copy().header("Origin", "http://localhost:8080").build());
    assertEquals("http://localhost:8080", allowed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    HttpResponse<String> other = gateway.http().send(preflight.copy().header("Origin", "https://evil.example").build());
    assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    assertEquals(403, other.statusCode());
  }

}
