package io.yibao.gateway.pharmacy;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.yibao.gateway.redis.RedisStore;

/**
 * Drains the recovery queue of settlements whose outcome is unknown. Every gateway verticle runs one; entries
 * are claimed with a lease ({@code recovery-claim.lua}), so instances share the work, and an entry whose worker
 * died becomes due again when its lease ends — also after a restart of every instance.
 */
public final class SettlementRecovery {

  private static final long TICK_MILLIS = 200;
  private static final long LEASE_MILLIS = 10_000;
  private static final int BATCH = 20;

  private final PharmacySettlements settlements;
  private final RedisStore redis;
  private long timer = -1;
  private boolean busy;

  public SettlementRecovery(PharmacySettlements settlements, RedisStore redis) {
    this.settlements = settlements;
    this.redis = redis;
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
    settlements.records().claimDue(LEASE_MILLIS, BATCH).onComplete(claimed -> {
      if (claimed.failed() || claimed.result().isEmpty()) {
        busy = false;
        return;
      }
      io.vertx.core.Future.join(claimed.result().stream().map(this::attempt).toList()).onComplete(x -> busy = false);
    });
  }

  private io.vertx.core.Future<Void> attempt(String id) {
    return settlements.recover(id).recover(failure ->
        redis.send(Command.HINCRBY, SettlementRecords.recordKey(id), "recoveries", 1)
            .compose(n -> settlements.records().scheduleRecovery(id,
                System.currentTimeMillis() + settlements.backoff(n.toInteger())))
            .recover(ignored -> io.vertx.core.Future.succeededFuture()));
  }
}
