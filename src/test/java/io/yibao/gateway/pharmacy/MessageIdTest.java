package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.yibao.gateway.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * National message ids (institution code 12 + yyyyMMddHHmmss + 4-digit sequence) never repeat for an institution:
 * recovery queries and reverses by them. Not when the clock steps back, not when one second sees more than 9 999
 * messages.
 */
class MessageIdTest {

  static final String PHARMACY = "P11010599901";
  static TestRedis redis;
  static Vertx vertx;
  static RedisStore store;

  /** A clock the test moves, as NTP would step the host's. */
  static final class SteppedClock extends Clock {
    volatile Instant now = Instant.parse("2026-12-01T15:59:58Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      SteppedClock outer = this;
      return new Clock() {
        @Override
        public ZoneId getZone() {
          return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
          return outer.withZone(z);
        }

        @Override
        public Instant instant() {
          return outer.now;
        }
      };
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    vertx = Vertx.vertx();
    store = PosEchoServer.redis(vertx, redis);
  }

  @AfterAll
  static void stop() {
    vertx.close();
    redis.close();
  }

  static List<String> ids(NationalInterface national, int count) {
    List<String> out = new ArrayList<>();
    for (int done = 0; done < count; done += 500) {
      List<Future<String>> batch = new ArrayList<>();
      for (int i = done; i < Math.min(count, done + 500); i++) {
        batch.add(national.newMessageId(PHARMACY));
      }
      await(Future.all(batch));
      batch.forEach(f -> out.add(f.result()));
    }
    return out;
  }

  static void assertWellFormedAndUnique(List<String> ids) {
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      assertEquals(30, id.length(), id);
      assertTrue(id.startsWith(PHARMACY) && id.substring(12).chars().allMatch(Character::isDigit), id);
      assertTrue(seen.add(id), "message id issued twice: " + id);
    }
  }

  /**
   * The id's time is written by the script (msgid-lib.lua, so that a settlement's id is reserved in the step that
   * opens it): it must be the second's Shanghai wall-clock time exactly as Java writes it, across days, months, leap
   * days and years.
   */
  @Test
  void theTimeInAnIdIsTheSecondInShanghai() {
    java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    List<Instant> instants = new ArrayList<>(List.of(Instant.parse("2024-02-28T16:00:00Z"),
        Instant.parse("2024-02-29T15:59:59Z"), Instant.parse("2024-02-29T16:00:00Z"),
        Instant.parse("2026-12-31T15:59:59Z"), Instant.parse("2026-12-31T16:00:00Z"),
        Instant.parse("2100-02-28T16:00:01Z"), Instant.parse("2000-02-29T12:34:56Z"), Instant.parse("1999-12-31T23:59:59Z")));
    java.util.Random random = new java.util.Random(12);
    for (int i = 0; i < 200; i++) {
      instants.add(Instant.ofEpochSecond(946_684_800L + (long) (random.nextDouble() * 3_000_000_000L)));
    }
    SteppedClock clock = new SteppedClock();
    NationalInterface national = new NationalInterface(null, store, clock);
    for (int i = 0; i < instants.size(); i++) {
      String pharmacy = String.format("P99%09d", i); // each its own sequence, so the id is in the clock's second
      clock.now = instants.get(i);
      String id = await(national.newMessageId(pharmacy));
      assertEquals(pharmacy + instants.get(i).atZone(io.yibao.gateway.time.BusinessTime.ZONE).format(format) + "0001", id,
          instants.get(i).toString());
    }
  }

  @Test
  void aClockSteppedBackNeverRepeatsAnId() {
    SteppedClock clock = new SteppedClock();
    NationalInterface national = new NationalInterface(null, store, clock);
    List<String> all = new ArrayList<>(ids(national, 3));
    clock.now = clock.now.plusSeconds(30);
    all.addAll(ids(national, 3));
    // Whatever the ids of a past second were counted in has long gone by the time NTP steps the clock back (here
    // it goes at once, as a 10 s TTL would), and the clock comes back to that second.
    for (String key : redis.command("KEYS", "yb:{pharm:" + PHARMACY + "}:msgseq:*").split("\n")) {
      if (!key.isBlank()) {
        redis.command("DEL", key);
      }
    }
    clock.now = clock.now.minusSeconds(30);
    all.addAll(ids(national, 3));
    assertWellFormedAndUnique(all);
  }

  @Test
  void moreThanTenThousandIdsInOneSecondAreAllIssuedAndDistinct() {
    SteppedClock clock = new SteppedClock();
    clock.now = Instant.parse("2026-12-01T04:00:00Z");
    NationalInterface national = new NationalInterface(null, store, clock);
    List<String> all = ids(national, 10_050);
    assertWellFormedAndUnique(all);
  }
}
