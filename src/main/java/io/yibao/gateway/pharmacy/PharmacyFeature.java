package io.yibao.gateway.pharmacy;

import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.queue.WorkQueue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.identity.BindingDependents;
import io.yibao.gateway.insurancecode.InsuranceCodes;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pharmacy counter: terminals resolve a resident's code, preview and settle a purchase with the settlement
 * center exactly once, cancel it, reconcile the day; residents confirm large payments. Settlement recovery runs in
 * the background, and terminals sign their requests ({@code terminalSignature}).
 */
public final class PharmacyFeature implements Feature {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final SettlementRecords records;
  private final Terminals terminals;
  private final PosEndpoints pos;
  private final PaymentConfirmationEndpoints confirmations;
  private final PharmacySettlements settlements;
  private final WorkQueue recoveryQueue;
  private final io.yibao.gateway.redis.RedisStore redis;
  private final TerminalAuthHandler terminalSignature;

  /** @param codes the residents' insurance codes, which the counter resolves */
  public PharmacyFeature(Infrastructure infra, InsuranceCodes codes) {
    vertx = infra.vertx();
    config = infra.config();
    records = new SettlementRecords(infra.redis(), config.pharmacy(), infra.meCopies());
    redis = infra.redis();
    recoveryQueue = PharmacySettlements.recoveryQueue(vertx, infra.redis(), config, infra.metrics());
    settlements = new PharmacySettlements(new NationalInterface(infra.core(), infra.redis()),
        records, new Visits(infra.redis(), config.pharmacy().visitTokenSeconds()), codes, infra.sessions(),
        new RegistryClient(infra.core()), new io.yibao.gateway.family.FamilySharingClient(infra.core()),
        config.pharmacy(), config.core().get("settlement"),
        config.redis().commandTimeoutMillis(), recoveryQueue);
    pos = new PosEndpoints(settlements, infra.idempotency());
    confirmations = new PaymentConfirmationEndpoints(settlements);
    terminals = new Terminals(infra.redis(), config.security().terminalSecretKey());
    terminalSignature = new TerminalAuthHandler(terminals, config.pharmacy().signatureSkewSeconds(),
        config.rateLimits().perTerminal(), config.rateLimits().perPharmacy(), infra.addressLimit());
  }

  /** A resident's pending payment confirmations end with their binding. */
  public BindingDependents bindingDependent() {
    return new ConfirmationsOfBinding(records);
  }

  @Override
  public void register(Operations operations) {
    pos.register(operations);
    confirmations.register(operations);
  }

  @Override
  public Map<String, AuthenticationHandler> securityHandlers() {
    return Map.of("terminalSignature", terminalSignature);
  }

  /** The demo terminals first (demo mode), then settlement recovery. */
  @Override
  public java.util.List<io.yibao.gateway.ops.ReadinessCheck> readinessChecks() {
    return java.util.List.of(settlements.recoveryReadiness());
  }

  @Override
  public Future<Void> start() {
    Future<Void> demo = config.production() ? Future.succeededFuture() : registerDemoTerminals(5);
    // What an older gateway left in its recovery queue moves into the work queue before recovery starts.
    return demo.compose(x -> io.yibao.gateway.queue.LegacyQueues.migrateSettlementRecovery(redis, recoveryQueue))
        .onSuccess(x -> settlements.startRecovery());
  }

  @Override
  public void stop() {
    settlements.stopRecovery();
  }

  /**
   * Demo mode only: the demo pharmacy's terminals exist with the demo secret, as the personas say. Retried a few
   * times: a demo starting on a busy machine may see its first Redis commands time out.
   */
  private Future<Void> registerDemoTerminals(int attemptsLeft) {
    return terminals.registerDemoTerminals(config.pharmacy().demoTerminals(), config.pharmacy().demoTerminalSecret())
        .<Void>mapEmpty()
        .recover(failure -> failure instanceof ProblemException p && p.code() == ProblemCode.REDIS_UNAVAILABLE
            && attemptsLeft > 1
            ? vertx.timer(1, TimeUnit.SECONDS).compose(x -> registerDemoTerminals(attemptsLeft - 1))
            : Future.failedFuture(failure));
  }
}
