package io.yibao.gateway.family;

import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.time.BusinessTime;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The quiet hours and the business day of wallet transfers, at their boundaries, on a fixed clock. */
class WalletTransferCalendarTest {

  static final GatewayConfig.Family SHIPPED = new GatewayConfig.Family(7, 16, 10, 3, 200_000, LocalTime.of(22, 0),
      LocalTime.of(6, 0));

  static TransferCalendar at(GatewayConfig.Family config, String localDateTime) {
    ZonedDateTime t = java.time.LocalDateTime.parse(localDateTime).atZone(BusinessTime.ZONE);
    return new TransferCalendar(config, Clock.fixed(t.toInstant(), java.time.ZoneOffset.UTC));
  }

  static Optional<String> quietUntil(String localDateTime) {
    TransferCalendar c = at(SHIPPED, localDateTime);
    return c.quietUntil(c.now()).map(end -> end.toOffsetDateTime().toString());
  }

  @Test
  void transfersStopAt22AndStartAgainAt06BusinessTime() {
    assertEquals(Optional.empty(), quietUntil("2026-03-10T21:59:59"));
    assertEquals(Optional.of("2026-03-11T06:00+08:00"), quietUntil("2026-03-10T22:00:00"));
    assertEquals(Optional.of("2026-03-11T06:00+08:00"), quietUntil("2026-03-10T23:59:59"));
    assertEquals(Optional.of("2026-03-11T06:00+08:00"), quietUntil("2026-03-11T00:00:00"));
    assertEquals(Optional.of("2026-03-11T06:00+08:00"), quietUntil("2026-03-11T05:59:59"));
    assertEquals(Optional.empty(), quietUntil("2026-03-11T06:00:00"));
    assertEquals(Optional.empty(), quietUntil("2026-03-11T12:00:00"));
  }

  @Test
  void theClockIsReadInShanghaiWhateverItsOwnZone() {
    // 14:00 UTC is 22:00 in Shanghai: quiet.
    TransferCalendar c = new TransferCalendar(SHIPPED, Clock.fixed(java.time.Instant.parse("2026-03-10T14:00:00Z"),
        java.time.ZoneOffset.UTC));
    assertEquals("2026-03-11T06:00+08:00", c.quietUntil(c.now()).orElseThrow().toOffsetDateTime().toString());
    // 15:59 UTC on the 10th is 23:59 on the 10th; 16:00 UTC is the 11th's business day.
    assertEquals(LocalDate.parse("2026-03-10"),
        TransferCalendar.businessDay(java.time.Instant.parse("2026-03-10T15:59:59Z").atZone(java.time.ZoneOffset.UTC)));
    assertEquals(LocalDate.parse("2026-03-11"),
        TransferCalendar.businessDay(java.time.Instant.parse("2026-03-10T16:00:00Z").atZone(java.time.ZoneOffset.UTC)));
  }

  @Test
  void aSpentDayIsNewAgainAtTheNextMidnight() {
    TransferCalendar c = at(SHIPPED, "2026-12-31T21:30:00");
    assertEquals("2027-01-01T00:00+08:00", TransferCalendar.nextBusinessDay(c.now()).toOffsetDateTime().toString());
  }

  @Test
  void quietHoursWithinOneDayAndNoneAtAll() {
    GatewayConfig.Family lunch = new GatewayConfig.Family(7, 16, 10, 3, 200_000, LocalTime.of(12, 0),
        LocalTime.of(13, 0));
    TransferCalendar c = at(lunch, "2026-03-10T12:30:00");
    assertEquals("2026-03-10T13:00+08:00", c.quietUntil(c.now()).orElseThrow().toOffsetDateTime().toString());
    c = at(lunch, "2026-03-10T13:00:00");
    assertEquals(Optional.empty(), c.quietUntil(c.now()));
    GatewayConfig.Family none = new GatewayConfig.Family(7, 16, 10, 3, 200_000, LocalTime.of(0, 0),
        LocalTime.of(0, 0));
    c = at(none, "2026-03-10T23:00:00");
    assertEquals(Optional.empty(), c.quietUntil(c.now()));
  }
}
