package io.yibao.gateway.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;

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

  /**
   * The log holds the flow and none of the secrets: first every route listed has its access line (as many as it is
   * listed), so that a check on an empty or partial log cannot pass; then no secret appears anywhere in the log.
   */
  public static void assertFlowLoggedWithout(List<String> routes, List<String> secrets) {
    Map<String, Long> expected = routes.stream().collect(Collectors.groupingBy(r -> r, Collectors.counting()));
    try {
      Await.until("access lines of " + routes, Duration.ofSeconds(5), () -> {
        Map<String, Long> logged = accessRoutes().stream().collect(Collectors.groupingBy(r -> r, Collectors.counting()));
        return expected.entrySet().stream().allMatch(e -> logged.getOrDefault(e.getKey(), 0L) >= e.getValue());
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; logged: " + accessRoutes(), e);
    }
    String log = all();
    for (int i = 0; i < secrets.size(); i++) {
      // The index, not the value: the test's own output is a log too.
      assertFalse(log.contains(secrets.get(i)), "the log holds secret #" + i + " (personal data, a token or a code)");
    }
  }

  /** The route of every access line logged so far, in order. */
  public static List<String> accessRoutes() {
    return lines().stream().map(JsonObject::new).filter(l -> "access".equals(l.getString("logger_name")))
        .map(l -> l.getString("route")).toList();
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
