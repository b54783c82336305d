package io.yibao.sandbox;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.yibao.sandbox.accounts.AccountsService;
import io.yibao.sandbox.collection.CollectionService;
import io.yibao.sandbox.filing.FilingService;
import io.yibao.sandbox.identity.DemoKeys;
import io.yibao.sandbox.identity.IdentityService;
import io.yibao.sandbox.payment.PaymentService;
import io.yibao.sandbox.sms.SmsService;
import io.yibao.sandbox.registry.Personas;
import io.yibao.sandbox.registry.RegistryService;
import io.yibao.sandbox.settlement.Catalogue;
import io.yibao.sandbox.settlement.SettlementService;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox of the bureau's core systems: one HTTP server on its own port, with its own Vert.x instance so
 * that it never shares an event loop with the gateway it serves. Services are stateful and run on a single
 * event loop. The gateway reaches them only over HTTP and never imports this package.
 */
public final class Sandbox implements AutoCloseable {

  /** Demo terminal secret, shown in /_sandbox/personas; the gateway's demo configuration registers it. */
  public static final String DEMO_TERMINAL_SECRET = "DEMO-ONLY-terminal-secret-T11010500001-01";

  private final Vertx vertx;
  private final HttpServer server;
  private final SandboxWorld world;

  private Sandbox(Vertx vertx, HttpServer server, SandboxWorld world) {
    this.vertx = vertx;
    this.server = server;
    this.world = world;
  }

  /** Builds the population and starts serving. Blocking: call from main or a test, not from an event loop. */
  public static Sandbox start(SandboxOptions options) throws Exception {
    SandboxWorld world = new SandboxWorld(options);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      Faults faults = new Faults();
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
      faults.guard(router);
      for (SandboxService service : services(world, vertx)) {
        service.mount(router);
        service.mountAdmin(router);
      }
      faults.mountAdmin(router);
      router.get("/_sandbox/personas").handler(rc -> SandboxHttp.ok(rc,
          Personas.toJson(world.registry(), Catalogue.standard().samples(3), DEMO_TERMINAL_SECRET,
              world.referrals().of(Personas.FATHER))));
      router.get("/_sandbox/health").handler(rc -> rc.response().end("ok"));
      HttpServer server = vertx.createHttpServer().requestHandler(router)
          .listen(options.port(), "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new Sandbox(vertx, server, world);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  /** Every emulated core system. A new one (filing, supervision) is one more line here. */
  private static List<SandboxService> services(SandboxWorld world, Vertx vertx) {
    List<SandboxService> services = new ArrayList<>();
    services.add(new RegistryService(world.registry()));
    services.add(new AccountsService(world, vertx));
    services.add(new SettlementService(world));
    DemoKeys keys = DemoKeys.load();
    services.add(keys);
    services.add(new IdentityService(world.registry(), keys));
    services.add(new SmsService(world.options()));
    services.add(new CollectionService(world.registry()));
    services.add(new PaymentService(vertx, world.options(), keys));
    services.add(new FilingService(world));
    return services;
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public SandboxWorld world() {
    return world;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
