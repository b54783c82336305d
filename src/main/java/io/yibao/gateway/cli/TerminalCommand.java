package io.yibao.gateway.cli;

import io.yibao.gateway.pharmacy.Terminal;
import io.yibao.gateway.pharmacy.Terminals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.yibao.gateway.config.ConfigException;
import io.yibao.gateway.config.ConfigLoader;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.redis.RedisStore;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The admin command for pharmacy terminals, run against the Redis of the configuration (the same layers as
 * {@code serve}: defaults, {@code --config FILE}, {@code YB_*} environment variables):
 * <pre>
 *   terminal add     --pharmacy P11010500001 --terminal T110105000017-03 [--config FILE]
 *   terminal disable --terminal T110105000017-03 [--config FILE]
 * </pre>
 * {@code add} issues a fresh secret and prints it once; the gateway keeps it only encrypted and cannot show it
 * again. An id that belongs to a terminal that is not disabled is refused; a disabled id may be added again, which
 * is how a lost or leaked secret is replaced. Exit codes: 0 done, 1 failed (Redis unreachable, ...), 2 bad usage,
 * bad configuration, or an id the command cannot act on (already registered, no such terminal).
 */
public final class TerminalCommand {

  private static final long WAIT_SECONDS = 30;

  private TerminalCommand() {
  }

  /** Parses {@code args} (what follows {@code terminal}), loads the configuration and runs the command. */
  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String action = args.isEmpty() ? "" : args.get(0);
    String pharmacy = null;
    String terminal = null;
    Path configFile = null;
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (arg) {
        case "--pharmacy" -> pharmacy = value;
        case "--terminal" -> terminal = value;
        case "--config" -> configFile = value == null ? null : Path.of(value);
        default -> {
          return usage(err, "unknown argument " + arg);
        }
      }
      if (value == null) {
        return usage(err, arg + " needs a value");
      }
      i++;
    }
    switch (action) {
      case "add" -> {
        if (terminal == null || pharmacy == null) {
          return usage(err, "terminal add needs --pharmacy and --terminal");
        }
      }
      case "disable" -> {
        if (terminal == null) {
          return usage(err, "terminal disable needs --terminal");
        }
        if (pharmacy != null) {
          return usage(err, "terminal disable takes no --pharmacy");
        }
      }
      default -> {
        return usage(err, action.isEmpty() ? "terminal needs add or disable" : "unknown terminal command " + action);
      }
    }
    if (!Terminals.validTerminalId(terminal)) {
      return error(err, 2, "terminal id must be 4-32 characters of A-Z, a-z, 0-9 and '-'");
    }
    if (pharmacy != null && !Terminals.validFixmedinsCode(pharmacy)) {
      return error(err, 2, "pharmacy code (fixmedins_code) must be 12 characters of A-Z and 0-9, like P11010500001");
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(List.of(), configFile, env);
    } catch (ConfigException e) {
      return error(err, 2, "configuration error: " + e.getMessage());
    }
    return action.equals("add") ? add(config, terminal, pharmacy, out, err) : disable(config, terminal, out, err);
  }

  /** Issues a secret for a new terminal and prints it with instructions. */
  public static int add(GatewayConfig config, String terminalId, String fixmedinsCode, PrintStream out,
                        PrintStream err) {
    return withTerminals(config, err, terminals -> terminals.issue(terminalId, fixmedinsCode).map(secret -> {
      out.println("Terminal " + terminalId + " is registered for pharmacy " + fixmedinsCode + ".");
      out.println("Its secret follows. It is shown ONCE: the gateway keeps it only encrypted and cannot show it again.");
      out.println();
      out.println("  " + secret);
      out.println();
      out.println("Enter it in the terminal's configuration now; never put it in logs, tickets, e-mail or chat.");
      out.println("The terminal signs every /pos/v1 request with HMAC-SHA256 keyed by this secret and sends");
      out.println("X-Terminal-Id, X-Timestamp, X-Nonce and X-Signature (see the POS integration guide).");
      out.println("If the secret is lost or leaked: terminal disable --terminal " + terminalId
          + ", then terminal add again for a new one.");
      return 0;
    }), failure -> failure instanceof Terminals.TerminalExistsException
        ? error(err, 2, "terminal " + terminalId + " is already registered; disable it first to issue a new secret")
        : null);
  }

  public static int disable(GatewayConfig config, String terminalId, PrintStream out, PrintStream err) {
    return withTerminals(config, err, terminals -> terminals.disable(terminalId).map(existed -> {
      if (!existed) {
        return error(err, 2, "no terminal " + terminalId + " is registered");
      }
      out.println("Terminal " + terminalId + " is disabled. Gateways refuse its requests within "
          + Terminals.CACHE_TTL.toSeconds() + " s.");
      return 0;
    }), failure -> null);
  }

  private static int withTerminals(GatewayConfig config, PrintStream err,
                                   Function<Terminals, Future<Integer>> action,
                                   Function<Throwable, Integer> expectedFailure) {
    Vertx vertx = Vertx.vertx();
    RedisStore redis = RedisStore.create(vertx, config.redis());
    try {
      Terminals terminals = new Terminals(redis, config.security().terminalSecretKey(), Duration.ZERO);
      return action.apply(terminals).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Integer handled = expectedFailure.apply(e.getCause());
      if (handled != null) {
        return handled;
      }
      if (e.getCause() instanceof ProblemException) {
        return error(err, 1, "Redis at " + config.redis().safeUrl() + " is not reachable");
      }
      return error(err, 1, "failed: " + e.getCause());
    } catch (TimeoutException e) {
      return error(err, 1, "Redis at " + config.redis().safeUrl() + " did not answer within " + WAIT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(err, 1, "interrupted");
    } finally {
      redis.close();
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the process is about to exit
      }
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println("yibao-gateway: " + problem + " (usage: terminal add --pharmacy CODE --terminal ID [--config FILE]"
        + " | terminal disable --terminal ID [--config FILE])");
    return 2;
  }

  private static int error(PrintStream err, int exitCode, String message) {
    err.println("yibao-gateway: " + message);
    return exitCode;
  }
}
