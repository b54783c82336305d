package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.ops.ReadinessCheck;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.wechatpay.WechatPayClient;

import java.util.List;

/**
 * Contributions (缴费) of residents not insured through an employer: options, orders paid by WeChat Pay or from the
 * personal account, cancelling, and recording paid orders with the collection system through an outbox that
 * delivers in the background.
 */
public final class ContributionFeature implements Feature {

  private final WorkQueue collectionOutbox;
  private final io.yibao.gateway.redis.RedisStore redis;
  private final ContributionOrders orders;
  private final ContributionRecording recording;
  private final ContributionEndpoints endpoints;

  public ContributionFeature(Infrastructure infra) {
    GatewayConfig config = infra.config();
    redis = infra.redis();
    collectionOutbox = new WorkQueue(infra.vertx(), infra.redis(), "collection", WorkQueue.Options.of(config.outbox()),
        infra.metrics());
    orders = new ContributionOrders(infra.redis(), infra.pseudonyms(), infra.meCopies());
    WechatPayClient channel = new WechatPayClient(infra.core(), config);
    CollectionClient collection = new CollectionClient(infra.core());
    AccountsClient personalAccounts = new AccountsClient(infra.core());
    recording = new ContributionRecording(collectionOutbox, orders, collection, personalAccounts, channel);
    endpoints = new ContributionEndpoints(new ContributionPayments(config.contributions(), orders, channel, recording,
        new RegistryClient(infra.core()), collection, personalAccounts,
        new io.yibao.gateway.family.FamilySharingClient(infra.core()), config.redis().commandTimeoutMillis(),
        config.core().get(AccountsClient.SYSTEM).timeoutMillis()), infra.idempotency());
  }

  /** The orders, which the payment channel's callbacks confirm. */
  ContributionOrders orders() {
    return orders;
  }

  /** The recording of paid orders, which a confirmed payment starts. */
  ContributionRecording recording() {
    return recording;
  }

  @Override
  public void register(Operations operations) {
    endpoints.register(operations);
  }

  @Override
  public List<ReadinessCheck> readinessChecks() {
    return List.of(collectionOutbox.readiness());
  }

  @Override
  public Future<Void> start() {
    // What an older gateway left in its outbox moves into the work queue before the worker starts.
    return io.yibao.gateway.queue.LegacyQueues.migrateContributionOutbox(redis, collectionOutbox)
        .onSuccess(x -> recording.start());
  }

  @Override
  public void stop() {
    recording.stop();
  }
}
