package io.yibao.gateway.pharmacy;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.pharmacy.SettlementRecords.Move;
import io.yibao.gateway.pharmacy.SettlementRecords.Ref;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Settling with the core exactly once, whatever the network and Redis do. Two rules:
 * <ol>
 *   <li><b>Intent before action.</b> Before any call whose outcome can be lost (2102, 2103, 2601) the work that
 *   resolves it is already durable: the settlement is in the recovery queue (first check after the call's
 *   timeout) and its record holds the message id. A known answer, once written, takes it out of the queue. A
 *   write that fails after the call therefore leaves it queued, and {@link #recover} resolves it.</li>
 *   <li><b>A state change and its follow-up are never separable.</b> A status change and the day's totals move in
 *   one script; every status change is a compare-and-set, and whoever loses one stops and leaves the settlement
 *   to whoever won it.</li>
 * </ol>
 * Recovery of a PENDING settlement asks the core what became of its message: SETTLED is written; anything else
 * is reversed (REVERSING, then 2601 naming the stored message id, then REVERSED). A CANCELLING one asks about its
 * 2103 message and completes it (CANCELLED), sends it again with the same message id, or — when the core refuses
 * it (e.g. after the business day) — returns to SETTLED. Recovery runs on every gateway instance from the shared
 * work queue {@value #RECOVERY_QUEUE} ({@link WorkQueue}: leased, jittered back-off), so it survives restarts.
 */
public final class PharmacySettlements {

  private static final Logger LOG = LoggerFactory.getLogger(PharmacySettlements.class);
  /** The name of the recovery queue: its keys' hash tag, its backlog gauge's label, its readiness check. */
  public static final String RECOVERY_QUEUE = "settlement";
  /** How often the recovery queue is looked at, and how many settlements one look may claim. */
  private static final long RECOVERY_TICK_MILLIS = 200;
  private static final int RECOVERY_BATCH = 20;

  private final NationalInterface national;
  private final SettlementRecords records;
  private final GatewayConfig.Pharmacy config;
  private final GatewayConfig.CoreService core;
  private final WorkQueue recoveryQueue;
  private final long firstCheckDelayMillis;

  /**
   * @param core the settlement system's client settings: its timeout puts the first recovery check after any
   *             call's answer could still come, and bounds one recovery pass (the lease)
   * @param redisCommandMillis how long one Redis command may take (the record is written after the queue entry)
   * @param recoveryQueue the queue of settlements to resolve ({@link #recoveryQueue})
   */
  public PharmacySettlements(NationalInterface national, SettlementRecords records, GatewayConfig.Pharmacy config,
                             GatewayConfig.CoreService core, long redisCommandMillis, WorkQueue recoveryQueue) {
    this.national = national;
    this.records = records;
    this.config = config;
    this.core = core;
    this.recoveryQueue = recoveryQueue;
    this.firstCheckDelayMillis = core.timeoutMillis() + redisCommandMillis + config.recoveryFirstCheckMillis();
  }

  /** The 2101/2102 input of a recorded purchase. */
  static JsonObject input(Map<String, String> r) {
    return new JsonObject()
        .put("psn_no", r.get("psn"))
        .put("mdtrt_cert_type", "01")
        .put("mdtrt_cert_no", r.get("cert"))
        .put("insutype", r.get("insutype"))
        .put("med_type", "41")
        .put("acct_used_flag", r.get("acctUsed"))
        .put("drugdetail", new JsonArray(r.get("items")));
  }

  private long firstCheck() {
    return System.currentTimeMillis() + firstCheckDelayMillis;
  }

  /**
   * Queues a settlement that will be sent for recovery, first check after the call's timeout: done before its
   * record can exist ({@link SettlementRecords#open}), so that once it exists nothing can leave it unresolved. A
   * queued settlement whose record never came to be is dropped by recovery.
   */
  public Future<Void> queue(Ref ref) {
    return recoveryQueue.enqueue(ref.member(), null, firstCheck());
  }

  /** Its outcome is written (or it was never opened): nothing left to resolve. Nobody needs to wait for this. */
  public Future<Void> recovered(Ref ref) {
    return recoveryQueue.remove(ref.member());
  }

  /**
   * The recovery queue: a lease outlasts one recovery pass ({@link #leaseMillis}), so instances share the work
   * without two resolving one settlement at once; a failed pass is tried again after
   * {@code pharmacy.recoveryFirstCheckMillis}, doubling up to {@code pharmacy.recoveryMaxBackoffMillis} (jittered).
   */
  public static WorkQueue recoveryQueue(Vertx vertx, RedisStore redis, GatewayConfig config, MeterRegistry metrics) {
    WorkQueue.Options options = new WorkQueue.Options(RECOVERY_TICK_MILLIS, leaseMillis(config.core().get("settlement")),
        config.pharmacy().recoveryFirstCheckMillis(), config.pharmacy().recoveryMaxBackoffMillis(), RECOVERY_BATCH)
        .withBounds(config.outbox());
    return new WorkQueue(vertx, redis, RECOVERY_QUEUE, options, metrics);
  }

  /** Every gateway verticle resolves queued settlements: a pass that fails is tried again after the back-off. */
  public void startRecovery() {
    recoveryQueue.start(entry -> recover(Ref.ofMember(entry.id()), entry.leaseEndsAt()).map(WorkQueue.Delivery.OK));
  }

  public void stopRecovery() {
    recoveryQueue.stop();
  }

  /** The recovery queue's readiness check ({@code outbox.settlement}, not critical). */
  public io.yibao.gateway.ops.ReadinessCheck recoveryReadiness() {
    return recoveryQueue.readiness();
  }

  /**
   * Sends 2102 for a record that is PENDING, queued and with its message id stored, and writes the outcome.
   * Returns the record as it stands afterwards: SETTLED or FAILED; PENDING while the outcome is unknown or could
   * not be written (recovery resolves it); or as another resolver left it.
   * <p>
   * When the core was certainly not reached (breaker open, no connection), nothing was decided: the record moves
   * to {@code ifNotSent} and the send fails with that 503 CORE_UNAVAILABLE (Retry-After), so the caller may try
   * again once the core is back instead of being told the purchase was refused.
   */
  public Future<Map<String, String>> send(Map<String, String> r, Status ifNotSent) {
    return national.send("2102", r.get("msgid"), r.get("fix"), r.get("term"), r.get("admdvs"), input(r))
        .compose(answer -> {
          if (answer.ok()) {
            return settle(r, answer.output(), "answered");
          }
          if (answer.infcode() == -2) {
            return conclude(r, Status.PENDING, Status.FAILED, "answered", "err", String.valueOf(answer.errMsg()));
          }
          return unknownOutcome(r, "infcode " + answer.infcode());
        }, failure -> {
          if (failure instanceof CoreCallException call && !call.mayHaveHappened()) {
            return conclude(r, Status.PENDING, ifNotSent, "not sent", "err", "not sent: settlement system unavailable",
                "notSent", "1")
                .transform(x -> Future.failedFuture(call));
          }
          return unknownOutcome(r, failure instanceof CoreCallException ? "no answer" : failure.getClass().getSimpleName());
        });
  }

  private Future<Map<String, String>> settle(Map<String, String> r, JsonObject split, String how) {
    return conclude(r, Status.PENDING, Status.SETTLED, how, SettlementRecords.settledFields(split));
  }

  /**
   * Writes a known outcome (compare-and-set) and then takes the settlement out of the recovery queue, without
   * waiting for that: the answer and its storing go out first. If the write fails the
   * settlement stays queued and the caller sees it as it was (recovery will write the outcome); if another resolver
   * moved it first, the caller sees it as that one left it, and the queue is that one's. A queue entry that could
   * not be taken out only costs recovery a look at a resolved record.
   */
  private Future<Map<String, String>> conclude(Map<String, String> r, Status from, Status to, String how,
                                               String... fields) {
    return records.transition(r, from, to, fields).compose(move -> {
      if (!move.moved()) {
        return Future.succeededFuture(move.record() == null ? r : move.record());
      }
      // Out of the queue on the next turn of the event loop, after the answer built from this outcome has gone:
      // nobody waits on it.
      Runnable dequeue = () -> recovered(Ref.of(r)).onFailure(removed ->
          LOG.warn("settlement outcome written, queue entry left for recovery", kv("settlement", r.get("id"))));
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      if (context == null) {
        dequeue.run();
      } else {
        context.runOnContext(v -> dequeue.run());
      }
      return Future.succeededFuture(move.record());
    }, failure -> {
      LOG.warn("settlement outcome not written, recovery will write it", kv("settlement", r.get("id")),
          kv("outcome", to.name()), kv("how", how), kv("reason", failure.toString()));
      return Future.succeededFuture(r);
    });
  }

  private Future<Map<String, String>> unknownOutcome(Map<String, String> r, String why) {
    // Nothing to write: the settlement has been queued since before the call.
    LOG.warn("settlement outcome unknown, recovery will resolve it", kv("settlement", r.get("id")), kv("reason", why));
    return Future.succeededFuture(r);
  }

  /**
   * The resident confirmed an awaiting settlement: queue it, move it to PENDING with its message id (one
   * confirmation wins), and send it. A confirmation that lost the race answers the record as it stands.
   */
  public Future<Map<String, String>> confirm(Map<String, String> r) {
    return national.newMessageId(r.get("fix"))
        .compose(msgid -> queue(Ref.of(r)).map(msgid))
        .compose(msgid -> records.transition(r, Status.AWAITING_CONFIRMATION, Status.PENDING, "msgid", msgid,
            "sentAt", Long.toString(System.currentTimeMillis())))
        .compose(move -> move.moved() ? send(move.record(), Status.AWAITING_CONFIRMATION)
            : Future.succeededFuture(move.record()));
  }

  /**
   * Cancels a SETTLED settlement of today (2103). The cancel is queued and the record is CANCELLING with the 2103
   * message id before 2103 is sent; its answer makes it CANCELLED (or SETTLED again when the core refuses). A lost
   * answer leaves it CANCELLING for recovery, which the terminal can follow. Fails with 409 when the core refuses,
   * 503 when it could not be reached (nothing was sent: SETTLED again).
   */
  public Future<Map<String, String>> cancel(Map<String, String> r, String terminalId) {
    return national.newMessageId(r.get("fix"))
        .compose(msgid -> queue(Ref.of(r)).map(msgid))
        .compose(msgid -> records.transition(r, Status.SETTLED, Status.CANCELLING, "cmsgid", msgid, "cterm", terminalId,
            "cancelRefused", ""))
        .compose(move -> {
          if (!move.moved()) {
            return Future.succeededFuture(move.record()); // cancelled (or being cancelled) by another request
          }
          Map<String, String> cancelling = move.record();
          return sendCancel(cancelling).recover(failure -> {
            if (failure instanceof CoreCallException call && !call.mayHaveHappened()) {
              return conclude(cancelling, Status.CANCELLING, Status.SETTLED, "not sent")
                  .transform(x -> Future.failedFuture(call));
            }
            if (failure instanceof CoreCallException || failure instanceof UnknownAnswer) {
              LOG.warn("cancel outcome unknown, recovery will resolve it", kv("settlement", r.get("id")));
              return Future.succeededFuture(cancelling);
            }
            return Future.failedFuture(failure);
          }).compose(after -> {
            if (Status.SETTLED.name().equals(after.get("status")) && !after.getOrDefault("cancelRefused", "").isEmpty()) {
              return Future.failedFuture(new ProblemException(ProblemCode.SETTLEMENT_NOT_CANCELLABLE,
                  after.get("cancelRefused")));
            }
            return Future.succeededFuture(after);
          });
        });
  }

  /**
   * Sends 2103 for a CANCELLING record and writes a known answer; an unknown one fails (CoreCallException, or
   * UnknownAnswer for infcode -1).
   */
  private Future<Map<String, String>> sendCancel(Map<String, String> r) {
    String setlId = new JsonObject(r.get("split")).getString("setl_id");
    return national.send("2103", r.get("cmsgid"), r.get("fix"), r.getOrDefault("cterm", r.get("term")), r.get("admdvs"),
            new JsonObject().put("psn_no", r.get("psn")).put("setl_id", setlId))
        .compose(answer -> {
          if (answer.ok()) {
            return conclude(r, Status.CANCELLING, Status.CANCELLED, "answered", "cancel", answer.output().encode());
          }
          if (answer.infcode() == -2) {
            return conclude(r, Status.CANCELLING, Status.SETTLED, "refused", "cancelRefused",
                String.valueOf(answer.errMsg()));
          }
          return Future.failedFuture(new UnknownAnswer("2103 answered infcode " + answer.infcode()));
        });
  }

  /** The core answered, but not with an outcome (infcode -1): as good as no answer. */
  private static final class UnknownAnswer extends RuntimeException {
    UnknownAnswer(String message) {
      super(message, null, false, false);
    }
  }

  // --- recovery -----------------------------------------------------------------------------------------------

  /**
   * Resolves one queued settlement, as far as it can before {@code deadline} (the end of its lease): no call to
   * the core is started that could outlast it. Succeeds when nothing is left to resolve (the queue then drops the
   * entry); fails (to be tried again later) while the core cannot be asked, an answer is unknown, or another
   * resolver changed the settlement first (a lost compare-and-set stops the pass).
   */
  public Future<Void> recover(Ref ref, long deadline) {
    return records.get(ref).compose(r -> {
      Status status = r == null || r.get("status") == null ? null : Status.valueOf(r.get("status"));
      if (status == null) {
        return Future.succeededFuture(); // queued, but its record never came to be: nothing to resolve
      }
      return switch (status) {
        case PENDING -> resolvePending(r, deadline);
        case REVERSING -> reverse(r, deadline);
        case CANCELLING -> resolveCancel(r, deadline);
        default -> Future.succeededFuture(); // resolved: only the queue entry was left
      };
    });
  }

  private Future<Void> resolvePending(Map<String, String> r, long deadline) {
    long age = System.currentTimeMillis() - Long.parseLong(r.getOrDefault("sentAt", r.get("createdAt")));
    return within(deadline, queryMillis()).compose(x -> national.messageStatus(r.get("msgid"))).compose(found ->
        switch (found.getString("status", "NONE")) {
          case "SETTLED" -> decided(records.transition(r, Status.PENDING, Status.SETTLED,
              SettlementRecords.settledFields(found.getJsonObject("output", new JsonObject()))), r, "SETTLED");
          case "CANCELLED", "REVERSED" -> decided(records.transition(r, Status.PENDING, Status.REVERSED), r, "REVERSED");
          default -> startReversal(r, deadline);
        }, queryFailed -> age > config.recoveryGiveUpSeconds() * 1000L
          ? startReversal(r, deadline)  // the outcome cannot be confirmed: make sure it did not happen
          : Future.failedFuture(queryFailed));
  }

  /** REVERSING, with the 2601's own message id, before 2601 is sent: a resolver that lost the race sends nothing. */
  private Future<Void> startReversal(Map<String, String> r, long deadline) {
    return national.newMessageId(r.get("fix"))
        .compose(rmsgid -> records.transition(r, Status.PENDING, Status.REVERSING, "rmsgid", rmsgid))
        .compose(move -> move.moved() ? reverse(move.record(), deadline) : lost(r));
  }

  private Future<Void> reverse(Map<String, String> r, long deadline) {
    return within(deadline, writeMillis()).compose(x -> national.send("2601", r.get("rmsgid"), r.get("fix"), r.get("term"),
            r.get("admdvs"), new JsonObject().put("psn_no", r.get("psn")).put("omsgid", r.get("msgid"))
                .put("oinfno", "2102")))
        .compose(answer -> answer.ok()
            ? decided(records.transition(r, Status.REVERSING, Status.REVERSED), r, "REVERSED")
            : Future.failedFuture(new IllegalStateException("reversal answered infcode " + answer.infcode())));
  }

  private Future<Void> resolveCancel(Map<String, String> r, long deadline) {
    return within(deadline, queryMillis()).compose(x -> national.messageStatus(r.get("cmsgid"))).compose(found -> {
      if ("CANCELLED".equals(found.getString("status"))) {
        return decided(records.transition(r, Status.CANCELLING, Status.CANCELLED, "cancel",
            found.getJsonObject("output", new JsonObject()).encode()), r, "CANCELLED");
      }
      // The core has not cancelled it under this message: send it (again, same message id; 2103 is idempotent).
      return within(deadline, writeMillis()).compose(x -> sendCancel(r)).compose(after -> {
        LOG.info("settlement cancel recovered", kv("settlement", r.get("id")), kv("outcome", after.get("status")));
        return Future.succeededFuture();
      });
    });
  }

  private Future<Void> decided(Future<Move> move, Map<String, String> r, String outcome) {
    return move.compose(m -> {
      if (!m.moved()) {
        return lost(r);
      }
      LOG.info("settlement recovered", kv("settlement", r.get("id")), kv("outcome", outcome));
      return Future.succeededFuture();
    });
  }

  private static Future<Void> lost(Map<String, String> r) {
    return Future.failedFuture(new IllegalStateException("settlement " + r.get("id") + " changed under recovery"));
  }

  /** Fails when a call to the core that may take {@code millis} could outlast the lease if started now. */
  private static Future<Void> within(long deadline, long millis) {
    return System.currentTimeMillis() + millis < deadline ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("recovery lease too short for another call"));
  }

  private long queryMillis() {
    return queryMillis(core);
  }

  private long writeMillis() {
    return writeMillis(core);
  }

  /** The longest a message query can take: every try at the timeout, with the (jittered, at most doubled) back-offs. */
  private static long queryMillis(GatewayConfig.CoreService core) {
    return (core.readRetries() + 1L) * (core.timeoutMillis() + 50L)
        + (long) core.retryBackoffMillis() * ((1L << (core.readRetries() + 1)) - 1) * 2;
  }

  /** The longest a write (2601, 2103) can take. */
  private static long writeMillis(GatewayConfig.CoreService core) {
    return core.timeoutMillis() + 50L;
  }

  /**
   * How long one recovery pass holds a settlement: a message query and one write at their longest, plus Redis
   * steps, doubled. A pass never starts a call that could end after it ({@link #within}), and every status change
   * is a compare-and-set, so two instances never resolve one settlement differently.
   */
  static long leaseMillis(GatewayConfig.CoreService core) {
    return 2 * (queryMillis(core) + writeMillis(core)) + 5_000;
  }

  public NationalInterface national() {
    return national;
  }

  public SettlementRecords records() {
    return records;
  }
}
