package io.yibao.gateway.queue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The upgrade to the one work queue strands nothing: a backlog in the queues before it (seeded as their code wrote
 * it) reaches the work queues exactly once, batch by batch, whether one instance migrates or two at once, and a
 * migration repeated changes nothing more.
 */
class LegacyQueuesTest {

  static final int ORDERS = 1_234;
  static final int SETTLEMENTS = 1_100;
  /** The old keys, as the code before issue 13 named them (Outbox "collection", SettlementRecords.RECOVERY_QUEUE). */
  static final String STREAM = "yb:{outbox:collection}:outbox:stream";
  static final String RETRY = "yb:{outbox:collection}:outbox:retry";
  static final String DEAD = "yb:{outbox:collection}:outbox:dead";
  static final String RECOVERY = "yb:{recovery}:settlement:queue";

  TestRedis redis;
  Vertx vertx;
  RedisStore store;
  WorkQueue collection;
  WorkQueue settlement;

  @BeforeEach
  void start() {
    redis = TestRedis.started();
    vertx = Vertx.vertx();
    GatewayConfig config = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null,
        Map.of("YB_REDIS_URL", redis.url()));
    store = RedisStore.create(vertx, config.redis());
    collection = new WorkQueue(vertx, store, "collection", WorkQueue.Options.defaults());
    settlement = new WorkQueue(vertx, store, "settlement", WorkQueue.Options.defaults());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** The old outbox's backlog: appended (Outbox.enqueue), some read and failed (pending, retry state), dead letters. */
  void seedOutbox() throws Exception {
    await(store.send(Command.XGROUP, "CREATE", STREAM, "gateway", "0", "MKSTREAM"));
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      String id = "order-" + i;
      writes.add(store.send(Command.XADD, STREAM, "*", "id", id, "payload", new JsonObject().put("orderId", id).encode()));
      if (writes.size() == 200) { // within the pool's waiting queue
        await(Future.all(writes));
        writes.clear();
      }
    }
    await(Future.all(writes));
    var read = await(store.send(Command.XREADGROUP, "GROUP", "gateway", "c-old", "COUNT", 50, "STREAMS", STREAM, ">"));
    assertNotNull(read);
    String firstEntry = await(store.send(Command.XRANGE, STREAM, "-", "+", "COUNT", 1)).get(0).get(0).toString();
    await(store.send(Command.HSET, RETRY, firstEntry, "3:" + (System.currentTimeMillis() + 60_000)));
    for (int i = 0; i < 3; i++) {
      await(store.send(Command.XADD, DEAD, "MAXLEN", "~", 100_000, "*", "id", "dead-" + i, "payload",
          new JsonObject().put("orderId", "dead-" + i).encode()));
    }
  }

  /** The old recovery queue (SettlementRecords.queueRecovery): pharmacy:id by next check, and two of the older form. */
  long seedRecovery() throws Exception {
    long base = System.currentTimeMillis() + 1_000_000;
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < SETTLEMENTS; i++) {
      writes.add(store.send(Command.ZADD, RECOVERY, base + i, "P11010700104:S" + i));
      if (writes.size() == 200) {
        await(Future.all(writes));
        writes.clear();
      }
    }
    writes.add(store.send(Command.ZADD, RECOVERY, base, "S-OLDFORM-1"));
    writes.add(store.send(Command.ZADD, RECOVERY, base, "S-OLDFORM-2"));
    await(Future.all(writes));
    return base;
  }

  String snapshot() {
    return redis.command("ZRANGE", WorkQueue.dueKey("collection"), "0", "-1", "WITHSCORES") + "|"
        + redis.command("ZRANGE", WorkQueue.dueKey("settlement"), "0", "-1", "WITHSCORES") + "|"
        + redis.command("HGETALL", "yb:{queue:collection}:queue:payload") + "|"
        + redis.command("ZRANGE", RECOVERY, "0", "-1");
  }

  @Test
  void aBacklogInBothLegacyQueuesReachesTheWorkQueuesExactlyOnceEvenWhenTwoInstancesMigrateAtOnce() throws Exception {
    seedOutbox();
    long base = seedRecovery();

    // Two instances start together, in small batches so that they interleave.
    await(Future.all(LegacyQueues.migrate(store, collection, settlement, 100),
        LegacyQueues.migrate(store, collection, settlement, 100)));

    assertEquals(ORDERS, Long.parseLong(redis.command("ZCARD", WorkQueue.dueKey("collection"))));
    for (int i = 0; i < ORDERS; i++) {
      String payload = redis.command("HGET", "yb:{queue:collection}:queue:payload", "order-" + i);
      assertEquals("order-" + i, new JsonObject(payload).getString("orderId"), "order-" + i + " queued with its payload");
    }
    assertEquals(SETTLEMENTS, Long.parseLong(redis.command("ZCARD", WorkQueue.dueKey("settlement"))));
    for (int i = 0; i < SETTLEMENTS; i++) {
      assertEquals(Long.toString(base + i), redis.command("ZSCORE", WorkQueue.dueKey("settlement"),
          "P11010700104:S" + i), "S" + i + " queued for its next check");
    }
    assertEquals("0", redis.command("EXISTS", STREAM), "the old outbox stream is gone");
    assertEquals("0", redis.command("EXISTS", RETRY), "its retry state is gone");
    assertEquals("S-OLDFORM-1\nS-OLDFORM-2", redis.command("ZRANGE", RECOVERY, "0", "-1"),
        "only the older form is left, as the old code left it");
    assertEquals("3", redis.command("XLEN", DEAD), "the old dead letters are left for whoever reads them");

    // A restart, or a third instance: nothing more changes.
    String before = snapshot();
    await(LegacyQueues.migrate(store, collection, settlement));
    assertEquals(before, snapshot());
  }

  @Test
  void nothingToMoveIsTwoLooks() throws Exception {
    await(LegacyQueues.migrate(store, collection, settlement));
    assertEquals("0", redis.command("EXISTS", WorkQueue.dueKey("collection")));
    assertEquals("0", redis.command("EXISTS", WorkQueue.dueKey("settlement")));
  }

  @Test
  void anEntryAppendedByAnInstanceNotYetUpgradedIsNotDroppedWithTheStream() throws Exception {
    seedOutbox();
    // The old instance's append lands after the last batch was read: the stream is not empty, so it stays.
    await(LegacyQueues.migrate(store, collection, settlement, 100).compose(x ->
        store.send(Command.XADD, STREAM, "*", "id", "late", "payload", new JsonObject().put("orderId", "late").encode())));
    assertEquals("1", redis.command("XLEN", STREAM));
    await(LegacyQueues.migrate(store, collection, settlement, 100));
    assertNotNull(redis.command("ZSCORE", WorkQueue.dueKey("collection"), "late"));
    assertEquals("0", redis.command("EXISTS", STREAM));
  }
}
