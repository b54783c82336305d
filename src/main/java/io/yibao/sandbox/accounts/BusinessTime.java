package io.yibao.sandbox.accounts;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The accounts system keeps business time (Asia/Shanghai) and shows it ISO-8601 to the second, with the offset. */
final class BusinessTime {

  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  private BusinessTime() {
  }

  /** The instant as {@code 2026-11-22T09:30:00+08:00}, or null. */
  static String format(ZonedDateTime at) {
    return at == null ? null : TIME.format(at.withZoneSameInstant(ZONE));
  }
}
