package yibao;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pharmacy rush while the core's settlement service hangs for a stretch. A separate single-user scenario
 * injects {@code POST {sandbox}/_sandbox/faults {"service":"settlement","hang":true}} {@code faultAt} seconds
 * after the start and heals it ({@code DELETE /_sandbox/faults}) {@code faultFor} seconds later. Meanwhile
 * residents keep buying and looking at GET /api/v1/me.
 *
 * <p>Expected while the core hangs: preview answers 503 CORE_UNAVAILABLE (timeout, then the open breaker); a
 * settle answers 202 PENDING (no answer within the 3 s core timeout; recovered in the background) or, once the
 * breaker is open, 422 SETTLEMENT_REFUSED "settlement system unavailable" (observed behaviour: nothing was sent,
 * the record is FAILED; 503 CORE_UNAVAILABLE would also be accepted) — all counted as expected, not as failures.
 * The tally of settle answers is printed at the end ("settle outcomes"). Assertions: /me stays fast
 * (p99 below {@code meP99Ms}), no settle or preview takes longer than {@code settleMaxMs} (the core timeout of 3 s
 * plus margin), and the rest as usual.
 *
 * <p>Properties: users (30), rampSeconds (10), duration (50), paceMs (1000), faultAt (20), faultFor (15),
 * meP99Ms (200), settleMaxMs (4500), firstIndex (60000), p99Ms (4000), maxFailedPct (1), gateway, sandbox.
 */
public class DegradedCoreSimulation extends Simulation {

  static final int USERS = Yb.intProp("users", 30);
  static final Duration RAMP = Yb.seconds("rampSeconds", 10);
  static final Duration DURATION = Yb.seconds("duration", 50);
  static final Duration PACE = Yb.millis("paceMs", 1000);
  static final Duration FAULT_AT = Yb.seconds("faultAt", 20);
  static final Duration FAULT_FOR = Yb.seconds("faultFor", 15);

  ScenarioBuilder residents = scenario("pharmacy rush, degraded core")
      .exec(Yb.findPerson(Yb.people(60_000), false))
      .exec(Yb.signIn())
      .exec(Yb.bindRealName())
      .exec(Yb.activate())
      .during(DURATION).on(pace(PACE)
          .exec(Yb.authed(http("me").get("/api/v1/me").check(status().is(200))))
          .exec(Yb.issueCode())
          .exec(Yb.resolveAndPreview(200, 503))
          .exec(Yb.settleDegraded())
          .exec(s -> {
            String outcome = s.getString("settleHttp") + " "
                + (s.contains("settleProblem") ? s.getString("settleProblem") : s.getString("settleStatus"));
            OUTCOMES.computeIfAbsent(outcome, k -> new LongAdder()).increment();
            return s;
          }));

  /** Settle answers by HTTP status (201 settled, 202 pending, 503 core unavailable), printed at the end. */
  static final Map<String, LongAdder> OUTCOMES = new ConcurrentSkipListMap<>();

  @Override
  public void after() {
    System.out.println("DegradedCoreSimulation settle outcomes: " + OUTCOMES);
  }

  ScenarioBuilder chaos = scenario("settlement fault")
      .pause(FAULT_AT)
      .exec(http("sandbox: inject settlement hang").post(Yb.SANDBOX + "/_sandbox/faults")
          .body(StringBody("{\"service\":\"settlement\",\"hang\":true}")).asJson()
          .check(status().in(200, 201, 204)))
      .pause(FAULT_FOR)
      .exec(http("sandbox: heal faults").delete(Yb.SANDBOX + "/_sandbox/faults")
          .check(status().in(200, 204)));

  {
    setUp(
        residents.injectOpen(rampUsers(USERS).during(RAMP)),
        chaos.injectOpen(atOnceUsers(1)))
        .protocols(Yb.protocol())
        .assertions(
            global().responseTime().percentile(99).lt(Yb.p99Ms(4000)),
            global().failedRequests().percent().lt(Yb.maxFailedPct(1)),
            details("me").responseTime().percentile(99).lt(Yb.intProp("meP99Ms", 200)),
            details("me").failedRequests().percent().lt(Yb.maxFailedPct(1)),
            details("pos: settle").responseTime().max().lt(Yb.intProp("settleMaxMs", 4500)),
            details("pos: preview").responseTime().max().lt(Yb.intProp("settleMaxMs", 4500)),
            details("sandbox: inject settlement hang").successfulRequests().count().is(1L),
            details("sandbox: heal faults").successfulRequests().count().is(1L));
  }
}
