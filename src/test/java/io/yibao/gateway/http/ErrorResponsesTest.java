package io.yibao.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input gets its 4xx problem body, never a 500: the gateway's router (GatewayRouter, as the
 * gateway builds it) over a small test contract with body-taking operations.
 */
class ErrorResponsesTest {

  static Vertx vertx;
  static HttpServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Operations ops = new Operations()
        .on("createThing", rc -> Responses.json(rc, 201, new JsonObject().put("ok", true)))
        .on("getThing", rc -> Responses.json(rc, 200, new JsonObject().put("id", rc.pathParam("id"))))
        .on("postSmall", rc -> Responses.json(rc, 200, new JsonObject()))
        .on("getSlow", rc -> { /* never answers: the request timeout must */ })
        .on("getBoom", rc -> {
          throw new IllegalStateException("bug with secret detail");
        });
    server = vertx.createHttpServer();
    Contract contract = Contract.load("test-contract.yaml");
    server = vertx.<HttpServer>executeBlocking(() -> null).compose(x -> contract.open(vertx)).compose(c -> {
      Router router = GatewayRouter.create(vertx, c, ops,
          new GatewayRouter.Settings(false, List.of(), 300, 65536), List.of());
      return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
    }).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    http = new Http(server.actualPort());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void validBodyPasses() {
    assertEquals(201, http.postJson("/things", "{\"name\":\"x\",\"amountFen\":100}").statusCode());
  }

  @Test
  void schemaViolationNamesTheField() {
    JsonObject p = assertProblem(http.postJson("/things", "{\"name\":\"x\",\"amountFen\":0}"), 400,
        "VALIDATION_FAILED");
    assertEquals("amountFen", p.getString("field"));
    assertTrue(p.getString("detail").contains("amountFen"));
  }

  @Test
  void missingRequiredPropertyNamesTheField() {
    JsonObject p = assertProblem(http.postJson("/things", "{\"name\":\"x\"}"), 400, "VALIDATION_FAILED");
    assertEquals("amountFen", p.getString("field"));
  }

  @Test
  void nestedFieldIsNamedByItsPath() {
    JsonObject p = assertProblem(http.postJson("/things",
        "{\"name\":\"x\",\"amountFen\":1,\"owner\":{\"phone\":\"12\"}}"), 400, "VALIDATION_FAILED");
    assertEquals("owner.phone", p.getString("field"));
  }

  @Test
  void badPathAndQueryParametersNameTheParameter() {
    assertEquals("id", assertProblem(http.get("/things/NO!"), 400, "VALIDATION_FAILED").getString("field"));
    assertEquals("page", assertProblem(http.get("/things/abcd?page=0"), 400, "VALIDATION_FAILED").getString("field"));
    assertEquals(200, http.get("/things/abcd?page=2").statusCode());
  }

  @Test
  void malformedJsonIs400() {
    assertProblem(http.postJson("/things", "{\"name\": \"x\", "), 400, "MALFORMED_BODY");
  }

  @Test
  void missingBodyIs400() {
    assertProblem(http.send(http.request("/things").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.noBody()).build()), 400, "VALIDATION_FAILED");
  }

  @Test
  void wrongContentTypeIs415() {
    assertProblem(http.send(http.request("/things").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"amountFen\":1}")).build()), 415,
        "UNSUPPORTED_MEDIA_TYPE");
  }

  @Test
  void oversizeBodyIs413ByDeclaredLengthAndWhenChunked() {
    String big = "{\"pad\":\"" + "x".repeat(2000) + "\"}";
    assertProblem(http.postJson("/small", big), 413, "PAYLOAD_TOO_LARGE");
    HttpResponse<String> chunked = http.send(http.request("/small").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build());
    assertProblem(chunked, 413, "PAYLOAD_TOO_LARGE");
    assertEquals(200, http.postJson("/small", "{\"pad\":\"x\"}").statusCode());
    // The per-operation limit is lower than the default; the default still allows this body elsewhere.
    String mid = "{\"name\":\"" + "y".repeat(10) + "\",\"amountFen\":1}";
    assertEquals(201, http.postJson("/things", mid).statusCode());
  }

  @Test
  void unknownRouteAndWrongMethod() {
    assertProblem(http.get("/nope"), 404, "NOT_FOUND");
    HttpResponse<String> r = http.get("/things");
    assertProblem(r, 405, "METHOD_NOT_ALLOWED");
    assertEquals("POST", r.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void englishTitleWhenPreferred() {
    HttpRequest.Builder req = http.request("/nope").GET();
    assertEquals("资源不存在", new JsonObject(http.send(req.copy().build()).body()).getString("title"));
    assertEquals("Not found", new JsonObject(http.send(req.copy()
        .header("Accept-Language", "en-US,en;q=0.9,zh;q=0.5").build()).body()).getString("title"));
    assertEquals("资源不存在", new JsonObject(http.send(req.copy()
        .header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8").build()).body()).getString("title"));
  }

  @Test
  void unansweredRequestGetsTimeoutProblem() {
    long start = System.nanoTime();
    assertProblem(http.get("/slow"), 503, "REQUEST_TIMEOUT");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 2000, "answered at its bound, took " + millis + " ms");
  }

  @Test
  void bugIs500WithoutDetailsButLogged() {
    LogCapture.clear();
    HttpResponse<String> r = assertProblemAndReturn(http.get("/boom"));
    assertFalse(r.body().contains("secret detail"));
    assertFalse(r.body().contains("IllegalStateException"));
    String traceId = new JsonObject(r.body()).getString("traceId");
    assertTrue(LogCapture.lines().stream().anyMatch(l -> l.contains(traceId) && l.contains("IllegalStateException")),
        "the bug is in the log, findable by the trace id");
  }

  private static HttpResponse<String> assertProblemAndReturn(HttpResponse<String> r) {
    assertProblem(r, 500, "INTERNAL_ERROR");
    return r;
  }
}
