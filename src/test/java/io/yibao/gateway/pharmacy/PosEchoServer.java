package io.yibao.gateway.pharmacy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.Contract;
import io.yibao.gateway.http.GatewayRouter;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.TestRedis;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's router (GatewayRouter, as the gateway builds it) over a one-operation contract,
 * {@code POST /pos/v1/echo} behind {@code terminalSignature}, answering with the terminal it saw. Each server has
 * its own Terminals, as each gateway verticle does.
 */
public final class PosEchoServer implements AutoCloseable {

  public static final byte[] TERMINAL_SECRET_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final int SKEW_SECONDS = 300;

  final Vertx vertx;
  final RedisStore redis;
  final Terminals terminals;
  final Http http;
  private final HttpServer server;

  private PosEchoServer(Vertx vertx, RedisStore redis, Terminals terminals, HttpServer server) {
    this.vertx = vertx;
    this.redis = redis;
    this.terminals = terminals;
    this.server = server;
    this.http = new Http(server.actualPort());
  }

  static RedisStore redis(Vertx vertx, TestRedis redis) {
    return RedisStore.create(vertx, new GatewayConfig.Redis(URI.create(redis.url()), 4, 1024, 1000, 2000));
  }

  public static PosEchoServer start(TestRedis testRedis, Duration cacheTtl) {
    Vertx vertx = Vertx.vertx();
    RedisStore redis = redis(vertx, testRedis);
    Terminals terminals = new Terminals(redis, TERMINAL_SECRET_KEY, cacheTtl);
    Operations ops = new Operations().on("posEcho", rc -> {
      Terminal t = Terminal.of(rc);
      Responses.json(rc, 200, new JsonObject().put("terminalId", t.terminalId())
          .put("fixmedinsCode", t.fixmedinsCode()));
    });
    Contract contract = Contract.load("terminal-test-contract.yaml");
    try {
      HttpServer server = contract.open(vertx).compose(c -> {
        Router router = GatewayRouter.create(vertx, c, ops, new GatewayRouter.Settings(false, List.of(), 5000, 65536),
            List.of(), Map.of("terminalSignature", echoHandler(terminals, redis)));
        return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
      }).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      return new PosEchoServer(vertx, redis, terminals, server);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("test server did not start", e);
    }
  }

  /**
   * Budgets out of the way: these tests send every kind of forged and correctly signed request from 127.0.0.1
   * (the budgets themselves are tested through the gateway in CallerLimitsTest).
   */
  static TerminalAuthHandler echoHandler(Terminals terminals, RedisStore redis) {
    GatewayConfig.Limit high = new GatewayConfig.Limit(1_000_000, 60);
    GatewayConfig.RateLimits limits = new GatewayConfig.RateLimits(high, high, high, high, high, high, high, high);
    return new TerminalAuthHandler(terminals, SKEW_SECONDS, high, high,
        new io.yibao.gateway.ratelimit.ClientAddressLimit(new io.yibao.gateway.ratelimit.RateLimiter(redis),
            new io.yibao.gateway.http.ClientAddress(List.of()), limits));
  }

  /** Sends {@code method pathWithQuery} with the given headers and body (null: none). */
  public HttpResponse<String> send(String method, String pathWithQuery, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder request = http.request(pathWithQuery);
    headers.forEach(request::header);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(request.build());
  }

  /** A correctly signed request, stamped now with a fresh nonce. */
  public HttpResponse<String> signed(String terminalId, String secret, String method, String pathWithQuery, byte[] body) {
    return send(method, pathWithQuery, TerminalSignature.headers(terminalId, secret, method, pathWithQuery, body), body);
  }

  @Override
  public void close() {
    Http.forget(server.actualPort());
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
