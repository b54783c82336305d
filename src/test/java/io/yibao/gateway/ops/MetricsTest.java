package io.yibao.gateway.ops;

import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /metrics counts requests per route template and status, with latency histograms and JVM metrics. It is served on
 * the management port (loopback by default), never on the public API port.
 */
class MetricsTest {

  @Test
  void metricsAreOnTheManagementPortOnly() {
    try (TestGateway gateway = TestGateway.start(TestRedis.shared())) {
      assertProblem(gateway.http().get("/metrics"), 404, "NOT_FOUND");
      var scrape = gateway.management().get("/metrics");
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.body().contains("jvm_memory_used_bytes"), "JVM metrics");
      assertProblem(gateway.management().get("/api/v1/me"), 404, "NOT_FOUND");
      assertNotEquals(gateway.port(), gateway.gateway().managementPort());
      assertEquals("127.0.0.1", gateway.gateway().config().management().host(), "loopback unless configured");
    }
  }

  @Test
  void countsRequestsPerRouteTemplate() {
    try (TestGateway gateway = TestGateway.start(TestRedis.shared(), java.util.Map.of("http.instances", "1"))) {
      double liveBefore = count(gateway, "200", "/health/live");
      double assetBefore = count(gateway, "200", "/docs/:asset");
      for (int i = 0; i < 3; i++) {
        gateway.http().get("/health/live");
      }
      gateway.http().get("/docs/docs-init.js");
      gateway.http().get("/docs/swagger-ui.css");
      gateway.http().get("/docs/unknown.js");
      assertEquals(liveBefore + 3, count(gateway, "200", "/health/live"));
      assertEquals(assetBefore + 2, count(gateway, "200", "/docs/:asset"), "two assets, one route template");
      assertEquals(1, count(gateway, "404", "/docs/:asset"));

      String metrics = gateway.management().get("/metrics").body();
      assertTrue(metrics.contains("vertx_http_server_response_time_seconds_bucket{"), "latency histogram");
      assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
    }
  }

  private static double count(TestGateway gateway, String code, String route) {
    String metrics = gateway.management().get("/metrics").body();
    Matcher m = Pattern.compile("vertx_http_server_requests_total\\{code=\"" + code + "\",method=\"GET\",route=\""
        + Pattern.quote(route) + "\"} ([0-9.E]+)").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
