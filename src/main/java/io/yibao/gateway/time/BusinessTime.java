package io.yibao.gateway.time;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Business time is Asia/Shanghai: collection windows, reconciliation dates, ages, quiet hours, and the offset of
 * every timestamp the gateway answers with.
 */
public final class BusinessTime {

  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  private BusinessTime() {
  }

  /** Today's business date. */
  public static LocalDate today() {
    return LocalDate.now(ZONE);
  }

  /** An instant as the answers write it: ISO-8601 with the +08:00 offset. */
  public static String timestamp(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atZone(ZONE).toOffsetDateTime().toString();
  }
}
