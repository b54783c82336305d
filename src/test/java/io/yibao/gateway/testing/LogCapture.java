package io.yibao.gateway.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Logback appender that keeps every encoded log line in memory, so tests can read exactly what operators see. */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

  private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
  private static final ConcurrentLinkedQueue<String> BLOCKED = new ConcurrentLinkedQueue<>();

  private Encoder<ILoggingEvent> encoder;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  @Override
  public void start() {
    encoder.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    LINES.add(line);
    if (event.getLoggerName().contains("BlockedThreadChecker")) {
      BLOCKED.add(event.getFormattedMessage());
    }
  }

  /** Every line logged so far, JSON as written. */
  public static List<String> lines() {
    return new ArrayList<>(LINES);
  }

  public static String all() {
    return String.join("", LINES);
  }

  public static void clear() {
    LINES.clear();
  }

  static List<String> blockedThreadWarnings() {
    return new ArrayList<>(BLOCKED);
  }

  static void clearBlocked() {
    BLOCKED.clear();
  }
}
