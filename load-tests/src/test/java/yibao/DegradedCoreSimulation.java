package yibao;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pharmacy rush while the core's settlement service hangs for a stretch. A separate single-user scenario
 * injects {@code POST {sandbox}/_sandbox/faults {"service":"settlement","hang":true}} {@code faultAt} seconds
 * after the start and heals it ({@code DELETE /_sandbox/faults}) {@code faultFor} seconds later. Meanwhile
 * residents keep buying and looking at GET /api/v1/me.
 *
 * <p>Each settle is named after the phase it was sent in, and what it may answer depends on that phase:
 * <ul>
 *   <li>"pos: settle, core healthy" (before the fault, with a 2 s guard) and "pos: settle, after recovery"
 *       ({@code recoverSeconds} after the heal): 201 SETTLED only.</li>
 *   <li>"pos: settle, core hanging": 202 PENDING (the core was called and did not answer within the settlement
 *       timeout: recovered in the background) or 503 CORE_UNAVAILABLE with Retry-After (the breaker is open:
 *       nothing was sent). 201 only until the fault is confirmed in place. <b>422 is not accepted</b>: until
 *       commit 2ac3e7f the gateway answered an open breaker with 422 SETTLEMENT_REFUSED "settlement system
 *       unavailable" and stored that answer under the Idempotency-Key, so the terminal could never retry a
 *       purchase the core had never seen; a 422 here is that bug coming back.</li>
 *   <li>"pos: settle, core recovering" (from the heal until {@code recoverSeconds} after it; the breaker may still
 *       be open or half-open): 201, 202 or 503 as above.</li>
 * </ul>
 * Every settle, whatever its phase, must answer within {@code settleMaxMs}: the settlement core timeout
 * ({@code coreTimeoutMs}, 3 000 ms = core.settlement.timeoutMillis of gateway-config/gateway.yaml, which
 * demo.yaml does not override) plus {@code marginMs} for a 2-core machine shared with the generator. A slower
 * settle is a failed request.
 *
 * <p>Every purchase answered 503 is remembered (visit token and Idempotency-Key). When the user's loop is over and
 * the stack has recovered, each is sent again exactly as a terminal retries after Retry-After — same body, same
 * Idempotency-Key, new signature — as "pos: settle retry of a 503", which must answer 201 SETTLED: the 503 must
 * have released both the key and the visit.
 *
 * <p>The tally of settle answers per phase is printed at the end ("settle outcomes"). Assertions: no settle of any
 * phase failed (unexpected status, wrong body, or slower than {@code settleMaxMs}); the hang was exercised (settles
 * were sent while it lasted); settles succeed again after recovery; at least one 503 was retried, and all retries
 * settled; no preview took longer than {@code settleMaxMs}; /me stays fast (p99 below {@code meP99Ms}); the
 * usual global p99 and error-rate bounds.
 *
 * <p>Properties: users (30), rampSeconds (10), duration (50), paceMs (1000), faultAt (20), faultFor (15),
 * recoverSeconds (12: a half-open trial sent just before the heal times out after 3 s, the breaker stays open
 * 5 s, then trial calls close it), coreTimeoutMs (3000), marginMs (1000), settleMaxMs (coreTimeoutMs + marginMs),
 * meP99Ms (200), firstIndex (60000), p99Ms (4000), maxFailedPct (1), gateway, sandbox. {@code duration} must
 * leave settles after {@code faultAt + faultFor + recoverSeconds} (the defaults leave 3 to 13 s per user).
 */
public class DegradedCoreSimulation extends Simulation {

  static final int USERS = Yb.intProp("users", 30);
  static final Duration RAMP = Yb.seconds("rampSeconds", 10);
  static final Duration DURATION = Yb.seconds("duration", 50);
  static final Duration PACE = Yb.millis("paceMs", 1000);
  static final Duration FAULT_AT = Yb.seconds("faultAt", 20);
  static final Duration FAULT_FOR = Yb.seconds("faultFor", 15);
  static final Duration RECOVER = Yb.seconds("recoverSeconds", 12);
  static final int CORE_TIMEOUT_MS = Yb.intProp("coreTimeoutMs", 3000);
  static final int SETTLE_MAX_MS = Yb.intProp("settleMaxMs", CORE_TIMEOUT_MS + Yb.intProp("marginMs", 1000));
  /** Settles sent this long before the planned fault may already meet it (the core is called a bit later). */
  static final long GUARD_MS = 2000;

  static final String HEALTHY = "pos: settle, core healthy";
  static final String HANGING = "pos: settle, core hanging";
  static final String RECOVERING = "pos: settle, core recovering";
  static final String RECOVERED = "pos: settle, after recovery";
  static final String RETRY = "pos: settle retry of a 503";

  // Wall-clock milestones (ms), 0 until reached; written by the chaos scenario and before().
  static volatile long startedAt;
  static volatile long hangConfirmedAt;
  static volatile long healRequestedAt;
  static volatile long healedAt;

  @Override
  public void before() {
    startedAt = System.currentTimeMillis();
  }

  static String phaseNow() {
    long now = System.currentTimeMillis();
    if (healedAt != 0 && now >= healedAt + RECOVER.toMillis()) {
      return RECOVERED;
    }
    if (healRequestedAt != 0) {
      return RECOVERING;
    }
    return now < startedAt + FAULT_AT.toMillis() - GUARD_MS ? HEALTHY : HANGING;
  }

  static boolean recovered() {
    return RECOVERED.equals(phaseNow());
  }

  /** A purchase answered 503: what a terminal needs to send it again. */
  record Unsent(String visitToken, String idemKey) {
  }

  /** Settle answers by phase, HTTP status and code/status, printed at the end. */
  static final Map<String, LongAdder> OUTCOMES = new ConcurrentSkipListMap<>();

  static Session tally(Session s, String name) {
    String outcome = name + ": " + s.getString("settleHttp") + " "
        + (s.contains("settleProblem") ? s.getString("settleProblem") : s.getString("settleStatus"));
    OUTCOMES.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    return s;
  }

  static boolean statusIs(io.gatling.http.response.Response response, int code) {
    return response.status().code() == code;
  }

  /**
   * The settle of the current purchase, named and checked by phase (see the class comment). The phase and whether
   * the fault was already confirmed are fixed in the session just before the request is sent.
   */
  static final ChainBuilder SETTLE = exec(s -> Yb.sign(s, "POST", "/pos/v1/settlements", Yb.purchase(s))
          .set("idemKey", Yb.idempotencyKey())
          .set("phase", phaseNow())
          .set("hangOn", hangConfirmedAt != 0)
          .remove("settleProblem").remove("settleStatus"))
      .exec(Yb.settleRequest(s -> s.getString("phase"))
          .check(responseTimeInMillis().lte(SETTLE_MAX_MS))
          .checkIf((r, s) -> HEALTHY.equals(s.getString("phase")) || RECOVERED.equals(s.getString("phase")))
          .then(status().is(201))
          .checkIf((r, s) -> HANGING.equals(s.getString("phase")) && s.getBoolean("hangOn"))
          .then(status().in(202, 503))
          .checkIf((r, s) -> HANGING.equals(s.getString("phase")) && !s.getBoolean("hangOn"))
          .then(status().in(201, 202, 503))
          .checkIf((r, s) -> RECOVERING.equals(s.getString("phase")))
          .then(status().in(201, 202, 503))
          .checkIf((r, s) -> statusIs(r, 201)).then(jsonPath("$.status").is("SETTLED"))
          .checkIf((r, s) -> statusIs(r, 202)).then(jsonPath("$.status").is("PENDING"))
          .checkIf((r, s) -> statusIs(r, 503))
          .then(jsonPath("$.code").is("CORE_UNAVAILABLE"), header("Retry-After").exists()))
      .exec(s -> tally(s, s.getString("phase")))
      .exec(s -> {
        if (!"503".equals(s.getString("settleHttp"))) {
          return s;
        }
        List<Unsent> unsent = new ArrayList<>(s.getList("unsent"));
        unsent.add(new Unsent(s.getString("visitToken"), s.getString("idemKey")));
        return s.set("unsent", List.copyOf(unsent));
      });

  /** Once recovered: every purchase answered 503 again, same body and Idempotency-Key; it must settle. */
  static final ChainBuilder RETRY_UNSENT = doIf(s -> !s.getList("unsent").isEmpty()).then(
      asLongAs(s -> !recovered() && s.getInt("waited") < 240, "waited").on(pause(Duration.ofMillis(500)))
          .foreach(s -> s.getList("unsent"), "retry").on(
              exec(s -> {
                Unsent u = s.get("retry");
                Session t = s.set("visitToken", u.visitToken()).set("idemKey", u.idemKey())
                    .remove("settleProblem").remove("settleStatus");
                return Yb.sign(t, "POST", "/pos/v1/settlements", Yb.purchase(t));
              })
                  .exec(Yb.settleRequest(s -> RETRY)
                      .check(responseTimeInMillis().lte(SETTLE_MAX_MS))
                      .check(status().is(201))
                      .check(jsonPath("$.status").is("SETTLED")))
                  .exec(s -> tally(s, RETRY))));

  ScenarioBuilder residents = scenario("pharmacy rush, degraded core")
      .exec(Yb.findPerson(Yb.people(60_000), false))
      .exec(Yb.signIn())
      .exec(Yb.bindRealName())
      .exec(Yb.activate())
      .exec(s -> s.set("unsent", List.<Unsent>of()))
      .during(DURATION).on(pace(PACE)
          .exec(Yb.authed(http("me").get("/api/v1/me").check(status().is(200))))
          .exec(Yb.issueCode())
          .exec(Yb.resolveAndPreview(200, 503))
          .exec(SETTLE))
      .exec(RETRY_UNSENT);

  @Override
  public void after() {
    System.out.println("DegradedCoreSimulation settle outcomes: " + OUTCOMES);
    System.out.printf("DegradedCoreSimulation milestones (s after start): hang confirmed %.1f, heal sent %.1f,"
            + " healed %.1f, recovered from %.1f%n", (hangConfirmedAt - startedAt) / 1000.0,
        (healRequestedAt - startedAt) / 1000.0, (healedAt - startedAt) / 1000.0,
        (healedAt + RECOVER.toMillis() - startedAt) / 1000.0);
  }

  ScenarioBuilder chaos = scenario("settlement fault")
      .pause(FAULT_AT)
      .exec(http("sandbox: inject settlement hang").post(Yb.SANDBOX + "/_sandbox/faults")
          .body(StringBody("{\"service\":\"settlement\",\"hang\":true}")).asJson()
          .check(status().in(200, 201, 204)))
      .exec(s -> {
        hangConfirmedAt = System.currentTimeMillis();
        return s;
      })
      .pause(FAULT_FOR)
      .exec(s -> {
        healRequestedAt = System.currentTimeMillis();
        return s;
      })
      .exec(http("sandbox: heal faults").delete(Yb.SANDBOX + "/_sandbox/faults")
          .check(status().in(200, 204)))
      .exec(s -> {
        healedAt = System.currentTimeMillis();
        return s;
      });

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
            details("pos: preview").responseTime().max().lt(SETTLE_MAX_MS),
            // no settle in any phase answered an unexpected status (e.g. the old 422) or took > settleMaxMs
            details(HEALTHY).failedRequests().count().is(0L),
            details(HANGING).failedRequests().count().is(0L),
            details(RECOVERING).failedRequests().count().is(0L),
            details(RECOVERED).failedRequests().count().is(0L),
            details(HANGING).responseTime().max().lt(SETTLE_MAX_MS),
            // the hang was exercised, and settles succeed again once it is over
            details(HANGING).successfulRequests().count().gt(0L),
            details(RECOVERED).successfulRequests().count().gt(0L),
            // the breaker answered 503 at least once, and every purchase answered 503 settled when retried
            details(RETRY).successfulRequests().count().gt(0L),
            details(RETRY).failedRequests().count().is(0L),
            details("sandbox: inject settlement hang").successfulRequests().count().is(1L),
            details("sandbox: heal faults").successfulRequests().count().is(1L));
  }
}
