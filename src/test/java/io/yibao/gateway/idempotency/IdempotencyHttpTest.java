package io.yibao.gateway.idempotency;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Problems;
import io.yibao.gateway.http.RequestIds;
import io.yibao.gateway.idempotency.Idempotency.Answer;
import io.yibao.gateway.idempotency.Idempotency.Attempt;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The mechanism as a handler uses it: {@link Idempotency#respond} (the request's {@link Attempt}, {@link
 * Idempotency#once}, {@link Idempotency#send}), through a small router with the gateway's trace ids and problem bodies.
 */
class IdempotencyHttpTest {

  static Vertx vertx;
  static Http http;
  static final AtomicInteger RUNS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    RedisStore redis = RedisStore.create(vertx,
        new GatewayConfig.Redis(URI.create(TestRedis.shared().url()), 4, 64, 2000, 2000));
    Idempotency idempotency = new Idempotency(redis, new GatewayConfig.Idempotency(24, 60));
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.route().handler(BodyHandler.create());
    router.post("/orders").handler(rc -> {
      idempotency.respond(rc, "acct:" + rc.request().getHeader("X-Account"), attempt -> {
        RUNS.incrementAndGet();
        long amount = rc.body().asJsonObject().getLong("amount");
        if (amount > 100_000) {
          return Future.failedFuture(new ProblemException(ProblemCode.SETTLEMENT_REFUSED, "Over the limit"));
        }
        String id = UUID.randomUUID().toString();
        return Future.succeededFuture(Answer.json(201, new JsonObject().put("orderId", id).put("amount", amount),
            Map.of("Location", "/orders/" + id)));
      });
    });
    router.route().failureHandler(rc -> {
      if (rc.failure() instanceof ProblemException problem) {
        Problems.send(rc, problem);
      } else {
        Problems.send(rc, ProblemCode.INTERNAL_ERROR, null);
      }
    });
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    http = new Http(server.actualPort());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> post(String path, String account, String key, String json) {
    HttpRequest.Builder request = http.request(path).header("Content-Type", "application/json")
        .header("X-Account", account).POST(HttpRequest.BodyPublishers.ofString(json));
    if (key != null) {
      request.header(Idempotency.HEADER, key);
    }
    return http.send(request.build());
  }

  private static Optional<String> replayed(HttpResponse<String> r) {
    return r.headers().firstValue(Idempotency.REPLAYED_HEADER);
  }

  @Test
  void aRetryGetsTheSameAnswerAndAnotherRequestWithTheKeyIsRefused() {
    String account = UUID.randomUUID().toString();
    int runs = RUNS.get();
    HttpResponse<String> created = post("/orders", account, "key-1", "{\"amount\":40000}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(Optional.empty(), replayed(created));

    HttpResponse<String> retry = post("/orders", account, "key-1", "{\"amount\":40000}");
    assertEquals(201, retry.statusCode());
    assertEquals(created.body(), retry.body());
    assertEquals(created.headers().firstValue("Location"), retry.headers().firstValue("Location"));
    assertEquals("application/json", retry.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(Optional.of("true"), replayed(retry));
    assertEquals(runs + 1, RUNS.get());

    assertProblem(post("/orders", account, "key-1", "{\"amount\":40001}"), 422, "IDEMPOTENCY_KEY_REUSED");
    assertProblem(post("/orders?split=cash", account, "key-1", "{\"amount\":40000}"), 422, "IDEMPOTENCY_KEY_REUSED");
    HttpResponse<String> otherCaller = post("/orders", UUID.randomUUID().toString(), "key-1", "{\"amount\":40000}");
    assertEquals(201, otherCaller.statusCode());
    assertNotEquals(created.body(), otherCaller.body());
    assertEquals(runs + 2, RUNS.get());
  }

  @Test
  void aRefusalIsReplayedWithTheBodyTheFirstRequestGot() {
    String account = UUID.randomUUID().toString();
    HttpResponse<String> refused = post("/orders", account, "key-2", "{\"amount\":999999}");
    JsonObject first = assertProblem(refused, 422, "SETTLEMENT_REFUSED");

    HttpResponse<String> retry = post("/orders", account, "key-2", "{\"amount\":999999}");
    assertProblem(retry, 422, "SETTLEMENT_REFUSED");
    assertEquals(refused.body(), retry.body(), "byte for byte, trace id of the first request included");
    assertEquals(refused.headers().firstValue(RequestIds.HEADER).orElseThrow(), first.getString("traceId"));
    assertEquals(Optional.of("true"), replayed(retry));
  }

  @Test
  void anOperationWithoutAKeyIsRefused() {
    JsonObject body = assertProblem(post("/orders", UUID.randomUUID().toString(), null, "{\"amount\":1}"), 400,
        "VALIDATION_FAILED");
    assertEquals(Idempotency.HEADER, body.getString("field"));
  }
}
