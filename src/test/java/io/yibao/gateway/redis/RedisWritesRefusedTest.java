package io.yibao.gateway.redis;

import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A shard that refuses writes (out of memory, read-only replica, too few replicas) is Redis being unavailable:
 * 503 REDIS_UNAVAILABLE with Retry-After, whether the write was a plain command or a step inside a Lua script.
 */
class RedisWritesRefusedTest {

  @Test
  void writesRefusedGive503WithRetryAfterAndServiceReturnsWithThem() {
    try (TestRedis redis = TestRedis.started(); TestGateway gateway = TestGateway.start(redis)) {
      Resident resident = Resident.signIn(gateway.http(), "13300000011", "refuse-device");
      assertEquals(200, resident.get("/api/v1/me").statusCode());

      redis.refuseWrites();
      try {
        // The sign-in code request writes in a script (rate limit, code store): refused inside redis.call.
        HttpResponse<String> otp = Resident.requestCode(gateway.http(), "13300000012");
        assertProblem(otp, 503, "REDIS_UNAVAILABLE");
        assertEquals("1", otp.headers().firstValue("Retry-After").orElseThrow());
        // A signed-in request touches its session (a script write) and is refused the same way.
        assertProblem(resident.get("/api/v1/me"), 503, "REDIS_UNAVAILABLE");
      } finally {
        redis.acceptWrites();
      }

      assertEquals(200, resident.get("/api/v1/me").statusCode(), "the session survived the refusal");
      assertEquals(202, Resident.requestCode(gateway.http(), "13300000012").statusCode());
    }
  }
}
