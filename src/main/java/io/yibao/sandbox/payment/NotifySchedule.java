package io.yibao.sandbox.payment;

import java.time.Duration;

/**
 * When the channel retries an unacknowledged notify: the first attempt at once, then after {@code firstDelay},
 * doubling, never more than {@code maxDelay} apart, {@code maxAttempts} attempts in all. Each attempt waits at most
 * {@code requestTimeout} for an answer. WeChat itself retries for about a day (15s/15s/30s/3m/10m/...); the default
 * here is compressed so that a demo shows retries within seconds and gives up within minutes.
 */
public record NotifySchedule(Duration firstDelay, Duration maxDelay, int maxAttempts, Duration requestTimeout) {

  public NotifySchedule {
    if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0 || maxAttempts < 1
        || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("a schedule needs positive delays, maxDelay >= firstDelay, attempts >= 1");
    }
  }

  /** 250 ms doubling, capped at 30 s, 15 attempts (about 4 minutes in all); 5 s per attempt, like WeChat. */
  public static NotifySchedule defaults() {
    return new NotifySchedule(Duration.ofMillis(250), Duration.ofSeconds(30), 15, Duration.ofSeconds(5));
  }

  /** The pause before attempt {@code attempt} (2 and up) after the previous one failed. */
  public Duration delayBefore(int attempt) {
    if (attempt < 2) {
      return Duration.ZERO;
    }
    long millis = firstDelay.toMillis();
    for (int i = 0; i < attempt - 2 && millis < maxDelay.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
  }
}
