package io.yibao.gateway.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.yibao.gateway.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared "write and its TTL in one step" that every record and index of the gateway is created with. */
class RedisStoreTest {

  static Vertx vertx;
  static RedisStore redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, new GatewayConfig.Redis(URI.create(TestRedis.shared().url()), 4, 100, 1000, 1000));
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aWriteAndItsTtlAreOneStepAndTheWritesReplyComesBack() throws Exception {
    String counter = RedisKeys.key("test:ttl", "counter", "n");
    assertEquals(1L, await(redis.writeWithTtl(Command.INCR, counter, 60_000)).toLong());
    assertEquals(2L, await(redis.writeWithTtl(Command.INCR, counter, 60_000)).toLong(), "INCR's own reply");
    long ttl = await(redis.send(Command.PTTL, counter)).toLong();
    assertTrue(ttl > 59_000 && ttl <= 60_000, "TTL set with the write: " + ttl);

    String set = RedisKeys.key("test:ttl", "set", "s");
    assertEquals(2L, await(redis.writeWithTtl(Command.ZADD, set, 30_000, 1, "a", 2, "b")).toLong());
    assertTrue(await(redis.send(Command.PTTL, set)).toLong() > 29_000);
  }

  @Test
  void aHashIsWrittenWithAllItsFieldsAndItsTtl() throws Exception {
    String key = RedisKeys.key("test:ttl", "hash", "h");
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      fields.put("f" + i, "v" + i);
    }
    await(redis.hsetWithTtl(key, 45_000, fields));
    assertEquals(40L, await(redis.send(Command.HLEN, key)).toLong());
    assertEquals("v39", await(redis.send(Command.HGET, key, "f39")).toString());
    assertTrue(await(redis.send(Command.PTTL, key)).toLong() > 44_000);
  }
}
