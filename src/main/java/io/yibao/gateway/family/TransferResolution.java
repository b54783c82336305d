package io.yibao.gateway.family;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.family.WalletTransfer.Status;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.queue.WorkQueue.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Finds out what became of a wallet transfer whose answer was lost, through the durable work queue
 * {@value #QUEUE} (leased, retried with back-off, surviving restarts and shared by every instance). The entry is
 * queued before the transfer is sent ({@link #expect}), first due once the send's own answer can no longer come,
 * and taken out when the request got its answer ({@link #done}). One entry per transfer, named by its id, carrying
 * the sharer's pseudonym (the hash tag of the record); what an attempt does follows from the record, so a repeat
 * does no harm:
 * <ul>
 *   <li>no record, or no longer PENDING: nothing to do;</li>
 *   <li>the accounts system has the transfer: it becomes its status (SENT, RECEIVED, RETURNED);</li>
 *   <li>it does not: the id is voided there (a late copy of the request is then refused), and the transfer is
 *   FAILED with its slot of the day given back — unless the void answers that it had been taken meanwhile, then
 *   its status.</li>
 * </ul>
 * Never sends the transfer again, under this id or another. No answer from the accounts system: try again later.
 */
public final class TransferResolution {

  static final String QUEUE = "transfers";
  private static final Logger LOG = LoggerFactory.getLogger(TransferResolution.class);

  private final WorkQueue queue;
  private final WalletTransferRecords records;
  private final FamilySharingClient sharing;
  private final long answerMillis;

  /**
   * @param answerMillis how long after its queueing a sent transfer may still be answered (a Redis step and the
   *                     accounts client's timeout, with a margin)
   */
  public TransferResolution(WorkQueue queue, WalletTransferRecords records, FamilySharingClient sharing,
                            long answerMillis) {
    this.queue = queue;
    this.records = records;
    this.sharing = sharing;
    this.answerMillis = answerMillis;
  }

  /**
   * The queue's options: a lease outlasts one pass at its longest (a read with its retries and one write, doubled),
   * so two instances do not resolve one transfer at once (and if they did, every step is a compare-and-set).
   */
  static WorkQueue.Options options(GatewayConfig config) {
    GatewayConfig.CoreService core = config.core().get(io.yibao.gateway.core.AccountsClient.SYSTEM);
    long read = (core.readRetries() + 1L) * (core.timeoutMillis() + 50L)
        + (long) core.retryBackoffMillis() * ((1L << (core.readRetries() + 1)) - 1) * 2;
    long lease = 2 * (read + core.timeoutMillis() + 50L) + 5_000;
    WorkQueue.Options d = WorkQueue.Options.defaults();
    return new WorkQueue.Options(d.tickMillis(), lease, d.firstBackoffMillis(), d.maxBackoffMillis(), d.batch())
        .withBounds(config.outbox());
  }

  /** Durable before it succeeds: the transfer may be sent. */
  Future<Void> expect(WalletTransfer t) {
    return queue.enqueue(t.id(), new JsonObject().put("holder", records.holder(t.fromPsnNo())),
        System.currentTimeMillis() + answerMillis);
  }

  /** The request got its answer: nothing left to find out. Failing to say so only costs the worker a look. */
  Future<Void> done(WalletTransfer t) {
    return queue.remove(t.id()).otherwise(e -> null);
  }

  public void start() {
    queue.start(m -> resolve(m.payload().getString("holder"), m.id()));
  }

  public void stop() {
    queue.stop();
  }

  public WorkQueue queue() {
    return queue;
  }

  Future<Delivery> resolve(String holder, String id) {
    if (holder == null) {
      return Future.succeededFuture(Delivery.DEAD);
    }
    return records.get(holder, id).compose(t -> t == null || t.status() != Status.PENDING
        ? Future.succeededFuture(Delivery.OK)
        : sharing.transfer(id).compose(found -> found != null && !"VOIDED".equals(found.status())
            ? settle(t, found)
            : sharing.voidTransfer(id).compose(voided -> settle(t, voided))))
        .otherwise(e -> Delivery.RETRY);
  }

  private Future<Delivery> settle(WalletTransfer t, FamilySharingClient.Transfer found) {
    return records.settle(t, Status.PENDING, found).map(c -> {
      if (c.moved()) {
        LOG.info("lost wallet transfer answer resolved", kv("transfer", t.id()),
            kv("status", c.record().status().name()));
      }
      return Delivery.OK;
    });
  }
}
