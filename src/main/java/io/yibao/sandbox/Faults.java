package io.yibao.sandbox;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fault injection, per service: {@code POST /_sandbox/faults} with
 * <pre>{"service": "settlement", "latencyMs": 200, "latencyMaxMs": 800, "errorRate": 0.3, "hang": false,
 *  "reset": false, "down": false, "hangRate": 0.0, "hold": false, "methods": ["POST"]}</pre>
 * sets the service's faults (omitted fields are off); {@code DELETE /_sandbox/faults} clears all,
 * {@code DELETE /_sandbox/faults/{service}} one; {@code GET /_sandbox/faults} lists them;
 * {@code GET /_sandbox/stats} counts the requests each service received.
 * <ul>
 *   <li>latency: fixed {@code latencyMs}, or uniformly random up to {@code latencyMaxMs}; the request (body read)
 *   is then handled normally, or meets the other faults;</li>
 *   <li>errorRate: that share of calls answers 500 with a JSON error (after the latency);</li>
 *   <li>hang / hangRate: the request is accepted and never answered (all calls / that share of calls); the
 *   service still does its work when {@code hangAfterWork} is true, so the caller cannot know the outcome;</li>
 *   <li>hold: like hang (nothing is done, nothing answered) until the fault is cleared ({@code DELETE}): then every
 *   held request whose caller still waits goes on and is answered. Tests use it to stop a flow between a core
 *   call and the step after it;</li>
 *   <li>reset: the connection is closed after the request is read, without an answer;</li>
 *   <li>down: the connection is closed at once, as if nothing listened;</li>
 *   <li>methods: the faults apply only to requests with one of these HTTP methods (e.g. only writes, so that a
 *   test can read from a system that refuses to record); absent or empty: to every request.</li>
 * </ul>
 */
public final class Faults {

  /** The faults of one service. */
  public record Fault(long latencyMs, long latencyMaxMs, double errorRate, boolean hang, double hangRate,
                      boolean hangAfterWork, boolean reset, boolean down, boolean hold,
                      java.util.Set<String> methods) {

    static Fault from(JsonObject json) {
      java.util.Set<String> methods = new java.util.HashSet<>();
      json.getJsonArray("methods", new io.vertx.core.json.JsonArray()).forEach(m -> methods.add(String.valueOf(m)));
      return new Fault(json.getLong("latencyMs", 0L), json.getLong("latencyMaxMs", 0L),
          json.getDouble("errorRate", 0.0), json.getBoolean("hang", false), json.getDouble("hangRate", 0.0),
          json.getBoolean("hangAfterWork", false), json.getBoolean("reset", false), json.getBoolean("down", false),
          json.getBoolean("hold", false), java.util.Set.copyOf(methods));
    }

    boolean appliesTo(String method) {
      return methods.isEmpty() || methods.contains(method);
    }

    JsonObject toJson() {
      return new JsonObject().put("latencyMs", latencyMs).put("latencyMaxMs", latencyMaxMs)
          .put("errorRate", errorRate).put("hang", hang).put("hangRate", hangRate)
          .put("hangAfterWork", hangAfterWork).put("reset", reset).put("down", down).put("hold", hold)
          .put("methods", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(methods)));
    }
  }

  private static final String HANG_AFTER_WORK = "sandbox.hangAfterWork";
  private static final String SERVICE_PATH = "^/([a-z][a-z0-9-]*)/.*";

  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  /** Requests stopped by a hold fault, by service, until it is cleared. */
  private final Map<String, java.util.Queue<RoutingContext>> held = new ConcurrentHashMap<>();
  /** Requests that reached each service (faulty or not): lets a test prove an open breaker sent nothing. */
  private final Map<String, java.util.concurrent.atomic.LongAdder> received = new ConcurrentHashMap<>();

  public void set(String service, Fault fault) {
    faults.put(service, fault);
  }

  public void clear() {
    faults.clear();
    held.keySet().forEach(this::release);
  }

  /** Lets the held requests of a service go on, those whose caller still waits for an answer. */
  private void release(String service) {
    java.util.Queue<RoutingContext> waiting = held.remove(service);
    if (waiting != null) {
      waiting.forEach(rc -> rc.vertx().runOnContext(x -> {
        if (!rc.response().closed()) {
          rc.next();
        }
      }));
    }
  }

  /**
   * Installs the fault handlers in front of every service: the first path segment names the service. Counting and
   * {@code down} come before anything is read (as if nothing listened); the other faults come after the body
   * handler, so that a delayed request is then handled normally, body and all. Call it after the body handler is
   * installed and before the services are mounted.
   */
  void guard(Router router) {
    router.routeWithRegex(SERVICE_PATH).order(-1000).handler(rc -> {
      String service = rc.pathParam("param0");
      if (service == null || service.equals("_sandbox")) {
        rc.next();
      } else {
        arrive(rc, service);
      }
    });
    router.routeWithRegex(SERVICE_PATH).handler(rc -> {
      String service = rc.pathParam("param0");
      if (service == null || service.equals("_sandbox")) {
        rc.next();
      } else {
        apply(rc, service);
      }
    });
  }

  private void arrive(RoutingContext rc, String service) {
    received.computeIfAbsent(service, k -> new java.util.concurrent.atomic.LongAdder()).increment();
    Fault fault = faults.get(service);
    if (fault != null && fault.appliesTo(rc.request().method().name()) && fault.down()) {
      rc.request().connection().close();
      return;
    }
    rc.next();
  }

  private void apply(RoutingContext rc, String service) {
    Fault fault = faults.get(service);
    if (fault == null || !fault.appliesTo(rc.request().method().name())) {
      rc.next();
      return;
    }
    if (fault.hold()) {
      // Its body is read (this runs after the body handler); it goes on when the fault is cleared.
      held.computeIfAbsent(service, k -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(rc);
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long delay = fault.latencyMaxMs() > fault.latencyMs()
        ? fault.latencyMs() + random.nextLong(fault.latencyMaxMs() - fault.latencyMs() + 1)
        : fault.latencyMs();
    boolean hang = fault.hang() || (fault.hangRate() > 0 && random.nextDouble() < fault.hangRate());
    boolean error = !hang && fault.errorRate() > 0 && random.nextDouble() < fault.errorRate();
    Runnable proceed = () -> {
      if (fault.reset()) {
        rc.request().connection().close();
      } else if (hang) {
        if (fault.hangAfterWork()) {
          // Do the work, then swallow the answer: the caller cannot tell whether it happened.
          rc.put(HANG_AFTER_WORK, true);
          rc.next();
        }
        // otherwise: accept and never answer
      } else if (error) {
        SandboxHttp.error(rc, 500, "INJECTED_FAULT", "injected error");
      } else {
        rc.next();
      }
    };
    if (delay > 0) {
      rc.vertx().setTimer(delay, id -> proceed.run());
    } else {
      proceed.run();
    }
  }

  /** True when the current request's answer must be swallowed (hang after doing the work). */
  public static boolean swallowAnswer(RoutingContext rc) {
    return Boolean.TRUE.equals(rc.get(HANG_AFTER_WORK));
  }

  void mountAdmin(Router router) {
    router.post("/_sandbox/faults").handler(rc -> {
      JsonObject body = SandboxHttp.body(rc);
      if (body == null) {
        return;
      }
      String service = body.getString("service");
      if (service == null) {
        SandboxHttp.error(rc, 400, "BAD_REQUEST", "service is required");
        return;
      }
      Fault fault = Fault.from(body);
      set(service, fault);
      SandboxHttp.ok(rc, new JsonObject().put(service, fault.toJson()));
    });
    router.delete("/_sandbox/faults").handler(rc -> {
      clear();
      rc.response().setStatusCode(204).end();
    });
    router.delete("/_sandbox/faults/:service").handler(rc -> {
      faults.remove(rc.pathParam("service"));
      release(rc.pathParam("service"));
      rc.response().setStatusCode(204).end();
    });
    router.get("/_sandbox/stats").handler(rc -> {
      JsonObject counts = new JsonObject();
      received.forEach((name, count) -> counts.put(name, count.sum()));
      SandboxHttp.ok(rc, new JsonObject().put("requests", counts));
    });
    router.get("/_sandbox/faults").handler(rc -> {
      JsonObject all = new JsonObject();
      faults.forEach((name, fault) -> all.put(name, fault.toJson()));
      SandboxHttp.ok(rc, all);
    });
  }
}
