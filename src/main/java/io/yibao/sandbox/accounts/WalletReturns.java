package io.yibao.sandbox.accounts;

import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;

/**
 * Money a wallet did not take goes back to the sharer by 06:00 the next day: a timer on the sandbox's event loop
 * runs the return at every 06:00 business time and sets itself for the next one.
 */
final class WalletReturns {

  static final LocalTime RETURN_TIME = LocalTime.of(6, 0);

  private final Vertx vertx;
  private final Clock clock;
  private final Runnable run;

  WalletReturns(Vertx vertx, Clock clock, Runnable run) {
    this.vertx = vertx;
    this.clock = clock;
    this.run = run;
  }

  void start() {
    ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(BusinessTime.ZONE);
    long delay = Math.max(1, Duration.between(now, next(now)).toMillis());
    vertx.setTimer(delay, id -> {
      try {
        run.run();
      } finally {
        start();
      }
    });
  }

  /** The first 06:00 business time after {@code now}. */
  static ZonedDateTime next(ZonedDateTime now) {
    ZonedDateTime local = now.withZoneSameInstant(BusinessTime.ZONE);
    ZonedDateTime today = local.toLocalDate().atTime(RETURN_TIME).atZone(BusinessTime.ZONE);
    return today.isAfter(local) ? today : today.plusDays(1);
  }
}
