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

  /** Environment overrides that send every core client to the sandbox at {@code sandboxBaseUrl}. */
  public static Map<String, String> coreAt(String sandboxBaseUrl) {
    Map<String, String> env = new HashMap<>();
    for (String system : GatewayConfig.CORE_SYSTEMS) {
      env.put(ConfigLoader.envName("core." + system + ".baseUrl"), sandboxBaseUrl + "/" + sandboxPrefix(system));
    }
    return env;
  }
}
