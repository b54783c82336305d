package yibao;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The pharmacy rush: each virtual user is a person from the sandbox registry who signs in through the real OTP
 * flow, binds real name, activates the insurance code with a face token, then for {@code duration} seconds
 * loops issue code → terminal resolves → preview (2101) → settle (2102, Idempotency-Key), one purchase every
 * {@code paceMs}. Terminal requests are signed exactly as the README's recipe says.
 *
 * <p>Properties: users (30), rampSeconds (10), duration (40), paceMs (1000), firstIndex (0), p99Ms (1000),
 * maxFailedPct (1), gateway, sandbox, terminals, terminalSecret.
 */
public class PharmacyRushSimulation extends Simulation {

  static final int USERS = Yb.intProp("users", 30);
  static final Duration RAMP = Yb.seconds("rampSeconds", 10);
  static final Duration DURATION = Yb.seconds("duration", 40);
  static final Duration PACE = Yb.millis("paceMs", 1000);

  /** One purchase: issue → resolve → preview → settle, all expected to succeed. */
  static final ChainBuilder PURCHASE = exec(Yb.issueCode())
      .exec(Yb.resolveAndPreview(200))
      .exec(Yb.settle());

  ScenarioBuilder rush = scenario("pharmacy rush")
      .exec(Yb.findPerson(Yb.people(0), false))
      .exec(Yb.signIn())
      .exec(Yb.bindRealName())
      .exec(Yb.activate())
      .during(DURATION).on(pace(PACE).exec(PURCHASE));

  {
    setUp(rush.injectOpen(rampUsers(USERS).during(RAMP)))
        .protocols(Yb.protocol())
        .assertions(
            global().responseTime().percentile(99).lt(Yb.p99Ms(1000)),
            global().failedRequests().percent().lt(Yb.maxFailedPct(1)),
            details("pos: settle").successfulRequests().count().gt(0L));
  }
}
