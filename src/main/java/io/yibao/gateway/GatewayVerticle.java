package io.yibao.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.GatewayRouter;
import io.yibao.gateway.http.HttpEdge;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.ops.ReadinessCheck;
import io.yibao.gateway.redis.RedisStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gateway instance on one event loop: its own Redis pool, its own router built from the contract, and a
 * share of the listening port. Instances share nothing in memory; whatever must be shared lives in Redis. The
 * instance builds its {@link Infrastructure} once and hands it to every feature ({@link GatewayFeatures}); the
 * features register their operations, security schemes and readiness checks, and start and stop their background
 * work with it.
 */
final class GatewayVerticle extends VerticleBase {

  private final GatewayConfig config;
  private final Gateway.Shared shared;
  private final int port;
  private RedisStore redis;
  private CoreClients core;
  private List<Feature> features = List.of();
  private HttpServer server;

  GatewayVerticle(GatewayConfig config, Gateway.Shared shared, int port) {
    this.config = config;
    this.shared = shared;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    redis = RedisStore.create(vertx, config.redis());
    core = new CoreClients(vertx, shared.coreGuards());
    Infrastructure infra = Infrastructure.create(vertx, config, shared.registry(), redis, core,
        shared.residentTokens());
    features = GatewayFeatures.all(infra, shared.docs(), infrastructureChecks());
    Operations operations = new Operations();
    Map<String, AuthenticationHandler> security = new HashMap<>();
    for (Feature feature : features) {
      feature.register(operations);
      feature.securityHandlers().forEach((scheme, handler) -> {
        if (security.putIfAbsent(scheme, handler) != null) {
          throw new IllegalStateException("two features handle the security scheme " + scheme);
        }
      });
    }
    // A start that fails anywhere stops what the features started: Vert.x does not call stop() then.
    return start(0).compose(started -> shared.contract().open(vertx))
        .compose(contract -> listen(GatewayRouter.create(vertx, contract, operations, settings(),
            // Who is limited where: the process's flood guard for everyone (memory), the per-address budget only
            // for anonymous operations; residents in the session check, terminals in the nonce step, channels per
            // channel.
            List.of(shared.floodGuard(), infra.addressLimit().anonymousGuard(contract)), security)))
        .onFailure(failed -> features.forEach(Feature::stop));
  }

  private Future<HttpServer> listen(Router router) {
    server = HttpEdge.install(vertx.createHttpServer(HttpEdge.options()
            .setIdleTimeout(config.http().idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setCompressionSupported(true)
            // Most answers are a few hundred bytes: compressing them costs CPU and saves nothing on the wire.
            .setCompressionContentSizeThreshold(1024)
            .setTcpNoDelay(true)
            // HTTP/1.1 only on this plain port: HTTP/2 and TLS end at the load balancer. Upgrading to h2c here
            // lost large answers (a /metrics scrape that the server had ended never reached the JDK client) and
            // dropped in-flight streams on graceful shutdown.
            .setHttp2ClearTextEnabled(false)), router, config.production());
    return server.listen(port, config.http().host());
  }

  /** Starts the features one after the other, from the {@code i}-th. */
  private Future<Void> start(int i) {
    return i == features.size() ? Future.succeededFuture() : features.get(i).start().compose(x -> start(i + 1));
  }

  /** Readiness of what every feature shares: Redis and each core system's breaker. */
  private List<ReadinessCheck> infrastructureChecks() {
    List<ReadinessCheck> checks = new ArrayList<>();
    checks.add(new ReadinessCheck() {
      public String name() {
        return "redis";
      }

      public Future<String> check() {
        return redis.ping().map("UP");
      }
    });
    checks.addAll(shared.coreGuards().readinessChecks());
    return checks;
  }

  private GatewayRouter.Settings settings() {
    return new GatewayRouter.Settings(config.production(), config.http().corsAllowedOrigins(),
        config.http().requestTimeoutMillis(), config.http().bodyLimitBytes());
  }

  /**
   * Stops accepting and the features' background work, lets in-flight requests finish within the drain time, then
   * closes the core clients and Redis.
   */
  @Override
  public Future<?> stop() {
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.http().drainSeconds(), TimeUnit.SECONDS);
    // Background work stops at once: nothing new is claimed while the in-flight requests drain.
    features.forEach(Feature::stop);
    return drained.eventually(() -> {
      if (core != null) {
        core.close();
      }
      return redis == null ? Future.succeededFuture() : redis.close();
    });
  }
}
