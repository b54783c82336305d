package io.yibao.gateway.wechatpay;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.yibao.demo.DemoWiring;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.core.CoreGuards;
import io.yibao.gateway.testing.TestSandbox;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gateway's payment client against the shared sandbox, built as a verticle builds it: the demo configuration
 * with the core clients pointed at the sandbox, guards, clients, and a notify URL of the test's choosing. Plus the
 * sandbox's admin calls a test plays the paying person with.
 */
final class SandboxChannel implements AutoCloseable {

  final GatewayConfig config;
  final Vertx vertx = Vertx.vertx();
  final CoreClients clients;
  final WechatPayClient client;

  SandboxChannel(String notifyUrl, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(DemoWiring.coreAt(TestSandbox.shared().baseUrl()));
    env.put("YB_PAYMENT_CHANNEL_NOTIFY_URL", notifyUrl);
    env.putAll(overrides);
    config = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null, env);
    clients = new CoreClients(vertx, new CoreGuards(config.core(), new SimpleMeterRegistry()));
    client = new WechatPayClient(clients, config);
  }

  /** A fresh out_trade_no: 32 hex digits of a random UUID, as the gateway would mint one. */
  static String outTradeNo() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** The person pays the prepaid order at the sandbox; the channel sends its notify. */
  static JsonObject confirm(String prepayId) {
    HttpResponse<String> paid = TestSandbox.http().postJson("/_sandbox/pay/" + prepayId + "/confirm", "{}");
    assertEquals(200, paid.statusCode(), paid.body());
    return new JsonObject(paid.body());
  }

  /** The sandbox's record of the order's notify: state and attempts. */
  static JsonObject notifies(String outTradeNo) {
    return new JsonObject(TestSandbox.http().get("/_sandbox/pay/notifies?out_trade_no=" + outTradeNo).body());
  }

  @Override
  public void close() throws Exception {
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
