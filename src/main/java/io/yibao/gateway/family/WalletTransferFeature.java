package io.yibao.gateway.family;

import io.vertx.core.Future;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.ops.ReadinessCheck;
import io.yibao.gateway.queue.WorkQueue;

import java.time.Clock;
import java.util.List;

/**
 * Wallet transfers (医保钱包转账) of family sharing: an employee's personal account to a bound relative's insurance
 * wallet, exactly once, with lost answers resolved in the background on the work queue {@code transfers}.
 */
public final class WalletTransferFeature implements Feature {

  private final WorkQueue queue;
  private final TransferResolution resolution;
  private final WalletTransferEndpoints endpoints;

  public WalletTransferFeature(Infrastructure infra) {
    this(infra, Clock.systemUTC());
  }

  /** @param clock what the quiet hours and the business day are read from */
  public WalletTransferFeature(Infrastructure infra, Clock clock) {
    GatewayConfig config = infra.config();
    FamilySharingClient accounts = new FamilySharingClient(infra.core());
    WalletTransferRecords records = new WalletTransferRecords(infra.redis(), infra.pseudonyms(),
        config.idempotency().retentionHours() * 3_600_000L);
    queue = new WorkQueue(infra.vertx(), infra.redis(), TransferResolution.QUEUE, TransferResolution.options(config),
        infra.metrics());
    // The send's answer can come until its timeout, which starts one Redis step after the queueing.
    long answerMillis = config.redis().commandTimeoutMillis() + config.core().get(AccountsClient.SYSTEM).timeoutMillis()
        + 500L;
    resolution = new TransferResolution(queue, records, accounts, answerMillis);
    endpoints = new WalletTransferEndpoints(new WalletTransfers(config.family(), new TransferCalendar(config.family(),
        clock), records, resolution, accounts, new RegistryClient(infra.core())), infra.idempotency());
  }

  @Override
  public void register(Operations operations) {
    endpoints.register(operations);
  }

  @Override
  public List<ReadinessCheck> readinessChecks() {
    return List.of(queue.readiness());
  }

  @Override
  public Future<Void> start() {
    resolution.start();
    return Future.succeededFuture();
  }

  @Override
  public void stop() {
    resolution.stop();
  }
}
