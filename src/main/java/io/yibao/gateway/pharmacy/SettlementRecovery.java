package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.yibao.gateway.pharmacy.SettlementRecords.Ref;

/**
 * Drains the recovery queue of settlements whose outcome is not yet written. Every gateway verticle runs one;
 * entries are claimed with a lease ({@code recovery-claim.lua}) that outlasts a whole recovery pass
 * ({@link PharmacySettlements#leaseMillis()}), so instances share the work without two working on one entry at
 * once; an entry whose worker died becomes due again when its lease ends — also after a restart of every
 * instance. A pass that fails (core unreachable, answer unknown, or another resolver got there first) schedules
 * the next check with back-off, for an entry still queued.
 */
public final class SettlementRecovery {

  private static final long TICK_MILLIS = 200;
  private static final int BATCH = 20;

  private final PharmacySettlements settlements;
  private final long leaseMillis;
  private long timer = -1;
  private boolean busy;

  public SettlementRecovery(PharmacySettlements settlements) {
    this.settlements = settlements;
    this.leaseMillis = settlements.leaseMillis();
  }

  public void start(Vertx vertx) {
    timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
  }

  public void stop(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void tick() {
    if (busy) {
      return;
    }
    busy = true;
    long claimedAt = System.currentTimeMillis();
    settlements.records().claimDue(leaseMillis, BATCH).onComplete(claimed -> {
      if (claimed.failed() || claimed.result().isEmpty()) {
        busy = false;
        return;
      }
      // The deadline counts from before the claim: the lease cannot have started earlier than that.
      long deadline = claimedAt + leaseMillis;
      Future.join(claimed.result().stream().map(ref -> attempt(ref, deadline)).toList()).onComplete(x -> busy = false);
    });
  }

  private Future<Void> attempt(Ref ref, long deadline) {
    SettlementRecords records = settlements.records();
    return settlements.recover(ref, deadline).recover(failure -> records.countRecoveryAttempt(ref)
        .compose(n -> records.rescheduleRecovery(ref, System.currentTimeMillis() + settlements.backoff(n)))
        .recover(ignored -> Future.succeededFuture()));
  }
}
