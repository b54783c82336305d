package io.yibao.gateway.queue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.yibao.gateway.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The durable work queue against a real Redis: nothing lost while the receiver is down, across restarts and instances. */
class WorkQueueTest {

  static final WorkQueue.Options FAST = new WorkQueue.Options(50, 300, 50, 500, 50);
  TestRedis redis;
  Vertx vertx;
  RedisStore store;

  @BeforeEach
  void start() {
    redis = TestRedis.started();
    vertx = Vertx.vertx();
    GatewayConfig config = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null,
        Map.of("YB_REDIS_URL", redis.url()));
    store = RedisStore.create(vertx, config.redis());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.close();
  }

  @Test
  void everythingIsDeliveredOnceTheReceiverReturnsAcrossARestartAndTwoInstances() throws Exception {
    WorkQueue first = new WorkQueue(vertx, store, "test", FAST);
    for (int i = 0; i < 500; i++) {
      await(first.enqueue("order-" + i, new JsonObject().put("n", i)));
    }
    AtomicBoolean receiverUp = new AtomicBoolean(false);
    Map<String, Integer> accepted = new ConcurrentHashMap<>();
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    java.util.function.Function<WorkQueue.Message, Future<WorkQueue.Delivery>> receiver = m -> {
      attempts.merge(m.id(), 1, Integer::sum);
      if (!receiverUp.get()) {
        return Future.succeededFuture(WorkQueue.Delivery.RETRY);
      }
      accepted.merge(m.id(), 1, Integer::sum);
      return Future.succeededFuture(WorkQueue.Delivery.OK);
    };
    first.start(receiver);
    Await.until("every message tried while the receiver is down", Duration.ofSeconds(20),
        () -> attempts.size() == 500);
    first.stop(); // the gateway stops with everything pending

    WorkQueue second = new WorkQueue(vertx, store, "test", FAST);
    WorkQueue third = new WorkQueue(vertx, store, "test", FAST);
    receiverUp.set(true);
    second.start(receiver);
    third.start(receiver);
    Await.until("all delivered", Duration.ofSeconds(30), () -> accepted.size() == 500);
    Await.until("the stream drained", Duration.ofSeconds(10), () -> {
      try {
        return await(second.backlog()) == 0;
      } catch (Exception e) {
        return false;
      }
    });
    assertTrue(accepted.values().stream().allMatch(n -> n == 1), "no message accepted twice");
    assertTrue(attempts.values().stream().anyMatch(n -> n > 1), "messages were retried");
  }

  @Test
  void backOffGrows() {
    WorkQueue outbox = new WorkQueue(vertx, store, "backoff", new WorkQueue.Options(50, 300, 100, 10_000, 10));
    long first = outbox.backoff(1);
    long fourth = outbox.backoff(4);
    assertTrue(first >= 75 && first <= 125, "about 100 ms, was " + first);
    assertTrue(fourth >= 600 && fourth <= 1000, "about 800 ms, was " + fourth);
    assertEquals(true, outbox.backoff(40) <= 12_500);
  }

  /** A long outage: a million messages already wait (written inside Redis by one script, for speed). */
  void fill(String key, int entries) {
    for (int done = 0; done < entries; done += 100_000) {
      redis.command("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('ZADD', KEYS[1], 0, 'o' .. (ARGV[2] + i)) end "
          + "return 1", "1", key, Integer.toString(Math.min(100_000, entries - done)), Integer.toString(done));
    }
  }

  /** As many dead letters (written inside Redis by one script, for speed). */
  void fillDead(String key, int entries) {
    for (int done = 0; done < entries; done += 100_000) {
      redis.command("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'id', 'o' .. i, "
          + "'payload', '{}') end return 1", "1", key, Integer.toString(Math.min(100_000, entries - done)));
    }
  }

  @Test
  void undeliveredMessagesAreNeverTrimmed() throws Exception {
    WorkQueue outbox = new WorkQueue(vertx, store, "long-outage", FAST);
    fill(WorkQueue.dueKey("long-outage"), 1_000_100);
    await(outbox.enqueue("one-more", new JsonObject()));
    assertEquals(1_000_101L, await(outbox.backlog()), "every undelivered message is still there");
  }

  @Test
  void theDeadLettersAreBoundedByCount() throws Exception {
    String dead = WorkQueue.deadKey("refusals");
    fillDead(dead, 105_000);
    WorkQueue outbox = new WorkQueue(vertx, store, "refusals", FAST);
    await(outbox.enqueue("refused", new JsonObject()));
    outbox.start(m -> Future.succeededFuture(WorkQueue.Delivery.DEAD));
    Await.until("delivered", Duration.ofSeconds(10), () -> {
      try {
        return await(outbox.backlog()) == 0;
      } catch (Exception e) {
        return false;
      }
    });
    outbox.stop();
    long kept = Long.parseLong(redis.command("XLEN", dead));
    // Trimmed by whole stream nodes (about 100 entries each), so "about" the bound; each addition trims at most
    // 10 000 (Redis' default LIMIT for approximate trimming), so a stream far over the bound comes down over time.
    assertTrue(kept <= 100_000 + 200, "dead letters kept: " + kept);
    assertTrue(redis.command("XREVRANGE", dead, "+", "-", "COUNT", "1").contains("refused"), "the newest is kept");
  }

  @Test
  void aBacklogPastItsThresholdIsAGaugeAWarningAndAReadinessDetail() throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    WorkQueue outbox = new WorkQueue(vertx, store, "outage", new WorkQueue.Options(50, 300, 50, 500, 50, 5, 100), metrics);
    assertEquals("UP", await(outbox.readiness().check()));
    for (int i = 0; i < 10; i++) {
      await(outbox.enqueue("order-" + i, new JsonObject()));
    }
    io.yibao.gateway.testing.LogCapture.clear();
    AtomicBoolean receiverUp = new AtomicBoolean(false);
    outbox.start(m -> Future.succeededFuture(receiverUp.get() ? WorkQueue.Delivery.OK : WorkQueue.Delivery.RETRY));
    Await.until("the gauge shows the backlog", Duration.ofSeconds(10),
        () -> metrics.get("yb_outbox_backlog").tag("outbox", "outage").gauge().value() == 10);
    Await.until("a warning", Duration.ofSeconds(10), () -> io.yibao.gateway.testing.LogCapture.lines().stream()
        .anyMatch(l -> l.contains("\"WARN\"") && l.contains("outbox backlog past its threshold")
            && l.contains("\"outage\"")));
    assertEquals("BACKLOG", await(outbox.readiness().check()));
    assertEquals("outbox.outage", outbox.readiness().name());
    assertEquals(false, outbox.readiness().critical(), "a backlog degrades the instance, it does not take it out");

    receiverUp.set(true);
    Await.until("drained, and the gauge says so", Duration.ofSeconds(20),
        () -> metrics.get("yb_outbox_backlog").tag("outbox", "outage").gauge().value() == 0);
    assertEquals("UP", await(outbox.readiness().check()));
    outbox.stop();
  }
}
