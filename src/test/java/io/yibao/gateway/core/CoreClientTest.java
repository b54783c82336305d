package io.yibao.gateway.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.yibao.demo.DemoWiring;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.yibao.gateway.testing.Await.failure;
import static io.yibao.gateway.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core clients against the sandbox, with faults injected in the sandbox (no mocks): breakers open, reject
 * without sending, half-open and close; timeouts answer at their bound; a hung system does not slow another.
 */
class CoreClientTest {

  /** The system hung in the timeout and isolation tests (its timeout is set to 300 ms below). */
  static final String HUNG = "collection";

  Vertx vertx;
  CoreGuards guards;
  CoreClients clients;

  @BeforeEach
  void start() {
    Map<String, String> env = new HashMap<>(DemoWiring.coreAt(TestSandbox.shared().baseUrl()));
    env.put("YB_CORE_ACCOUNTS_READ_RETRIES", "0");
    env.put("YB_CORE_ACCOUNTS_BREAKER_MINIMUM_CALLS", "4");
    env.put("YB_CORE_ACCOUNTS_BREAKER_SLIDING_WINDOW_SIZE", "4");
    env.put("YB_CORE_ACCOUNTS_BREAKER_OPEN_SECONDS", "1");
    env.put("YB_CORE_ACCOUNTS_BREAKER_HALF_OPEN_CALLS", "2");
    env.put("YB_CORE_COLLECTION_TIMEOUT_MILLIS", "300");
    env.put("YB_CORE_COLLECTION_READ_RETRIES", "0");
    env.put("YB_CORE_COLLECTION_BREAKER_MINIMUM_CALLS", "1000");
    GatewayConfig config = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null, env);
    vertx = Vertx.vertx();
    guards = new CoreGuards(config.core(), new SimpleMeterRegistry());
    clients = new CoreClients(vertx, guards);
  }

  @AfterEach
  void stop() throws Exception {
    TestSandbox.clearFaults();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void breakerOpensRejectsWithoutSendingHalfOpensAndCloses() throws Exception {
    CoreClient accounts = clients.client("accounts");
    CircuitBreaker breaker = guards.guard("accounts").breaker();
    assertEquals(200, await(accounts.get("/" + Personas.EMPLOYEE)).status());

    TestSandbox.fault("accounts", new JsonObject().put("errorRate", 1.0));
    // Window of 4 calls, 50 % failure rate: one success and three failures open it.
    for (int i = 0; i < 3; i++) {
      CoreCallException e = failure(CoreCallException.class, accounts.get("/" + Personas.EMPLOYEE));
      assertEquals(CoreCallException.Outcome.UNKNOWN, e.outcome(), e.getMessage());
    }
    assertEquals(CircuitBreaker.State.OPEN, breaker.getState(), "open after the configured failures");

    long reached = TestSandbox.received("accounts");
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      CoreCallException e = failure(CoreCallException.class, accounts.get("/" + Personas.EMPLOYEE));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(CoreCallException.Outcome.NOT_SENT, e.outcome());
      assertEquals("1", e.headers().get("Retry-After"));
      assertTrue(millis < 50, "rejected at once, took " + millis + " ms");
    }
    assertEquals(reached, TestSandbox.received("accounts"), "no request reached the sandbox while open");

    TestSandbox.clearFaults();
    Await.until("half-open after the wait", Duration.ofSeconds(5),
        () -> breaker.getState() == CircuitBreaker.State.HALF_OPEN);
    assertEquals(200, await(accounts.get("/" + Personas.EMPLOYEE)).status());
    assertEquals(200, await(accounts.get("/" + Personas.EMPLOYEE)).status());
    assertEquals(CircuitBreaker.State.CLOSED, breaker.getState(), "closed once the service answers again");
  }

  @Test
  void businessRefusalsDoNotCountAgainstTheBreaker() throws Exception {
    CoreClient accounts = clients.client("accounts");
    for (int i = 0; i < 10; i++) {
      assertEquals(404, await(accounts.get("/nobody-" + i)).status());
    }
    assertEquals(CircuitBreaker.State.CLOSED, guards.guard("accounts").breaker().getState());
  }

  @Test
  void timeoutAnswersAtItsBound() {
    TestSandbox.fault(HUNG, new JsonObject().put("hang", true));
    CoreClient hung = clients.client(HUNG);
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      CoreCallException e = failure(CoreCallException.class, hung.post("/debits", new JsonObject().put("id", "t" + i)));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(CoreCallException.Outcome.UNKNOWN, e.outcome(), "sent, answer lost: the outcome is unknown");
      assertTrue(millis >= 290 && millis < 400, "answered at the 300 ms bound (+100 ms), took " + millis + " ms");
    }
  }

  @Test
  void aHungSystemDoesNotSlowAnother() throws Exception {
    CoreClient registry = clients.client("registry");
    CoreClient other = clients.client(HUNG);
    for (int i = 0; i < 100; i++) {
      await(registry.get("/persons/" + Personas.EMPLOYEE)); // warm-up
    }
    double healthy = medianMillis(registry, 500);

    long before = TestSandbox.received(HUNG);
    TestSandbox.fault(HUNG, new JsonObject().put("hang", true));
    AtomicBoolean running = new AtomicBoolean(true);
    List<Future<?>> hanging = new ArrayList<>();
    // Keep 30 calls to the hung system in flight at all times while the registry is measured again.
    for (int i = 0; i < 30; i++) {
      hanging.add(keepHanging(other, running));
    }
    double withHang = medianMillis(registry, 500);
    running.set(false);
    assertTrue(TestSandbox.received(HUNG) - before >= 30, "the hung calls really were in flight");
    System.out.printf("registry median: %.3f ms healthy, %.3f ms with %s hung%n", healthy, withHang, HUNG);
    // 2x, with 0.05 ms of slack: medians of ~0.2 ms move by that much with the scheduler on a busy CI machine.
    assertTrue(withHang <= 2 * healthy + 0.05,
        "registry median " + withHang + " ms with " + HUNG + " hung vs " + healthy + " ms healthy");
  }

  private Future<Void> keepHanging(CoreClient client, AtomicBoolean running) {
    if (!running.get()) {
      return Future.succeededFuture();
    }
    return client.post("/debits", new JsonObject()).transform(x -> keepHanging(client, running));
  }

  private static double medianMillis(CoreClient client, int calls) throws Exception {
    double[] times = new double[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      assertEquals(200, await(client.get("/persons/" + Personas.EMPLOYEE)).status());
      times[i] = (System.nanoTime() - start) / 1_000_000.0;
    }
    java.util.Arrays.sort(times);
    return times[calls / 2];
  }
}
