package io.yibao;

import io.yibao.gateway.config.ConfigException;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.cli.TerminalCommand;
import io.yibao.demo.DemoRedis;
import io.yibao.demo.DemoWiring;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.gateway.Gateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Command line:
 * <pre>
 *   java -jar yibao-gateway.jar serve [--config FILE]   production: Redis and core URLs from configuration
 *   java -jar yibao-gateway.jar demo  [--config FILE]   everything embedded, for a laptop
 *   java -jar yibao-gateway.jar sandbox [--config FILE] the sandbox of the core systems alone
 *   java -jar yibao-gateway.jar terminal add --pharmacy CODE --terminal ID [--config FILE]
 *   java -jar yibao-gateway.jar terminal disable --terminal ID [--config FILE]
 *                                                       register (issuing a secret) or disable a pharmacy terminal
 * </pre>
 * Exit codes: 0 stopped normally, 1 failed at run time, 2 bad configuration or usage.
 */
public final class Main {

  private static final String DEMO_PROFILE = DemoWiring.DEMO_PROFILE;

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      usage();
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    if (command.equals("terminal")) {
      return TerminalCommand.run(List.of(args).subList(1, args.length), System.getenv(), System.out, System.err);
    }
    Path configFile = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        configFile = Path.of(args[++i]);
      } else {
        System.err.println("yibao-gateway: unknown argument " + args[i]);
        usage();
        return 2;
      }
    }
    try {
      return switch (command) {
        case "serve" -> serve(ConfigLoader.load(List.of(), configFile, System.getenv()), null, null);
        case "demo" -> demo(configFile);
        case "sandbox" -> sandbox(configFile);
        default -> {
          System.err.println("yibao-gateway: unknown command " + command);
          usage();
          yield 2;
        }
      };
    } catch (ConfigException e) {
      System.err.println("yibao-gateway: configuration error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("yibao-gateway: failed to start: " + e);
      return 1;
    }
  }

  private static int demo(Path configFile) throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    GatewayConfig config = ConfigLoader.load(List.of(DEMO_PROFILE), configFile, env);
    DemoRedis redis = DemoRedis.resolve(System.getenv("REDIS_URL"));
    Sandbox sandbox = startSandbox(config, true);
    config = ConfigLoader.load(List.of(DEMO_PROFILE), configFile,
        DemoWiring.demoEnvironment(config, env, redis.url(), sandbox.baseUrl()));
    return serve(config, redis, sandbox);
  }

  private static Sandbox startSandbox(GatewayConfig config, boolean printSms) throws Exception {
    String callback = DemoWiring.callbackUrl(config.http().port());
    return Sandbox.start(new SandboxOptions(config.sandbox().port(), config.sandbox().seed(),
        config.sandbox().population(), printSms, callback));
  }

  /** The sandbox alone, for running the core systems beside a gateway started elsewhere (and for load tests). */
  private static int sandbox(Path configFile) throws Exception {
    GatewayConfig config = ConfigLoader.load(List.of(DEMO_PROFILE), configFile, System.getenv());
    Sandbox sandbox = startSandbox(config, true);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sandbox.close();
      stopped.countDown();
    }, "sandbox-stop"));
    System.out.println("yibao sandbox (core systems) is up at " + sandbox.baseUrl()
        + " with " + sandbox.world().registry().size() + " persons");
    System.out.println("  personas     " + sandbox.baseUrl() + "/_sandbox/personas");
    System.out.println("Stop with Ctrl+C.");
    stopped.await();
    return 0;
  }

  private static int serve(GatewayConfig config, DemoRedis demoRedis, Sandbox sandbox) throws Exception {
    io.yibao.gateway.ops.JvmFlags.adviseAtStart();
    Gateway gateway = Gateway.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.stop().toCompletionStage().toCompletableFuture()
            .get(config.http().drainSeconds() + 5L, TimeUnit.SECONDS);
        if (sandbox != null) {
          sandbox.close();
        }
        if (demoRedis != null) {
          demoRedis.close();
        }
      } catch (Exception e) {
        System.err.println("yibao-gateway: unclean stop: " + e);
      } finally {
        // Last: the log writer writes what is still queued (what the sandbox and Redis logged while closing).
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
          logs.stop();
        }
        stopped.countDown();
      }
    }, "graceful-stop"));
    banner(config, gateway, demoRedis, sandbox);
    stopped.await();
    return 0;
  }

  private static void banner(GatewayConfig config, Gateway gateway, DemoRedis demoRedis, Sandbox sandbox) {
    String base = "http://" + (config.http().host().equals("0.0.0.0") ? "localhost" : config.http().host()) + ":"
        + gateway.port();
    List<String> lines = new ArrayList<>();
    lines.add("yibao-gateway " + config.mode().name().toLowerCase() + " mode is up");
    lines.add("  API          " + base + "/api/v1");
    lines.add("  API docs     " + base + "/docs");
    lines.add("  contract     " + base + "/openapi.yaml");
    lines.add("  readiness    " + base + "/health/ready");
    lines.add("  metrics      http://" + config.management().host() + ":" + gateway.managementPort()
        + "/metrics (management port)");
    if (demoRedis != null) {
      lines.add("  redis        " + (demoRedis.embedded() ? "embedded redis-server at " : "") + config.redis().safeUrl());
    } else {
      lines.add("  redis        " + config.redis().safeUrl());
    }
    if (sandbox != null) {
      lines.add("  sandbox      " + sandbox.baseUrl() + " (core systems, " + sandbox.world().registry().size()
          + " persons; faults: POST " + sandbox.baseUrl() + "/_sandbox/faults)");
      lines.add("  personas     " + sandbox.baseUrl() + "/_sandbox/personas");
    }
    lines.add("Stop with Ctrl+C (or SIGTERM): in-flight requests get " + config.http().drainSeconds() + " s to finish.");
    lines.forEach(System.out::println);
  }

  private static void usage() {
    System.err.println("""
        usage:
          java -jar yibao-gateway.jar serve [--config FILE]   run against the Redis and core systems in the configuration
          java -jar yibao-gateway.jar demo  [--config FILE]   run with embedded Redis (or $REDIS_URL) and the sandbox core
          java -jar yibao-gateway.jar sandbox [--config FILE] run only the sandbox of the core systems (port sandbox.port)
          java -jar yibao-gateway.jar terminal add --pharmacy P11010500001 --terminal T110105000017-03 [--config FILE]
                                                      register a pharmacy terminal; prints its new secret once
          java -jar yibao-gateway.jar terminal disable --terminal T110105000017-03 [--config FILE]
                                                      refuse a terminal's requests from now on (within 30 s)
        configuration: gateway-config/gateway.yaml lists every key; YB_<KEY_PATH> environment variables override.""");
  }
}
