package io.yibao.gateway;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.yibao.gateway.auth.AccessTokens;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreGuards;
import io.yibao.gateway.http.AsyncLineAppender;
import io.yibao.gateway.http.Contract;
import io.yibao.gateway.ops.ApiDocs;
import io.yibao.gateway.ops.ManagementServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A running gateway: one Vert.x instance with metrics, and {@code http.instances} gateway verticles sharing the
 * listening port. {@link #stop()} drains gracefully.
 */
public final class Gateway {

  /** Read-only things every verticle instance uses; built once. */
  /**
   * What every verticle instance shares. {@code residentTokens}: one per gateway, so its bounded memory of verified
   * tokens is bounded per process, not per event loop. {@code floodGuard}: the per-address ceiling of this process.
   */
  record Shared(PrometheusMeterRegistry registry, Contract contract, ApiDocs docs, CoreGuards coreGuards,
                AccessTokens residentTokens, io.yibao.gateway.ratelimit.FloodGuard floodGuard) {
  }

  private final Vertx vertx;
  private final GatewayConfig config;
  private final int port;
  private final int managementPort;

  private final Shared shared;

  private Gateway(Vertx vertx, GatewayConfig config, int port, int managementPort, Shared shared) {
    this.vertx = vertx;
    this.config = config;
    this.port = port;
    this.managementPort = managementPort;
    this.shared = shared;
  }

  /**
   * Starts a gateway and waits until every instance listens. Blocking: call it from {@code main} or a test,
   * never from an event loop. Reading the docs into memory happens here too, on the caller's thread.
   */
  public static Gateway start(GatewayConfig config) throws Exception {
    PrometheusMeterRegistry registry = newRegistry();
    Contract contract = Contract.load();
    Shared shared = new Shared(registry, contract, ApiDocs.load(contract), new CoreGuards(config.core(), registry),
        new AccessTokens(config.security().residentTokenKeys(), "resident", config.identity().accessTokenSeconds()),
        new io.yibao.gateway.ratelimit.FloodGuard(new io.yibao.gateway.http.ClientAddress(config.http().trustedProxies()),
            config.rateLimits().floodGuardPerClientAddress()));
    int eventLoops = config.http().eventLoops() > 0 ? config.http().eventLoops()
        : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    int instances = config.http().instances() > 0 ? config.http().instances() : eventLoops;
    // All instances must bind the same port: when asked for "any" (0), pick a concrete free one for them.
    int port = config.http().port() == 0 ? freePort() : config.http().port();
    int managementPort = config.management().port() == 0 ? freePort() : config.management().port();

    Vertx vertx = Vertx.builder()
        .with(new VertxOptions()
            .setEventLoopPoolSize(eventLoops)
            .setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                // Only what the README promises (requests and latency by route, and the core calls): every other
                // category is a meter lookup on every socket, pool use and Redis command, paid on the event loop.
                .setDisabledMetricsCategories(java.util.Set.of(MetricsDomain.NET_SERVER.toCategory(),
                    MetricsDomain.NET_CLIENT.toCategory(), MetricsDomain.EVENT_BUS.toCategory(),
                    MetricsDomain.NAMED_POOLS.toCategory(), MetricsDomain.DATAGRAM_SOCKET.toCategory(),
                    MetricsDomain.VERTICLES.toCategory(), "redis"))
                .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    DeploymentOptions options = new DeploymentOptions().setInstances(instances);
    Gateway gateway = new Gateway(vertx, config, port, managementPort, shared);
    try {
      vertx.deployVerticle(() -> new GatewayVerticle(config, shared, port), options)
          .compose(deployed -> ManagementServer.start(vertx, registry, config.management(), managementPort))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return gateway;
    } catch (ExecutionException e) {
      vertx.close();
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Latency histograms for the HTTP server and client, so p99 per route can be computed in Prometheus.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().startsWith("vertx.http.")) {
          return DistributionStatisticConfig.builder().percentilesHistogram(true)
              .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
              .maximumExpectedValue((double) Duration.ofSeconds(30).toNanos())
              .build().merge(config);
        }
        return config;
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port the gateway listens on (the one picked when configured with 0). */
  public int port() {
    return port;
  }

  /** The management port (metrics), loopback unless configured otherwise. */
  public int managementPort() {
    return managementPort;
  }

  public GatewayConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The core systems' breakers and bulkheads of this process. */
  public CoreGuards coreGuards() {
    return shared.coreGuards();
  }

  /** How long a stop waits for the log writer to write what was logged before it (stdout may be a slow pipe). */
  private static final Duration LOG_FLUSH = Duration.ofSeconds(5);

  /**
   * Graceful stop: each instance stops accepting, drains within {@code http.drainSeconds}, closes Redis; then the
   * log writer writes every line logged so far (the access lines of the drained requests among them), since the
   * process may end as soon as this completes. The flush waits on a thread of its own, not on Vert.x's.
   */
  public Future<Void> stop() {
    return vertx.close().transform(closed -> Future.fromCompletionStage(CompletableFuture.runAsync(() -> {
      if (!AsyncLineAppender.flushAll(LOG_FLUSH)) {
        System.err.println("yibao-gateway: the log was not written within " + LOG_FLUSH.toSeconds() + " s");
      }
    })).transform(flushed -> closed.succeeded() ? Future.succeededFuture() : Future.failedFuture(closed.cause())));
  }
}
