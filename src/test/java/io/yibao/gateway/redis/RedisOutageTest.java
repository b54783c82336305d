package io.yibao.gateway.redis;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis going away gives 503s, never hangs or 500s, and the gateway recovers by itself when it returns. */
class RedisOutageTest {

  @Test
  void redisDownGives503AndRecovers() {
    try (TestRedis redis = TestRedis.started(); TestGateway gateway = TestGateway.start(redis)) {
      assertEquals(200, gateway.http().get("/health/ready").statusCode());
      assertEquals(200, gateway.http().get("/openapi.yaml").statusCode());
      Resident resident = Resident.signIn(gateway.http(), "13300000001", "outage-device");
      assertEquals(200, resident.get("/api/v1/me").statusCode());

      redis.stop();

      assertProblem(resident.get("/api/v1/me"), 503, "REDIS_UNAVAILABLE");
      assertProblem(Resident.requestCode(gateway.http(), "13300000002"), 503, "REDIS_UNAVAILABLE");
      JsonObject notReady = assertProblem(gateway.http().get("/health/ready"), 503, "NOT_READY");
      assertEquals("DOWN", notReady.getJsonObject("checks").getString("redis"));
      long start = System.nanoTime();
      HttpResponse<String> r = gateway.http().get("/openapi.yaml");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertProblem(r, 503, "REDIS_UNAVAILABLE");
      assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(millis < 3000, "fails fast, took " + millis + " ms");
      assertEquals(200, gateway.http().get("/health/live").statusCode(), "alive while Redis is down");

      redis.start();

      Await.until("readiness after Redis returns", Duration.ofSeconds(20),
          () -> gateway.http().get("/health/ready").statusCode() == 200);
      Await.until("requests served after Redis returns", Duration.ofSeconds(20),
          () -> gateway.http().get("/openapi.yaml").statusCode() == 200);
      // The test Redis keeps nothing across its restart, so sessions are gone; signing in works again.
      Resident again = Resident.signIn(gateway.http(), "13300000001", "outage-device");
      assertEquals(200, again.get("/api/v1/me").statusCode());
    }
  }
}
