package io.yibao.gateway;

import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateways on two ports with one Redis behave as one: state written through one is seen through the other.
 * Later features extend this (a session ended on one instance is rejected on the other, a code resolves once).
 */
class ScaleOutTest {

  @Test
  void rateLimitBudgetIsSharedAcrossInstances() {
    Map<String, String> lowLimit = Map.of("rateLimits.anonymousPerClientAddress.limit", "5",
        "rateLimits.anonymousPerClientAddress.windowSeconds", "60");
    try (TestRedis redis = TestRedis.started();
         TestGateway a = TestGateway.start(redis, lowLimit);
         TestGateway b = TestGateway.start(redis, lowLimit)) {
      assertTrue(a.port() != b.port());
      for (int i = 0; i < 3; i++) {
        assertEquals(200, a.http().get("/openapi.yaml").statusCode());
      }
      for (int i = 0; i < 2; i++) {
        assertEquals(200, b.http().get("/openapi.yaml").statusCode());
      }
      HttpResponse<String> overB = b.http().get("/openapi.yaml");
      assertProblem(overB, 429, "RATE_LIMITED");
      long retryAfter = Long.parseLong(overB.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter >= 1 && retryAfter <= 12, "one token back every 12 s, got " + retryAfter);
      assertProblem(a.http().get("/openapi.yaml"), 429, "RATE_LIMITED");
      assertEquals(200, a.http().get("/health/ready").statusCode(), "health checks are never rate limited");
    }
  }
}
