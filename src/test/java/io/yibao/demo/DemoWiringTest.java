package io.yibao.demo;

import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The demo wires the gateway to its Redis and sandbox; the channel's notifies follow the gateway's port. */
class DemoWiringTest {

  static GatewayConfig demo(Map<String, String> env) {
    GatewayConfig first = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null, env);
    return ConfigLoader.load(List.of("gateway-config/demo.yaml"), null,
        DemoWiring.demoEnvironment(first, env, "redis://127.0.0.1:16379", "http://127.0.0.1:18090"));
  }

  @Test
  void theNotifyUrlFollowsTheGatewaysPort() {
    GatewayConfig config = demo(Map.of("YB_HTTP_PORT", "18080"));
    assertEquals(18080, config.http().port());
    assertEquals("http://127.0.0.1:18090/accounts", config.core().get("accounts").baseUrl().toString());
    assertEquals("http://127.0.0.1:18080/callbacks/payments/wechat", config.paymentChannel().notifyUrl().toString());
  }

  @Test
  void aNotifyUrlTheOperatorSetIsKept() {
    GatewayConfig config = demo(Map.of("YB_HTTP_PORT", "18080",
        "YB_PAYMENT_CHANNEL_NOTIFY_URL", "https://demo.example.cn/callbacks/payments/wechat"));
    assertEquals("https://demo.example.cn/callbacks/payments/wechat", config.paymentChannel().notifyUrl().toString());
  }

  @Test
  void theDefaultPortKeepsTheDefaultNotifyUrl() {
    assertEquals("http://127.0.0.1:8080/callbacks/payments/wechat",
        demo(Map.of()).paymentChannel().notifyUrl().toString());
  }
}
