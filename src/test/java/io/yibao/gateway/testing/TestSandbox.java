package io.yibao.gateway.testing;

import io.vertx.core.json.JsonObject;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;

import java.net.http.HttpRequest;

/**
 * The sandbox of the core systems for tests, started in-process once per test JVM (seeded population of 2 000
 * plus the demo personas). Tests that inject faults clear them when they finish ({@link #clearFaults()}).
 */
public final class TestSandbox {

  private static Sandbox shared;

  private TestSandbox() {
  }

  public static synchronized Sandbox shared() {
    if (shared == null) {
      try {
        shared = Sandbox.start(SandboxOptions.forTests());
      } catch (Exception e) {
        throw new IllegalStateException("sandbox did not start", e);
      }
    }
    return shared;
  }

  public static Http http() {
    return new Http(shared().port());
  }

  /** Sets faults on one service, e.g. {@code fault("settlement", new JsonObject().put("hang", true))}. */
  public static void fault(String service, JsonObject fault) {
    int status = http().postJson("/_sandbox/faults", fault.copy().put("service", service).encode()).statusCode();
    if (status != 200) {
      throw new IllegalStateException("fault not set: " + status);
    }
  }

  public static void clearFaults() {
    http().send(http().request("/_sandbox/faults").DELETE().build());
  }

  /** Requests a service has received so far. */
  public static long received(String service) {
    return new JsonObject(http().get("/_sandbox/stats").body()).getJsonObject("requests").getLong(service, 0L);
  }

  static HttpRequest.Builder request(String path) {
    return http().request(path);
  }
}
