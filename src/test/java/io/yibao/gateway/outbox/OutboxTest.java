package io.yibao.gateway.outbox;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The durable outbox against a real Redis: nothing lost while the receiver is down, across restarts and instances. */
class OutboxTest {

  static final Outbox.Options FAST = new Outbox.Options(50, 300, 50, 500, 50);
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

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everythingIsDeliveredOnceTheReceiverReturnsAcrossARestartAndTwoInstances() throws Exception {
    Outbox first = new Outbox(vertx, store, "test", FAST);
    for (int i = 0; i < 500; i++) {
      await(first.enqueue("order-" + i, new JsonObject().put("n", i)));
    }
    AtomicBoolean receiverUp = new AtomicBoolean(false);
    Map<String, Integer> accepted = new ConcurrentHashMap<>();
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    java.util.function.Function<Outbox.Message, Future<Outbox.Delivery>> receiver = m -> {
      attempts.merge(m.id(), 1, Integer::sum);
      if (!receiverUp.get()) {
        return Future.succeededFuture(Outbox.Delivery.RETRY);
      }
      accepted.merge(m.id(), 1, Integer::sum);
      return Future.succeededFuture(Outbox.Delivery.OK);
    };
    first.start(receiver);
    Await.until("every message tried while the receiver is down", Duration.ofSeconds(20),
        () -> attempts.size() == 500);
    first.stop(); // the gateway stops with everything pending

    Outbox second = new Outbox(vertx, store, "test", FAST);
    Outbox third = new Outbox(vertx, store, "test", FAST);
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
    Outbox outbox = new Outbox(vertx, store, "backoff", new Outbox.Options(50, 300, 100, 10_000, 10));
    long first = outbox.backoff(1);
    long fourth = outbox.backoff(4);
    assertTrue(first >= 75 && first <= 125, "about 100 ms, was " + first);
    assertTrue(fourth >= 600 && fourth <= 1000, "about 800 ms, was " + fourth);
    assertEquals(true, outbox.backoff(40) <= 12_500);
  }
}
