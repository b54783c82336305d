package io.yibao.gateway.testing;

import io.yibao.demo.DemoWiring;
import io.yibao.gateway.Gateway;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway, started exactly as {@code demo} starts one (same configuration loader, same Gateway), on a
 * free port against a test Redis and the shared test sandbox. Overrides are configuration keys
 * ({@code http.port} → value), applied as the environment variables an operator would set.
 */
public final class TestGateway implements AutoCloseable {

  private final Gateway gateway;
  private final Http http;

  private TestGateway(Gateway gateway) {
    this.gateway = gateway;
    this.http = new Http(gateway.port());
  }

  public static TestGateway start(TestRedis redis) {
    return start(redis, Map.of());
  }

  public static TestGateway start(TestRedis redis, Map<String, String> overrides) {
    return start(redis, overrides, true);
  }

  /**
   * A gateway with the shipped budgets (no test raises them): for tests of those budgets, or of traffic that must
   * pass them as they are (many residents behind one address).
   */
  public static TestGateway withShippedLimits(TestRedis redis, Map<String, String> overrides) {
    return start(redis, overrides, false);
  }

  private static TestGateway start(TestRedis redis, Map<String, String> overrides, boolean raiseBudgets) {
    Map<String, String> env = new HashMap<>();
    env.put(ConfigLoader.envName("redis.url"), redis.url());
    env.putAll(DemoWiring.coreAt(TestSandbox.shared().baseUrl()));
    int port = freePort();
    env.put(ConfigLoader.envName("http.port"), Integer.toString(port));
    // The sandbox's payment channel notifies this gateway.
    env.put(ConfigLoader.envName("paymentChannel.notifyUrl"), "http://127.0.0.1:" + port + "/callbacks/payments/wechat");
    env.put(ConfigLoader.envName("management.port"), Integer.toString(freePort()));
    env.put(ConfigLoader.envName("http.instances"), "2");
    env.put(ConfigLoader.envName("http.eventLoops"), "2");
    env.put(ConfigLoader.envName("http.drainSeconds"), "1");
    if (raiseBudgets) {
      // Every test sends from 127.0.0.1, many send forged credentials and wrong codes on purpose, and some drive a
      // pharmacy's day through one terminal or one resident's session in seconds; the budgets are tested on their
      // own (CallerLimitsTest, ScaleOutTest, BindingProofTest).
      for (String budget : List.of("failedAuthenticationsPerClientAddress", "anonymousPerClientAddress",
          "perTerminal", "perPharmacy", "perAccount", "perSession", "perPaymentChannel")) {
        env.put(ConfigLoader.envName("rateLimits." + budget + ".limit"), "1000000");
      }
      env.put(ConfigLoader.envName("identity.realName.perClientAddress.limit"), "1000000");
    }
    overrides.forEach((key, value) -> env.put(ConfigLoader.envName(key), value));
    GatewayConfig config = ConfigLoader.load(List.of("gateway-config/demo.yaml"), null, env);
    try {
      return new TestGateway(Gateway.start(config));
    } catch (Exception e) {
      throw new IllegalStateException("gateway did not start", e);
    }
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public Http http() {
    return http;
  }

  /** The management port (metrics), bound to loopback. */
  public Http management() {
    return new Http(gateway.managementPort());
  }

  public int port() {
    return gateway.port();
  }

  public Gateway gateway() {
    return gateway;
  }

  @Override
  public void close() {
    Http.forget(gateway.port());
    Http.forget(gateway.managementPort());
    try {
      gateway.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
