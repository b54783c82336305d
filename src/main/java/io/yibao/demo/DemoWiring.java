package io.yibao.demo;

import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * Points the gateway's core clients at a sandbox, by the same environment overrides an operator would use.
 * Lives outside {@code io.yibao.gateway}, which never knows the sandbox exists.
 */
public final class DemoWiring {

  private DemoWiring() {
  }

  /** The sandbox path prefix of each core system. */
  public static String sandboxPrefix(String system) {
    return "payment".equals(system) ? "pay" : system;
  }

  /** The demo's configuration profile, loaded on top of gateway.yaml. */
  public static final String DEMO_PROFILE = "gateway-config/demo.yaml";

  /**
   * The demo's environment: the operator's {@code env}, with the gateway wired to the demo's Redis and to the
   * sandbox's core systems, and the payment channel's notifies sent to the port the gateway listens on (unless the
   * operator chose a notify URL: a file or {@code YB_PAYMENT_CHANNEL_NOTIFY_URL} naming another than the default).
   * {@code config} is the configuration loaded before the wiring.
   */
  public static Map<String, String> demoEnvironment(GatewayConfig config, Map<String, String> env, String redisUrl,
                                                    String sandboxBaseUrl) {
    Map<String, String> out = new HashMap<>(env);
    out.put(ConfigLoader.envName("redis.url"), redisUrl);
    out.putAll(coreAt(sandboxBaseUrl));
    String notifyUrl = ConfigLoader.envName("paymentChannel.notifyUrl");
    java.net.URI bundled = ConfigLoader.load(java.util.List.of(DEMO_PROFILE), null, Map.of()).paymentChannel()
        .notifyUrl();
    if (!env.containsKey(notifyUrl) && config.paymentChannel().notifyUrl().equals(bundled)) {
      out.put(notifyUrl, callbackUrl(config.http().port()));
    }
    return out;
  }

  /** Where the in-process sandbox reaches the gateway's payment callback. */
  public static String callbackUrl(int gatewayPort) {
    return "http://127.0.0.1:" + gatewayPort + "/callbacks/payments/wechat";
  }

  /** Environment overrides that send every core client to the sandbox at {@code sandboxBaseUrl}. */
  public static Map<String, String> coreAt(String sandboxBaseUrl) {
    Map<String, String> env = new HashMap<>();
    for (String system : GatewayConfig.CORE_SYSTEMS) {
      env.put(ConfigLoader.envName("core." + system + ".baseUrl"), sandboxBaseUrl + "/" + sandboxPrefix(system));
    }
    return env;
  }
}
