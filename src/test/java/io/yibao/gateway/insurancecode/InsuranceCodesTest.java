package io.yibao.gateway.insurancecode;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.privacy.Pseudonyms;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A code is recorded only while the account may show that person's code, in the same step that records it: a
 * binding that ends while a code is being issued (after the endpoint's own check) cannot leave a live code behind.
 */
class InsuranceCodesTest {

  static TestRedis redis;
  static Vertx vertx;
  static RedisStore store;
  static InsuranceCodes codes;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    vertx = Vertx.vertx();
    GatewayConfig config = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null,
        Map.of(ConfigLoader.envName("redis.url"), redis.url()));
    store = redis.connectedStore(vertx, config.redis());
    codes = new InsuranceCodes(store, config.insuranceCode(), new Pseudonyms(config.security().pepper()));
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    redis.close();
  }

  static void refused(io.vertx.core.Future<?> f) {
    Throwable e = failure(Throwable.class, f);
    assertEquals(ProblemException.class, e.getClass(), e.toString());
  }

  @Test
  void aCodeIsOnlyRecordedWhileTheAccountMayShowIt() throws Exception {
    refused(codes.issue("acct-1", "sid-1", "dev-1", "P-SELF"));
    assertEquals("", redis.command("KEYS", "yb:{code:*"), "no live code left");

    await(codes.activate("acct-1", "P-SELF"));
    String own = await(codes.issue("acct-1", "sid-1", "dev-1", "P-SELF")).code();
    refused(codes.issue("acct-1", "sid-1", "dev-1", "P-CHILD"));
    await(codes.addProxy("acct-1", "P-CHILD", new JsonObject().put("relation", "CHILD")));
    String child = await(codes.issue("acct-1", "sid-1", "dev-1", "P-CHILD")).code();
    assertNotNull(await(codes.live(own)));
    assertNotNull(await(codes.live(child)));

    await(codes.bindingEnded("acct-1", "P-SELF"));
    assertNull(await(codes.live(own)));
    assertNull(await(codes.live(child)));
    refused(codes.issue("acct-1", "sid-1", "dev-1", "P-SELF"));
    refused(codes.issue("acct-1", "sid-1", "dev-1", "P-CHILD"));
  }
}
