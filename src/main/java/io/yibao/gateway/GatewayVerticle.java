package io.yibao.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.yibao.gateway.auth.AccessTokens;
import io.yibao.gateway.auth.ResidentAuthHandler;
import io.yibao.gateway.auth.Sessions;
import io.yibao.gateway.insurancecode.CodeEndpoints;
import io.yibao.gateway.insurancecode.InsuranceCodes;
import io.yibao.gateway.insurancecode.ResidentCodes;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.contribution.CollectionClient;
import io.yibao.gateway.contribution.ContributionEndpoints;
import io.yibao.gateway.contribution.ContributionPayments;
import io.yibao.gateway.contribution.ContributionOrders;
import io.yibao.gateway.contribution.ContributionRecording;
import io.yibao.gateway.contribution.PaymentCallbacks;
import io.yibao.gateway.wechatpay.WechatPayClient;
import io.yibao.gateway.wechatpay.WechatPayNotifications;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.pharmacy.ConfirmationsOfBinding;
import io.yibao.gateway.pharmacy.NationalInterface;
import io.yibao.gateway.pharmacy.PharmacySettlements;
import io.yibao.gateway.pharmacy.PosEndpoints;
import io.yibao.gateway.pharmacy.PaymentConfirmationEndpoints;
import io.yibao.gateway.pharmacy.SettlementRecords;
import io.yibao.gateway.pharmacy.TerminalAuthHandler;
import io.yibao.gateway.pharmacy.Terminals;
import io.yibao.gateway.pharmacy.Visits;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.core.StaleCopies;
import io.yibao.gateway.identity.FaceTokens;
import io.yibao.gateway.identity.IdentityClient;
import io.yibao.gateway.identity.SmsClient;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.identity.IdentityEndpoints;
import io.yibao.gateway.identity.MeCopies;
import io.yibao.gateway.identity.OneTimeCodes;
import io.yibao.gateway.identity.RealNameBinding;
import io.yibao.gateway.identity.ResidentAccounts;
import io.yibao.gateway.identity.ResidentSignIn;
import io.yibao.gateway.identity.ResidentView;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.http.ClientAddress;
import io.yibao.gateway.http.GatewayRouter;
import io.yibao.gateway.http.HttpEdge;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.ops.OpsEndpoints;
import io.yibao.gateway.ops.ReadinessCheck;
import io.yibao.gateway.ratelimit.ClientAddressLimit;
import io.yibao.gateway.ratelimit.RateLimiter;
import io.yibao.gateway.redis.RedisStore;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gateway instance on one event loop: its own Redis pool, its own router built from the contract, and a
 * share of the listening port. Instances share nothing in memory; whatever must be shared lives in Redis.
 */
final class GatewayVerticle extends VerticleBase {

  private final GatewayConfig config;
  private final Gateway.Shared shared;
  private final int port;
  private RedisStore redis;
  private CoreClients core;
  private PharmacySettlements settlements;
  private ContributionRecording recording;
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
    RateLimiter limiter = new RateLimiter(redis);
    ClientAddress clientAddress = new ClientAddress(config.http().trustedProxies());
    ClientAddressLimit addressLimit = new ClientAddressLimit(limiter, clientAddress, config.rateLimits());
    Pseudonyms pseudonyms = new Pseudonyms(config.security().pepper());
    Sessions sessions = new Sessions(redis, config.identity(), config.rateLimits());
    AccessTokens residentTokens = shared.residentTokens();
    InsuranceCodes insuranceCodes = new InsuranceCodes(redis, config.insuranceCode(), pseudonyms);
    MeCopies meCopies = new MeCopies(redis, pseudonyms, config.identity().profileCopySeconds());
    SettlementRecords settlementRecords = new SettlementRecords(redis, config.pharmacy(), meCopies);
    ResidentAccounts residentAccounts = new ResidentAccounts(redis, pseudonyms, sessions,
        List.of(insuranceCodes, new ConfirmationsOfBinding(settlementRecords)));
    FaceTokens faceTokens = new FaceTokens(config.security().faceTokenIssuer(), config.security().faceTokenPublicKey(),
        redis);
    WorkQueue collectionOutbox = new WorkQueue(vertx, redis, "collection", WorkQueue.Options.of(config.outbox()),
        shared.registry());
    WorkQueue settlementRecovery = PharmacySettlements.recoveryQueue(vertx, redis, config, shared.registry());
    Operations operations = operations(collectionOutbox, settlementRecovery);
    RegistryClient registry = new RegistryClient(core);
    AccountsClient personalAccounts = new AccountsClient(core);
    OneTimeCodes oneTimeCodes = new OneTimeCodes(redis, limiter, new SmsClient(core), pseudonyms, config.identity());
    new IdentityEndpoints(config.identity(),
        new ResidentSignIn(config.identity(), oneTimeCodes, residentAccounts, sessions, residentTokens, limiter,
            pseudonyms),
        sessions,
        new ResidentView(meCopies, new StaleCopies(redis, config.identity().staleCopyHours()), registry,
            personalAccounts, pseudonyms),
        new RealNameBinding(config.identity(), residentAccounts, faceTokens, new IdentityClient(core), limiter),
        new StepUp(oneTimeCodes, faceTokens, sessions, registry), clientAddress, addressLimit)
        .register(operations);

    Idempotency idempotency = new Idempotency(redis, config.idempotency());
    new CodeEndpoints(config.insuranceCode(), insuranceCodes,
        new ResidentCodes(config.insuranceCode(), insuranceCodes, faceTokens, registry)).register(operations);
    settlements = new PharmacySettlements(new NationalInterface(core.client("settlement"), redis),
        settlementRecords, new Visits(redis, config.pharmacy().visitTokenSeconds()), insuranceCodes, sessions,
        registry, config.pharmacy(), config.core().get("settlement"),
        config.redis().commandTimeoutMillis(), settlementRecovery);
    new PosEndpoints(settlements, idempotency).register(operations);
    new PaymentConfirmationEndpoints(settlements).register(operations);

    ContributionOrders contributionOrders = new ContributionOrders(redis, pseudonyms, meCopies);
    WechatPayClient channel = new WechatPayClient(core, config);
    CollectionClient collection = new CollectionClient(core);
    recording = new ContributionRecording(collectionOutbox, contributionOrders, collection, personalAccounts, channel);
    new ContributionEndpoints(new ContributionPayments(config.contributions(), contributionOrders, channel, recording,
        registry, collection, personalAccounts, config.redis().commandTimeoutMillis(),
        config.core().get(AccountsClient.SYSTEM).timeoutMillis()), idempotency).register(operations);
    new PaymentCallbacks(new WechatPayNotifications(config.paymentChannel()), contributionOrders, recording,
        limiter, config.rateLimits().perPaymentChannel(), addressLimit).register(operations);
    Terminals terminals = new Terminals(redis, config.security().terminalSecretKey());

    return registerDemoTerminals(terminals).compose(registered -> shared.contract().open(vertx)).compose(contract -> {
      // Who is limited where: the process's flood guard for everyone (memory), the per-address budget only for
      // anonymous operations; residents in the session check, terminals in the nonce step, channels per channel.
      Router router = GatewayRouter.create(vertx, contract, operations, settings(), List.of(
              shared.floodGuard(), addressLimit.anonymousGuard(contract)),
          Map.of("residentBearer", new ResidentAuthHandler(residentTokens, sessions, addressLimit),
              "terminalSignature", new TerminalAuthHandler(terminals, config.pharmacy().signatureSkewSeconds(),
                  config.rateLimits().perTerminal(), config.rateLimits().perPharmacy(), addressLimit)));
      settlements.startRecovery();
      recording.start();
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
    });
  }

  /**
   * Demo mode only: the demo pharmacy's terminals exist with the demo secret, as the personas say. Retried a few
   * times: a demo starting on a busy machine may see its first Redis commands time out.
   */
  private Future<Void> registerDemoTerminals(Terminals terminals) {
    if (config.production()) {
      return Future.succeededFuture();
    }
    return registerDemoTerminals(terminals, 5);
  }

  private Future<Void> registerDemoTerminals(Terminals terminals, int attemptsLeft) {
    return terminals.registerDemoTerminals(config.pharmacy().demoTerminals(), config.pharmacy().demoTerminalSecret())
        .<Void>mapEmpty()
        .recover(failure -> failure instanceof ProblemException p && p.code() == ProblemCode.REDIS_UNAVAILABLE
            && attemptsLeft > 1
            ? vertx.timer(1, java.util.concurrent.TimeUnit.SECONDS).compose(x -> registerDemoTerminals(terminals, attemptsLeft - 1))
            : Future.failedFuture(failure));
  }

  private Operations operations(WorkQueue collectionOutbox, WorkQueue settlementRecovery) {
    Operations operations = new Operations();
    ReadinessCheck redisCheck = new ReadinessCheck() {
      public String name() {
        return "redis";
      }

      public Future<String> check() {
        return redis.ping().map("UP");
      }
    };
    List<ReadinessCheck> checks = new java.util.ArrayList<>();
    checks.add(redisCheck);
    checks.addAll(shared.coreGuards().readinessChecks());
    checks.add(collectionOutbox.readiness());
    checks.add(settlementRecovery.readiness());
    new OpsEndpoints(checks).register(operations);
    shared.docs().register(operations);
    return operations;
  }

  private GatewayRouter.Settings settings() {
    return new GatewayRouter.Settings(config.production(), config.http().corsAllowedOrigins(),
        config.http().requestTimeoutMillis(), config.http().bodyLimitBytes());
  }

  /** Stops accepting, lets in-flight requests finish within the drain time, then closes Redis. */
  @Override
  public Future<?> stop() {
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.http().drainSeconds(), TimeUnit.SECONDS);
    if (settlements != null) {
      settlements.stopRecovery();
    }
    if (recording != null) {
      recording.stop();
    }
    return drained.eventually(() -> {
      if (core != null) {
        core.close();
      }
      return redis == null ? Future.succeededFuture() : redis.close();
    });
  }
}
