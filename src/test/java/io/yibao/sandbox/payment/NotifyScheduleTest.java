package io.yibao.sandbox.payment;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NotifyScheduleTest {

  @Test
  void theDefaultDoublesFrom250MillisecondsUpTo30SecondsForFifteenAttempts() {
    NotifySchedule schedule = NotifySchedule.defaults();
    List<Long> delays = IntStream.rangeClosed(1, 15).mapToObj(n -> schedule.delayBefore(n).toMillis()).toList();
    assertEquals(List.of(0L, 250L, 500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L,
        30_000L, 30_000L, 30_000L, 30_000L), delays);
    assertEquals(15, schedule.maxAttempts());
    assertEquals(Duration.ofSeconds(5), schedule.requestTimeout());
    assertEquals(Duration.ofSeconds(30), schedule.delayBefore(1_000), "a late attempt number does not overflow");
  }

  @Test
  void aScheduleMustMakeSense() {
    assertThrows(IllegalArgumentException.class,
        () -> new NotifySchedule(Duration.ZERO, Duration.ofSeconds(1), 3, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new NotifySchedule(Duration.ofSeconds(2), Duration.ofSeconds(1), 3, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new NotifySchedule(Duration.ofMillis(1), Duration.ofSeconds(1), 0, Duration.ofSeconds(1)));
  }
}
