package io.yibao.gateway.ratelimit;

import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.http.ClientAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process flood guard is the same token bucket as token-bucket.lua, per address, on its own clock. */
class FloodGuardTest {

  static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstOfTheLimitThenOneMoreEveryWindowOverLimitPerAddress() {
    FloodGuard guard = new FloodGuard(new ClientAddress(List.of()), new Limit(3, 60));
    long t = 1_000 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertEquals(0, guard.take("203.0.113.1", t));
    }
    long wait = guard.take("203.0.113.1", t);
    assertTrue(wait > 19 * SECOND && wait <= 20 * SECOND, "one back every 20 s, wait " + wait);
    assertEquals(0, guard.take("203.0.113.2", t), "another address has its own bucket");
    assertEquals(0, guard.take("203.0.113.1", t + 20 * SECOND));
    assertTrue(guard.take("203.0.113.1", t + 20 * SECOND) > 0);
  }
}
