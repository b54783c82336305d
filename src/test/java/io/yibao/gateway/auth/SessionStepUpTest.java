package io.yibao.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.yibao.gateway.testing.Await.await;
import static io.yibao.gateway.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions against a real Redis: a step-up marks a live session and never brings back one that ended meanwhile (as a
 * hash without a TTL); sign-ins racing on one account keep the device limit although each script is handed the
 * sessions read a moment before (a script whose list is stale answers RETRY and is run again).
 */
class SessionStepUpTest {

  static TestRedis redis;
  static Vertx vertx;
  static RedisStore store;
  static Sessions sessions;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    vertx = Vertx.vertx();
    GatewayConfig config = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null,
        Map.of(ConfigLoader.envName("redis.url"), redis.url()));
    store = redis.connectedStore(vertx, config.redis());
    sessions = new Sessions(store, config.identity(), config.rateLimits());
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.close();
  }

  @Test
  void aStepUpKeepsTheSessionsTtl() throws Exception {
    Sessions.Created created = await(sessions.create("acct-live", "dev-1", "phone"));
    String key = Sessions.sessionKey("acct-live", created.sessionId());
    long until = await(sessions.stepUp("acct-live", created.sessionId()));
    assertEquals(Long.toString(until), redis.command("HGET", key, "su"));
    assertTrue(Long.parseLong(redis.command("PTTL", key)) > 0, "still bounded by the idle timeout");
  }

  @Test
  void aSessionThatEndedIsNotBroughtBackByAStepUp() throws Exception {
    Sessions.Created created = await(sessions.create("acct-gone", "dev-1", "phone"));
    String key = Sessions.sessionKey("acct-gone", created.sessionId());
    redis.command("DEL", key); // the idle timeout ran out between the request's check and the step-up
    Throwable failed = failure(Throwable.class, sessions.stepUp("acct-gone", created.sessionId()));
    assertTrue(failed instanceof io.yibao.gateway.http.ProblemException, failed.toString());
    assertEquals("0", redis.command("EXISTS", key), "no session hash without a TTL");
    assertEquals(0, await(store.send(Command.EXISTS, key)).toInteger());
  }

  @Test
  void signInsRacingOnOneAccountKeepTheDeviceLimit() throws Exception {
    List<io.vertx.core.Future<Sessions.Created>> racing = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      racing.add(sessions.create("acct-race", "dev-" + i, "phone " + i));
    }
    await(io.vertx.core.Future.all(racing));
    List<String> evicted = new java.util.ArrayList<>();
    for (var created : racing) {
      evicted.addAll(created.result().evicted());
    }
    int maxDevices = 5;
    assertEquals(12 - maxDevices, evicted.size(), "each sign-in past the limit signed exactly one out");
    assertEquals(Integer.toString(maxDevices), redis.command("ZCARD", Sessions.indexKey("acct-race")));
    for (String sid : evicted) {
      assertEquals("0", redis.command("EXISTS", Sessions.sessionKey("acct-race", sid)));
    }
    assertEquals(maxDevices, await(sessions.list("acct-race")).size());
  }
}
