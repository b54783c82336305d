package io.yibao.gateway.contribution;

import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Payment-channel notifies are authenticated by their signature first and limited per channel, never by the
 * address they come from; a notify that fails verification is failed authentication for its address.
 */
class PaymentChannelLimitTest {

  @Test
  void notifiesAreLimitedPerChannelAfterTheirSignatureNotPerAddress() throws Exception {
    // Budgets of one or two (no token back for half an hour) so that the test reaches each in a few notifies.
    try (TestRedis redis = TestRedis.started();
         TestGateway gateway = TestGateway.withShippedLimits(redis, Map.of(
             "rateLimits.anonymousPerClientAddress.limit", "1",
             "rateLimits.anonymousPerClientAddress.windowSeconds", "3600",
             "rateLimits.perPaymentChannel.limit", "2", "rateLimits.perPaymentChannel.windowSeconds", "3600",
             "rateLimits.failedAuthenticationsPerClientAddress.limit", "2",
             "rateLimits.failedAuthenticationsPerClientAddress.windowSeconds", "3600"))) {
      Http http = gateway.http();
      long now = System.currentTimeMillis() / 1000;
      // Genuine notifies (for no order of ours: 400) pass the address's anonymous budget of one...
      assertEquals(400, ContributionFlowTest.notify(http, "no-such-order-1", 100, now, true).statusCode());
      assertEquals(400, ContributionFlowTest.notify(http, "no-such-order-2", 100, now, true).statusCode());
      // ...and spend the channel's budget.
      assertProblem(ContributionFlowTest.notify(http, "no-such-order-3", 100, now, true), 429, "RATE_LIMITED");

      // Forged ones are failed authentication for the address that sent them.
      assertEquals(401, ContributionFlowTest.notify(http, "no-such-order-4", 100, now, false).statusCode());
      assertEquals(401, ContributionFlowTest.notify(http, "no-such-order-5", 100, now, false).statusCode());
      assertProblem(ContributionFlowTest.notify(http, "no-such-order-6", 100, now, false), 429, "RATE_LIMITED");
    }
  }
}
