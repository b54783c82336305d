package yibao;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The last days of the contribution window: residents (insuType 390) sign in, bind real name, create a
 * WECHAT_PAY order for themselves for next year (Idempotency-Key), pay at the sandbox's channel
 * (POST {sandbox}/_sandbox/pay/{prepayId}/confirm; the channel then notifies the gateway), and poll the order
 * every {@code pollMs} until it is RECORDED (at most {@code maxPolls} times); a last GET named "contribution order recorded" fails when it is not RECORDED.
 * One order per user: the load is the arrival rate, users over rampSeconds.
 *
 * <p>Properties: users (40), rampSeconds (30; when it is not given, {@code -Dduration} is taken for it, so
 * run.sh's usual {@code -Dusers=.. -Dduration=..} means something here too), pollMs (500), maxPolls (60),
 * firstIndex (40000), p99Ms (1000), maxFailedPct (1), gateway, sandbox.
 */
public class ContributionDeadlineSimulation extends Simulation {

  static final int USERS = Yb.intProp("users", 40);
  static final Duration RAMP = Yb.seconds("rampSeconds", Yb.intProp("duration", 30));
  static final Duration POLL = Yb.millis("pollMs", 500);
  static final int MAX_POLLS = Yb.intProp("maxPolls", 60);
  static final int YEAR = Yb.nextYear();

  ScenarioBuilder deadline = scenario("contribution deadline")
      .exec(Yb.findPerson(Yb.people(40_000), true))
      .exec(Yb.signIn())
      .exec(Yb.bindRealName())
      .exec(s -> s.set("idemKey", Yb.idempotencyKey()))
      .exec(Yb.authed(http("create contribution order").post("/api/v1/contributions/orders")
          .header("Idempotency-Key", "#{idemKey}")
          .body(StringBody("{\"year\":" + YEAR + ",\"psnNos\":[\"#{psnNo}\"],\"method\":\"WECHAT_PAY\"}")).asJson()
          .check(status().is(201))
          .check(jsonPath("$.status").is("AWAITING_PAYMENT"))
          .check(jsonPath("$.id").saveAs("orderId"))
          .check(jsonPath("$.payment.prepayId").saveAs("prepayId"))))
      .exitHereIfFailed()
      .exec(http("sandbox: pay confirm").post(Yb.SANDBOX + "/_sandbox/pay/#{prepayId}/confirm")
          .check(status().is(200))
          .check(jsonPath("$.trade_state").is("SUCCESS")))
      .exitHereIfFailed()
      .exec(s -> s.set("orderStatus", "AWAITING_PAYMENT"))
      .asLongAs(s -> !"RECORDED".equals(s.getString("orderStatus")) && s.getInt("poll") < MAX_POLLS, "poll", false)
      .on(pause(POLL),
          exec(Yb.authed(http("poll contribution order").get("/api/v1/contributions/orders/#{orderId}")
              .check(status().is(200))
              .check(jsonPath("$.status").saveAs("orderStatus")))))
      // the verdict: one request per order that fails when the order did not become RECORDED within maxPolls
      .exec(Yb.authed(http("contribution order recorded").get("/api/v1/contributions/orders/#{orderId}")
          .check(status().is(200))
          .check(jsonPath("$.status").is("RECORDED"))));

  {
    setUp(deadline.injectOpen(rampUsers(USERS).during(RAMP)))
        .protocols(Yb.protocol())
        .assertions(
            global().responseTime().percentile(99).lt(Yb.p99Ms(1000)),
            global().failedRequests().percent().lt(Yb.maxFailedPct(1)),
            details("create contribution order").successfulRequests().count().gt(0L),
            details("contribution order recorded").successfulRequests().count().gt(0L),
            details("contribution order recorded").failedRequests().percent().lt(Yb.maxFailedPct(1)));
  }
}
