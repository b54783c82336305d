package io.yibao.gateway.family;

import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.time.BusinessTime;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When wallet transfers may be made, in business time (Asia/Shanghai): not in the quiet hours
 * ({@code family.quietHoursFrom}–{@code quietHoursTo}, which may wrap midnight), and counted per business day. The
 * clock is injected so that the rule is tested at its boundaries (21:59, 22:00, 05:59, 06:00) without waiting for
 * the night; production uses the system clock.
 */
public final class TransferCalendar {

  private final GatewayConfig.Family config;
  private final Clock clock;

  public TransferCalendar(GatewayConfig.Family config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Now, in business time. */
  public ZonedDateTime now() {
    return ZonedDateTime.now(clock.withZone(BusinessTime.ZONE));
  }

  /** The business day a transfer made at {@code at} counts against. */
  public static LocalDate businessDay(ZonedDateTime at) {
    return at.withZoneSameInstant(BusinessTime.ZONE).toLocalDate();
  }

  /** When the quiet hours {@code at} falls in end; empty when transfers may be made at {@code at}. */
  public Optional<ZonedDateTime> quietUntil(ZonedDateTime at) {
    ZonedDateTime local = at.withZoneSameInstant(BusinessTime.ZONE);
    if (!config.quiet(local.toLocalTime())) {
      return Optional.empty();
    }
    ZonedDateTime end = local.toLocalDate().atTime(config.quietHoursTo()).atZone(BusinessTime.ZONE);
    return Optional.of(end.isAfter(local) ? end : end.plusDays(1));
  }

  /** The start (00:00) of the business day after {@code at}'s: when a spent daily count is new again. */
  public static ZonedDateTime nextBusinessDay(ZonedDateTime at) {
    return businessDay(at).plusDays(1).atStartOfDay(BusinessTime.ZONE);
  }
}
