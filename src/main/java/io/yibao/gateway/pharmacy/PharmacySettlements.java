package io.yibao.gateway.pharmacy;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.Sessions;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.insurancecode.InsuranceCodes;
import io.yibao.gateway.pharmacy.SettlementRecords.Ref;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;
import io.yibao.gateway.queue.WorkQueue;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.redis.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The pharmacy settlement flow, top to bottom: a terminal scans a resident's code (a visit), previews (2101),
 * settles (2102) — at once, or after the resident confirms a large amount — follows, cancels (2103) and reconciles
 * the day (3201); recovery resolves what the network left unknown. The endpoints ({@link PosEndpoints},
 * {@link PaymentConfirmationEndpoints}) only translate HTTP; the core is reached through {@link NationalInterface}.
 * <p>
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
  private final Visits visits;
  private final InsuranceCodes codes;
  private final Sessions sessions;
  private final RegistryClient registry;
  private final io.yibao.gateway.family.FamilySharingClient familySharing;
  private final GatewayConfig.Pharmacy config;
  private final GatewayConfig.CoreService core;
  private final WorkQueue recoveryQueue;
  private final long firstCheckDelayMillis;

  /**
   * @param registry the registry (the insured person behind a scanned code)
   * @param core the settlement system's client settings: its timeout puts the first recovery check after any
   *             call's answer could still come, and bounds one recovery pass (the lease)
   * @param redisCommandMillis how long one Redis command may take (the record is written after the queue entry)
   * @param recoveryQueue the queue of settlements to resolve ({@link #recoveryQueue})
   */
  public PharmacySettlements(NationalInterface national, SettlementRecords records, Visits visits,
                             InsuranceCodes codes, Sessions sessions, RegistryClient registry,
                             io.yibao.gateway.family.FamilySharingClient familySharing, GatewayConfig.Pharmacy config, GatewayConfig.CoreService core, long redisCommandMillis,
                             WorkQueue recoveryQueue) {
    this.national = national;
    this.records = records;
    this.visits = visits;
    this.codes = codes;
    this.sessions = sessions;
    this.registry = registry;
    this.familySharing = familySharing;
    this.config = config;
    this.core = core;
    this.recoveryQueue = recoveryQueue;
    this.firstCheckDelayMillis = core.timeoutMillis() + redisCommandMillis + config.recoveryFirstCheckMillis();
  }

  // --- scan -------------------------------------------------------------------------------------------------------

  /**
   * A scanned code's visit: its token, until when it is good, the insured person as the registry has them, and
   * whether a relative's personal account may pay for them here (家庭共济; null when the accounts system did not say).
   */
  public record Scanned(String visitToken, long expiresAtMillis, RegistryClient.Person person, Boolean familySharing) {
  }

  /**
   * Consumes a resident's code and opens a visit for the terminal. CODE_USED, CODE_EXPIRED (also when the session
   * that asked for the code has ended), FORBIDDEN for a person whose insurance is not active.
   */
  public Future<Scanned> scan(Terminal terminal, String code) {
    return codes.consume(code).compose(consumed -> switch (consumed.scan()) {
      case USED -> Future.failedFuture(new ProblemException(ProblemCode.CODE_USED, null));
      case EXPIRED -> Future.failedFuture(new ProblemException(ProblemCode.CODE_EXPIRED, null));
      // The session is checked beside the visit's write (not before the registry is asked): it costs no round trip
      // of its own, and a signed-out resident's code still gets CODE_EXPIRED, its visit discarded unseen.
      case CONSUMED -> {
        // Asked beside the registry, not after it: the counter sees it with the person, at no added wait.
        Future<Boolean> shared = familySharing(consumed.live().psnNo());
        yield person(consumed.live().psnNo()).compose(p -> {
        InsuranceCodes.Live live = consumed.live();
        // A code dies with the session that asked for it (sign-out, device limit, takeover).
        Future<Boolean> alive = sessions.alive(live.accountId(), live.sessionId());
        Future<String> opened = visits.open(Visit.opened(terminal, live.psnNo(), live.accountId(),
            p.insuType().code(), p.insuredRegion(), live.code()));
        return Future.join(alive, opened).transform(both -> {
          if (alive.succeeded() && alive.result()) {
            return shared.map(family -> new Scanned(opened.result(), System.currentTimeMillis() + visits.ttlMillis(),
                p, family));
          }
          Future<Void> discarded = opened.succeeded()
              ? visits.discard(terminal.fixmedinsCode(), opened.result())
              : Future.succeededFuture();
          return discarded.transform(x -> alive.failed() ? Future.failedFuture(alive.cause())
              : Future.failedFuture(new ProblemException(ProblemCode.CODE_EXPIRED, "The resident signed out")));
        });
        });
      }
    });
  }

  /** Whether a bound relative's account pays for the person at institutions; null when that is not known now. */
  private Future<Boolean> familySharing(String psnNo) {
    return familySharing.bindings(psnNo, false)
        .map(bindings -> bindings.stream().anyMatch(b -> b.uses().institutions()))
        .otherwise((Boolean) null);
  }

  /** The insured person, who must be active. */
  private Future<RegistryClient.Person> person(String psnNo) {
    return registry.person(psnNo).compose(p -> {
      if (p == null) {
        return Future.failedFuture(new ProblemException(ProblemCode.CODE_EXPIRED, "Unknown insured person"));
      }
      if (!"ACTIVE".equals(p.status())) {
        return Future.failedFuture(new ProblemException(ProblemCode.FORBIDDEN, "The insured status is not active"));
      }
      return Future.succeededFuture(p);
    });
  }

  // --- preview ----------------------------------------------------------------------------------------------------

  /** The core's split of the basket for the visit (2101), which must be this terminal's and unexpired. */
  public Future<JsonObject> preview(Terminal terminal, String visitToken, Basket basket) {
    return visits.get(terminal.fixmedinsCode(), visitToken).compose(v -> {
      if (v == null) {
        return Future.failedFuture(visitGone());
      }
      if (!v.of(terminal)) {
        return Future.failedFuture(anotherTerminalsVisit());
      }
      return national.preSettle(v, basket).map(RemoteCare::explained);
    });
  }

  private static ProblemException visitGone() {
    return new ProblemException(ProblemCode.VISIT_EXPIRED, null, "visitToken", Map.of());
  }

  private static ProblemException anotherTerminalsVisit() {
    return new ProblemException(ProblemCode.NOT_YOUR_PHARMACY, "This visit belongs to another terminal", "visitToken",
        Map.of());
  }

  private static ProblemException visitTaken(String settlementId) {
    return new ProblemException(ProblemCode.VISIT_EXPIRED, "This visit already has settlement " + settlementId
        + "; scan a new code for another purchase", "visitToken", Map.of());
  }

  // --- settle -----------------------------------------------------------------------------------------------------

  /**
   * A settle request under way. Made before its idempotency claim is decided: a purchase that will be sent is
   * queued for recovery beside the claim, and the visit is read beside it too (a read, and a queue entry whose
   * record never comes to be is dropped by recovery): the claim, the intent and what the record needs cost one round
   * trip. Then either {@link #settle} (the claim is this request's) or {@link #abandonUnlessSettled} (it is not).
   */
  public final class Purchase {
    private final Terminal terminal;
    private final String visitToken;
    private final Basket basket;
    private final String id = Secrets.randomId(16);
    private final boolean sent;
    private final Future<Void> queued;
    private final Future<Visit> visit;
    private boolean settling;

    private Purchase(Terminal terminal, String visitToken, Basket basket) {
      this.terminal = terminal;
      this.visitToken = visitToken;
      this.basket = basket;
      this.sent = !needsConfirmation(basket);
      this.queued = sent ? queue(new Ref(terminal.fixmedinsCode(), id)) : Future.succeededFuture();
      this.visit = visits.get(terminal.fixmedinsCode(), visitToken);
    }

    /** Settles the visit once for the request named {@code attempt} ({@link SettlementRecords}' {@code idem}). */
    public Future<Settlement> settle(String attempt) {
      settling = true;
      return Future.all(queued, visit).compose(x -> settleOnce(this, attempt, id, visit.result(), true));
    }

    /** Nothing was opened under this id (another request holds the claim): its queue entry goes now, not later. */
    public void abandonUnlessSettled() {
      if (!settling && sent) {
        recovered(new Ref(terminal.fixmedinsCode(), id));
      }
    }
  }

  /** A settle request for the terminal's visit: see {@link Purchase}. */
  public Purchase purchase(Terminal terminal, String visitToken, Basket basket) {
    return new Purchase(terminal, visitToken, basket);
  }

  /** Above the threshold the resident confirms in the app before anything is sent. */
  private boolean needsConfirmation(Basket basket) {
    return basket.medfeeFen() > config.confirmationThresholdFen();
  }

  /**
   * One settlement for a visit {@code v} (as read beside the claim; null when gone), queued already when it will be
   * sent. Opened in one step: the visit checked, the record created with its message id, the visit tied to it
   * (settlement-open.lua); the resident's index written beside that (another slot). Only then is 2102 sent. An index
   * that could not be written unties the visit again and fails the record as never sent, so the 503 leaves the visit
   * usable. After the tie, the retry with the same Idempotency-Key finds the settlement through the visit (even when
   * the first answer was never stored).
   */
  private Future<Settlement> settleOnce(Purchase p, String attempt, String id, Visit v, boolean mayFree) {
    Terminal terminal = p.terminal;
    if (v == null) {
      return dropQueued(terminal, id).compose(x -> Future.failedFuture(visitGone()));
    }
    if (!v.of(terminal)) {
      return dropQueued(terminal, id).compose(x -> Future.failedFuture(anotherTerminalsVisit()));
    }
    if (v.settlementId() != null) {
      return dropQueued(terminal, id).compose(x -> alreadyTaken(p, attempt, v.settlementId(), mayFree));
    }
    boolean needsConfirmation = needsConfirmation(p.basket);
    long now = System.currentTimeMillis();
    Settlement draft = Settlement.draft(id, v, p.basket, now, io.yibao.gateway.time.BusinessTime.today().toString(),
        attempt, needsConfirmation ? now + config.confirmationSeconds() * 1000L : null);
    Future<SettlementRecords.Opened> opened = records.open(p.visitToken, terminal.terminalId(), draft,
        needsConfirmation ? null : national.nowSeconds());
    Future<Void> indexed = records.index(v.accountId(), id, terminal.fixmedinsCode(),
        Long.toString(draft.createdAtMillis()), needsConfirmation ? draft.confirmByMillis().toString() : null);
    return Future.join(opened, indexed).transform(both -> {
      if (opened.failed()) {
        // The script may have run all the same (an answer lost): its queue entry stays, for recovery to resolve.
        return Future.failedFuture(opened.cause());
      }
      SettlementRecords.Opened o = opened.result();
      if (o.outcome() != SettlementRecords.Outcome.OPENED) {
        Future<Void> undone = records.unindex(v.accountId(), id).compose(x -> dropQueued(terminal, id));
        return switch (o.outcome()) {
          case TAKEN -> undone.compose(x -> alreadyTaken(p, attempt, o.existingSettlement(), mayFree));
          case OTHER_TERMINAL -> undone.compose(x -> Future.failedFuture(anotherTerminalsVisit()));
          default -> undone.compose(x -> Future.failedFuture(visitGone()));
        };
      }
      Settlement s = o.record();
      if (indexed.failed()) {
        return notSent(p, s).transform(x -> Future.failedFuture(indexed.cause()));
      }
      return needsConfirmation ? Future.succeededFuture(s) : sendOpened(p, s);
    });
  }

  /** The visit has settlement {@code existing}: this request's own (answered as it stands), or another's. */
  private Future<Settlement> alreadyTaken(Purchase p, String attempt, String existing, boolean mayFree) {
    return taken(p.terminal, existing, attempt).compose(found -> found != null ? Future.succeededFuture(found)
        // This request's own settlement that never reached the core, whose visit could not be freed then
        : mayFree ? visits.releaseSettlement(p.terminal.fixmedinsCode(), p.visitToken, existing)
            .compose(x -> retry(p, attempt))
        : Future.failedFuture(visitTaken(existing)));
  }

  /**
   * The visit already has a settlement: the one this very request made (its first answer was lost, or never
   * stored), answered as it stands now; or another one, and the terminal scans a new code. Answers null for this
   * request's own settlement that was never sent (the core was unavailable): its visit may be used again.
   */
  private Future<Settlement> taken(Terminal terminal, String settlementId, String attempt) {
    return records.get(new Ref(terminal.fixmedinsCode(), settlementId)).compose(existing -> {
      if (existing == null || !attempt.equals(existing.attempt())) {
        return Future.failedFuture(visitTaken(settlementId));
      }
      if (existing.is(Status.FAILED) && existing.notSent()) {
        return Future.succeededFuture(null);
      }
      return Future.succeededFuture(existing);
    });
  }

  /** Settles the visit again under a new id, once its own never-sent settlement let go of it. */
  private Future<Settlement> retry(Purchase p, String attempt) {
    String id = Secrets.randomId(16);
    Future<Void> queued = needsConfirmation(p.basket) ? Future.succeededFuture()
        : queue(new Ref(p.terminal.fixmedinsCode(), id));
    return queued.compose(x -> visits.get(p.terminal.fixmedinsCode(), p.visitToken))
        .compose(v -> settleOnce(p, attempt, id, v, false));
  }

  /** The queue entry of a settlement id that was never opened: dropped now rather than by recovery. */
  private Future<Void> dropQueued(Terminal terminal, String id) {
    return recovered(new Ref(terminal.fixmedinsCode(), id)).otherwiseEmpty();
  }

  /**
   * An opened settlement that must not be sent (its resident's index could not be written): it fails as never sent
   * and lets go of its visit, so that the retry the 503 invites can settle it. If these writes fail too, recovery
   * reverses the PENDING record (never sent) and the retry with the same Idempotency-Key finds it through the visit.
   */
  private Future<Void> notSent(Purchase p, Settlement s) {
    Status from = s.status();
    return records.transition(s, from, Status.FAILED,
            Settlement.notSentFields("not sent: the settlement could not be recorded"))
        .compose(move -> move.moved() ? Future.join(
            from == Status.PENDING ? recovered(s.ref()) : Future.succeededFuture(),
            visits.releaseSettlement(p.terminal.fixmedinsCode(), p.visitToken, s.id()),
            records.unindex(s.accountId(), s.id())).mapEmpty()
            : Future.succeededFuture())
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** Sends an opened settlement; one that was never sent frees its visit, so the retry the 503 invites can settle. */
  private Future<Settlement> sendOpened(Purchase p, Settlement s) {
    return send(s, Status.FAILED).recover(failure -> neverSent(failure)
        ? visits.releaseSettlement(p.terminal.fixmedinsCode(), p.visitToken, s.id())
            .transform(y -> Future.failedFuture(failure))
        : Future.failedFuture(failure));
  }

  /** The core was certainly not reached (breaker open, no connection): nothing was decided. */
  private static boolean neverSent(Throwable failure) {
    return failure instanceof CoreCallException call && !call.mayHaveHappened();
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
  Future<Settlement> send(Settlement s, Status ifNotSent) {
    return national.settle(s).compose(answer -> {
      if (answer.ok()) {
        return conclude(s, Status.PENDING, Status.SETTLED, "answered", Settlement.settledFields(answer.output()));
      }
      if (answer.refused()) {
        return conclude(s, Status.PENDING, Status.FAILED, "answered", Settlement.errorFields(answer.errMsg()));
      }
      return unknownOutcome(s, "infcode " + answer.infcode());
    }, failure -> {
      if (neverSent(failure)) {
        return conclude(s, Status.PENDING, ifNotSent, "not sent",
            Settlement.notSentFields("not sent: settlement system unavailable"))
            .transform(x -> Future.failedFuture(failure));
      }
      return unknownOutcome(s, failure instanceof CoreCallException ? "no answer" : failure.getClass().getSimpleName());
    });
  }

  /**
   * Writes a known outcome (compare-and-set) and then takes the settlement out of the recovery queue, without
   * waiting for that: the answer and its storing go out first. If the write fails the
   * settlement stays queued and the caller sees it as it was (recovery will write the outcome); if another resolver
   * moved it first, the caller sees it as that one left it, and the queue is that one's. A queue entry that could
   * not be taken out only costs recovery a look at a resolved record.
   */
  private Future<Settlement> conclude(Settlement s, Status from, Status to, String how, String... fields) {
    return records.transition(s, from, to, fields).compose(move -> {
      if (!move.moved()) {
        return Future.succeededFuture(move.record() == null ? s : move.record());
      }
      // Out of the queue on the next turn of the event loop, after the answer built from this outcome has gone:
      // nobody waits on it.
      Runnable dequeue = () -> recovered(Ref.of(s)).onFailure(removed ->
          LOG.warn("settlement outcome written, queue entry left for recovery", kv("settlement", s.id())));
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      if (context == null) {
        dequeue.run();
      } else {
        context.runOnContext(v -> dequeue.run());
      }
      return Future.succeededFuture(move.record());
    }, failure -> {
      LOG.warn("settlement outcome not written, recovery will write it", kv("settlement", s.id()),
          kv("outcome", to.name()), kv("how", how), kv("reason", failure.toString()));
      return Future.succeededFuture(s);
    });
  }

  private Future<Settlement> unknownOutcome(Settlement s, String why) {
    // Nothing to write: the settlement has been queued since before the call.
    LOG.warn("settlement outcome unknown, recovery will resolve it", kv("settlement", s.id()), kv("reason", why));
    return Future.succeededFuture(s);
  }

  // --- follow and cancel ------------------------------------------------------------------------------------------

  /** A settlement of the terminal's pharmacy; another pharmacy's does not exist as far as this terminal can tell. */
  public Future<Settlement> ours(Terminal terminal, String id) {
    return records.get(new Ref(terminal.fixmedinsCode(), id)).compose(s -> s == null
        ? Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null))
        : Future.succeededFuture(s));
  }

  /**
   * Cancels the terminal's pharmacy's settlement {@code id}: only a SETTLED one of today; one cancelled or being
   * cancelled already is answered as it stands.
   */
  public Future<Settlement> cancel(Terminal terminal, String id) {
    return ours(terminal, id).compose(s -> {
      if (s.is(Status.CANCELLED) || s.is(Status.CANCELLING)) {
        return Future.succeededFuture(s);
      }
      String today = io.yibao.gateway.time.BusinessTime.today().toString();
      if (!s.is(Status.SETTLED) || !today.equals(s.businessDate())) {
        return Future.failedFuture(new ProblemException(ProblemCode.SETTLEMENT_NOT_CANCELLABLE,
            "Only a settled purchase of today can be cancelled"));
      }
      return startCancel(s, terminal.terminalId());
    });
  }

  /**
   * Cancels a SETTLED settlement of today (2103). The cancel is queued and the record is CANCELLING with the 2103
   * message id before 2103 is sent; its answer makes it CANCELLED (or SETTLED again when the core refuses). A lost
   * answer leaves it CANCELLING for recovery, which the terminal can follow. Fails with 409 when the core refuses,
   * 503 when it could not be reached (nothing was sent: SETTLED again).
   */
  private Future<Settlement> startCancel(Settlement s, String terminalId) {
    return national.newMessageId(s.fixmedinsCode())
        .compose(msgid -> queue(Ref.of(s)).map(msgid))
        .compose(msgid -> records.transition(s, Status.SETTLED, Status.CANCELLING,
            Settlement.cancellingFields(msgid, terminalId)))
        .compose(move -> {
          if (!move.moved()) {
            return Future.succeededFuture(move.record()); // cancelled (or being cancelled) by another request
          }
          Settlement cancelling = move.record();
          return sendCancel(cancelling).recover(failure -> {
            if (neverSent(failure)) {
              return conclude(cancelling, Status.CANCELLING, Status.SETTLED, "not sent")
                  .transform(x -> Future.failedFuture(failure));
            }
            if (failure instanceof CoreCallException || failure instanceof UnknownAnswer) {
              LOG.warn("cancel outcome unknown, recovery will resolve it", kv("settlement", s.id()));
              return Future.succeededFuture(cancelling);
            }
            return Future.failedFuture(failure);
          }).compose(after -> after.cancelWasRefused()
              ? Future.failedFuture(new ProblemException(ProblemCode.SETTLEMENT_NOT_CANCELLABLE, after.cancelRefused()))
              : Future.succeededFuture(after));
        });
  }

  /**
   * Sends 2103 for a CANCELLING record and writes a known answer; an unknown one fails (CoreCallException, or
   * UnknownAnswer for infcode -1).
   */
  private Future<Settlement> sendCancel(Settlement s) {
    return national.cancel(s).compose(answer -> {
      if (answer.ok()) {
        return conclude(s, Status.CANCELLING, Status.CANCELLED, "answered",
            Settlement.cancelledFields(answer.output()));
      }
      if (answer.refused()) {
        return conclude(s, Status.CANCELLING, Status.SETTLED, "refused",
            Settlement.cancelRefusedFields(answer.errMsg()));
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

  // --- reconcile --------------------------------------------------------------------------------------------------

  /** The gateway's day against the core's: balanced when 3201 says so; {@code ours.open()} are still unresolved. */
  public record Reconciliation(String date, String fixmedinsCode, boolean balanced, NationalInterface.DayTotals ours,
                               JsonObject core) {
  }

  /**
   * The gateway's totals of the day, checked against the core's with 3201. The totals are counters kept with each
   * status change, so this reads one hash however busy the pharmacy was.
   */
  public Future<Reconciliation> reconcile(Terminal terminal, String date) {
    return records.totals(terminal.fixmedinsCode(), date).compose(ours ->
        national.reconcile(terminal.fixmedinsCode(), terminal.terminalId(), date, ours).map(theirs ->
            new Reconciliation(date, terminal.fixmedinsCode(), "0".equals(theirs.getString("stmt_rslt")), ours,
                theirs)));
  }

  // --- the resident's side ----------------------------------------------------------------------------------------

  /** A page of the resident's settlements, newest first, and how many there are in all. */
  public record Page(List<Settlement> items, long total) {
  }

  public Future<Page> ofResident(String accountId, int offset, int size) {
    return records.countOfAccount(accountId).compose(total -> records.idsOfAccount(accountId, offset, size)
        .compose(ids -> records.ofAccount(accountId, ids)).map(all -> new Page(all.stream()
            .sorted(Comparator.comparingLong(Settlement::createdAtMillis).reversed()).toList(), total)));
  }

  /** The resident's settlements still awaiting their confirmation. */
  public Future<List<Settlement>> awaitingResident(String accountId) {
    long now = System.currentTimeMillis();
    return records.awaiting(accountId).compose(ids -> records.ofAccount(accountId, ids)).map(all -> all.stream()
        .filter(s -> SettlementRecords.effectiveStatus(s, now) == Status.AWAITING_CONFIRMATION).toList());
  }

  /**
   * The resident says yes: the settlement is sent to the core now, exactly like one below the threshold. One past
   * its confirmation time is EXPIRED (409 CONFIRMATION_EXPIRED, nothing charged); one confirmed already is answered
   * as it stands. Never sent (core unavailable): it awaits the resident again and the 503 invites a retry.
   */
  public Future<Settlement> confirmByResident(String accountId, String id) {
    return records.ofAccount(accountId, id).compose(s -> {
      if (s == null || !accountId.equals(s.accountId())) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null));
      }
      Status status = SettlementRecords.effectiveStatus(s, System.currentTimeMillis());
      if (status == Status.EXPIRED) {
        return records.transition(s, Status.AWAITING_CONFIRMATION, Status.EXPIRED)
            .compose(y -> records.stopAwaiting(accountId, id))
            .compose(y -> Future.failedFuture(new ProblemException(ProblemCode.CONFIRMATION_EXPIRED,
                "The confirmation time has passed; nothing was charged")));
      }
      if (status != Status.AWAITING_CONFIRMATION) {
        return Future.succeededFuture(s); // already confirmed: answer with how it stands
      }
      return confirm(s).compose(sent -> records.stopAwaiting(accountId, id).map(sent));
    });
  }

  /**
   * The resident confirmed an awaiting settlement: queue it, move it to PENDING with its message id (one
   * confirmation wins), and send it. A confirmation that lost the race answers the record as it stands.
   */
  private Future<Settlement> confirm(Settlement s) {
    return national.newMessageId(s.fixmedinsCode())
        .compose(msgid -> queue(Ref.of(s)).map(msgid))
        .compose(msgid -> records.transition(s, Status.AWAITING_CONFIRMATION, Status.PENDING,
            Settlement.sentFields(msgid, System.currentTimeMillis())))
        .compose(move -> move.moved() ? send(move.record(), Status.AWAITING_CONFIRMATION)
            : Future.succeededFuture(move.record()));
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
      if (r == null) {
        return Future.succeededFuture(); // queued, but its record never came to be: nothing to resolve
      }
      return switch (r.status()) {
        case PENDING -> resolvePending(r, deadline);
        case REVERSING -> reverse(r, deadline);
        case CANCELLING -> resolveCancel(r, deadline);
        default -> Future.succeededFuture(); // resolved: only the queue entry was left
      };
    });
  }

  private Future<Void> resolvePending(Settlement r, long deadline) {
    long age = System.currentTimeMillis() - (r.sentAtMillis() != null ? r.sentAtMillis() : r.createdAtMillis());
    return within(deadline, queryMillis()).compose(x -> national.messageStatus(r.msgid())).compose(found ->
        switch (found.status()) {
          case "SETTLED" -> decided(records.transition(r, Status.PENDING, Status.SETTLED,
              Settlement.settledFields(found.output())), r, "SETTLED");
          case "CANCELLED", "REVERSED" -> decided(records.transition(r, Status.PENDING, Status.REVERSED), r, "REVERSED");
          default -> startReversal(r, deadline);
        }, queryFailed -> age > config.recoveryGiveUpSeconds() * 1000L
          ? startReversal(r, deadline)  // the outcome cannot be confirmed: make sure it did not happen
          : Future.failedFuture(queryFailed));
  }

  /** REVERSING, with the 2601's own message id, before 2601 is sent: a resolver that lost the race sends nothing. */
  private Future<Void> startReversal(Settlement r, long deadline) {
    return national.newMessageId(r.fixmedinsCode())
        .compose(rmsgid -> records.transition(r, Status.PENDING, Status.REVERSING, Settlement.reversingFields(rmsgid)))
        .compose(move -> move.moved() ? reverse(move.record(), deadline) : lost(r));
  }

  private Future<Void> reverse(Settlement r, long deadline) {
    return within(deadline, writeMillis()).compose(x -> national.reverse(r))
        .compose(answer -> answer.ok()
            ? decided(records.transition(r, Status.REVERSING, Status.REVERSED), r, "REVERSED")
            : Future.failedFuture(new IllegalStateException("reversal answered infcode " + answer.infcode())));
  }

  private Future<Void> resolveCancel(Settlement r, long deadline) {
    return within(deadline, queryMillis()).compose(x -> national.messageStatus(r.cancelMsgid())).compose(found -> {
      if ("CANCELLED".equals(found.status())) {
        return decided(records.transition(r, Status.CANCELLING, Status.CANCELLED,
            Settlement.cancelledFields(found.output())), r, "CANCELLED");
      }
      // The core has not cancelled it under this message: send it (again, same message id; 2103 is idempotent).
      return within(deadline, writeMillis()).compose(x -> sendCancel(r)).compose(after -> {
        LOG.info("settlement cancel recovered", kv("settlement", r.id()), kv("outcome", after.status().name()));
        return Future.succeededFuture();
      });
    });
  }

  private Future<Void> decided(Future<Transition<Settlement>> move, Settlement r, String outcome) {
    return move.compose(m -> {
      if (!m.moved()) {
        return lost(r);
      }
      LOG.info("settlement recovered", kv("settlement", r.id()), kv("outcome", outcome));
      return Future.succeededFuture();
    });
  }

  private static Future<Void> lost(Settlement r) {
    return Future.failedFuture(new IllegalStateException("settlement " + r.id() + " changed under recovery"));
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

  public SettlementRecords records() {
    return records;
  }
}
