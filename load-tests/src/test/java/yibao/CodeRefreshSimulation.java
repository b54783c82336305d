package yibao;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Residents keeping the insurance code on screen: each virtual user signs in (real OTP flow), binds real name,
 * activates with a face token, then for {@code duration} seconds asks for a fresh code and its PNG
 * (GET /api/v1/insurance-code/{code}, Accept: image/png) every {@code refreshAfter} seconds — 50 s like the app
 * (insuranceCode.refreshAfterSeconds); make it short (e.g. -DrefreshAfter=2) so a short run means something.
 *
 * <p>Properties: users (40), rampSeconds (10), duration (40), refreshAfter (50), firstIndex (20000), p99Ms (1000),
 * maxFailedPct (1), gateway, sandbox.
 */
public class CodeRefreshSimulation extends Simulation {

  static final int USERS = Yb.intProp("users", 40);
  static final Duration RAMP = Yb.seconds("rampSeconds", 10);
  static final Duration DURATION = Yb.seconds("duration", 40);
  static final Duration REFRESH_AFTER = Yb.seconds("refreshAfter", 50);

  ScenarioBuilder refresh = scenario("code refresh")
      .exec(Yb.findPerson(Yb.people(20_000), false))
      .exec(Yb.signIn())
      .exec(Yb.bindRealName())
      .exec(Yb.activate())
      .during(DURATION).on(pace(REFRESH_AFTER)
          .exec(Yb.issueCode())
          .exec(Yb.authed(http("code png").get("/api/v1/insurance-code/#{code}")
              .header("Accept", "image/png")
              .check(status().is(200))
              .check(header("Content-Type").is("image/png"))
              .check(bodyLength().gt(100)))));

  {
    setUp(refresh.injectOpen(rampUsers(USERS).during(RAMP)))
        .protocols(Yb.protocol())
        .assertions(
            global().responseTime().percentile(99).lt(Yb.p99Ms(1000)),
            global().failedRequests().percent().lt(Yb.maxFailedPct(1)),
            details("code png").responseTime().percentile(99).lt(Yb.p99Ms(1000)),
            details("code png").successfulRequests().count().gt(0L));
  }
}
