package io.yibao.gateway.http;

import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.RoutingContext;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request a trace id: the caller's {@code X-Request-Id} when it looks like an id (so a pharmacy's or
 * a load balancer's id follows the request through our logs), otherwise a fresh random one. It is echoed back in
 * {@code X-Request-Id} and appears in every problem body and log line of the request.
 */
public final class RequestIds implements PlatformHandler {

  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "yb.traceId";
  private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._-]{8,64}");
  /** An id that could be a mobile or ID number is replaced: trace ids go to logs, personal data never does. */
  private static final Pattern LOOKS_PERSONAL = Pattern.compile("1[3-9]\\d{9}|\\d{17}[0-9Xx]");

  @Override
  public void handle(RoutingContext rc) {
    String offered = rc.request().getHeader(HEADER);
    String id = offered != null && ACCEPTABLE.matcher(offered).matches() && !LOOKS_PERSONAL.matcher(offered).find()
        ? offered : newId();
    rc.put(KEY, id);
    rc.response().putHeader(HEADER, id);
    rc.next();
  }

  public static String traceId(RoutingContext rc) {
    String id = rc.get(KEY);
    return id != null ? id : "none";
  }

  /**
   * 128 random bits as 32 hex digits. A trace id is not a secret (it is echoed to the caller and logged), so it
   * comes from the thread's own generator: a shared SecureRandom is a lock every request would take.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    HexFormat hex = HexFormat.of();
    return hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
  }
}
