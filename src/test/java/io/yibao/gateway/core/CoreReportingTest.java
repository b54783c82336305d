package io.yibao.gateway.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.LogCapture;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Breaker states are visible to operators: /metrics, /health/ready, and one log line per transition. */
class CoreReportingTest {

  @Test
  void breakerStateOnMetricsReadinessAndLog() {
    try (TestGateway gateway = TestGateway.start(TestRedis.shared(),
        Map.of("core.accounts.breaker.openSeconds", "1"))) {
      JsonObject ready = new JsonObject(gateway.http().get("/health/ready").body());
      assertEquals("UP", ready.getString("status"));
      assertEquals("UP", ready.getJsonObject("checks").getString("core.accounts"));

      LogCapture.clear();
      CircuitBreaker breaker = gateway.gateway().coreGuards().guard("accounts").breaker();
      breaker.transitionToOpenState();

      var r = gateway.http().get("/health/ready");
      assertEquals(200, r.statusCode(), "an open core breaker degrades, it does not take the instance out");
      JsonObject degraded = new JsonObject(r.body());
      assertEquals("DEGRADED", degraded.getString("status"));
      assertEquals("OPEN", degraded.getJsonObject("checks").getString("core.accounts"));
      assertEquals("UP", degraded.getJsonObject("checks").getString("redis"));

      String metrics = gateway.management().get("/metrics").body();
      assertTrue(metrics.contains("resilience4j_circuitbreaker_state{name=\"accounts\",state=\"open\"} 1.0"), metrics
          .lines().filter(l -> l.contains("circuitbreaker_state")).toList().toString());

      Await.until("half-open after openSeconds", Duration.ofSeconds(5),
          () -> breaker.getState() == CircuitBreaker.State.HALF_OPEN);
      long transitions = LogCapture.lines().stream()
          .filter(l -> l.contains("core circuit breaker changed state") && l.contains("\"system\":\"accounts\""))
          .count();
      assertEquals(2, transitions, "CLOSED→OPEN and OPEN→HALF_OPEN, each logged once");
    }
  }
}
