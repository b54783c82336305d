package io.yibao.gateway.idempotency;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.idempotency.Idempotency.Answer;
import io.yibao.gateway.idempotency.Idempotency.Attempt;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared Idempotency-Key mechanism against a real Redis: each rule a client would notice. */
class IdempotencyTest {

  static final Answer CREATED = Answer.json(201, new JsonObject().put("orderId", "o-1").put("amount", 40000L),
      Map.of("Location", "/api/v1/orders/o-1"));

  Vertx vertx;
  RedisStore redis;
  /** A fresh caller per test, so tests never share keys in the shared Redis. */
  String scope;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, new GatewayConfig.Redis(URI.create(TestRedis.shared().url()), 8, 256, 2000, 2000));
    scope = "pos:" + UUID.randomUUID();
  }

  @AfterEach
  void stop() throws Exception {
    redis.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Idempotency idempotency(int inFlightSeconds) {
    return new Idempotency(redis, new GatewayConfig.Idempotency(24, inFlightSeconds));
  }

  private Attempt attempt(String key, String fingerprint) {
    return new Attempt(scope, key, fingerprint, "trace-" + UUID.randomUUID());
  }

  /** Calls {@code once} on an event loop, as a handler would; the result can be awaited from the test thread. */
  private CompletableFuture<Answer> call(Idempotency idempotency, Attempt attempt, Supplier<Future<Answer>> action) {
    CompletableFuture<Answer> result = new CompletableFuture<>();
    vertx.runOnContext(v -> idempotency.once(attempt, action)
        .onSuccess(result::complete).onFailure(result::completeExceptionally));
    return result;
  }

  private static Answer answer(CompletableFuture<Answer> call) throws Exception {
    return call.get(10, TimeUnit.SECONDS);
  }

  private static ProblemException problem(CompletableFuture<Answer> call) {
    try {
      call.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return assertInstanceOf(ProblemException.class, e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call succeeded");
  }

  private static Supplier<Future<Answer>> counting(AtomicInteger runs, Supplier<Future<Answer>> action) {
    return () -> {
      runs.incrementAndGet();
      return action.get();
    };
  }

  private String redisKey(String key) {
    return RedisKeys.key("idem:" + RedisKeys.digest(scope), "idem", RedisKeys.digest(key));
  }

  private long pttl(String key) throws Exception {
    return redis.send(Command.PTTL, redisKey(key)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).toLong();
  }

  private static void assertSameAnswer(Answer expected, Answer actual) {
    assertEquals(expected.status(), actual.status());
    assertEquals(expected.headers(), actual.headers());
    assertEquals(expected.body(), actual.body());
  }

  @Test
  void concurrentCallsWithOneKeyRunTheActionOnce() throws Exception {
    Idempotency idempotency = idempotency(60);
    AtomicInteger runs = new AtomicInteger();
    Promise<Answer> gate = Promise.promise();
    Attempt attempt = attempt("k-1", "fp-1");

    List<CompletableFuture<Answer>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(call(idempotency, attempt, counting(runs, gate::future)));
    }
    Await.until("19 calls answered while the first runs", Duration.ofSeconds(10),
        () -> calls.stream().filter(CompletableFuture::isDone).count() == 19);
    assertEquals(1, runs.get());
    CompletableFuture<Answer> first = null;
    for (CompletableFuture<Answer> c : calls) {
      if (!c.isDone()) {
        first = c;
        continue;
      }
      ProblemException busy = problem(c);
      assertEquals(ProblemCode.IDEMPOTENCY_IN_FLIGHT, busy.code());
      assertEquals("1", busy.headers().get("Retry-After"));
    }

    vertx.runOnContext(v -> gate.complete(CREATED));
    Answer original = answer(first);
    assertSameAnswer(CREATED, original);
    assertFalse(original.replayed());

    List<CompletableFuture<Answer>> retries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      retries.add(call(idempotency, attempt, counting(runs, gate::future)));
    }
    for (CompletableFuture<Answer> retry : retries) {
      Answer replay = answer(retry);
      assertSameAnswer(CREATED, replay);
      assertTrue(replay.replayed());
    }
    assertEquals(1, runs.get());
  }

  @Test
  void sameKeyForAnotherRequestIsRefusedAndAnotherCallerRunsIndependently() throws Exception {
    Idempotency idempotency = idempotency(60);
    AtomicInteger runs = new AtomicInteger();
    Promise<Answer> gate = Promise.promise();
    CompletableFuture<Answer> first = call(idempotency, attempt("k-1", "fp-1"), counting(runs, gate::future));
    Await.until("the first run started", Duration.ofSeconds(10), () -> runs.get() == 1);

    ProblemException whileRunning = problem(call(idempotency, attempt("k-1", "fp-2"), counting(runs, gate::future)));
    assertEquals(ProblemCode.IDEMPOTENCY_KEY_REUSED, whileRunning.code(), "another request is refused, not told to wait");
    assertEquals(Idempotency.HEADER, whileRunning.field());

    vertx.runOnContext(v -> gate.complete(CREATED));
    answer(first);
    ProblemException afterwards = problem(call(idempotency, attempt("k-1", "fp-2"),
        counting(runs, () -> Future.succeededFuture(CREATED))));
    assertEquals(ProblemCode.IDEMPOTENCY_KEY_REUSED, afterwards.code());
    assertEquals(1, runs.get());

    String ownScope = scope;
    scope = "pos:" + UUID.randomUUID();
    Answer other = Answer.json(201, new JsonObject().put("orderId", "o-2"), Map.of());
    Answer theirs = answer(call(idempotency, attempt("k-1", "fp-2"), counting(runs, () -> Future.succeededFuture(other))));
    assertSameAnswer(other, theirs);
    assertFalse(theirs.replayed());
    assertEquals(2, runs.get());

    scope = ownScope;
    assertSameAnswer(CREATED, answer(call(idempotency, attempt("k-1", "fp-1"), counting(runs, gate::future))));
    assertEquals(2, runs.get());
  }

  @Test
  void aClientErrorProblemIsStoredAndReplayed() throws Exception {
    Idempotency idempotency = idempotency(60);
    AtomicInteger runs = new AtomicInteger();
    ProblemException refused = new ProblemException(ProblemCode.SETTLEMENT_REFUSED, "Personal account balance too low",
        "acct_pay", Map.of());
    Attempt first = attempt("k-1", "fp-1");

    assertSame(refused, problem(call(idempotency, first, counting(runs, () -> Future.failedFuture(refused)))),
        "the first request fails as it would without the key");

    Attempt retry = attempt("k-1", "fp-1");
    Answer replay = answer(call(idempotency, retry, counting(runs, () -> Future.succeededFuture(CREATED))));
    assertEquals(1, runs.get());
    assertTrue(replay.replayed());
    assertEquals(422, replay.status());
    assertEquals("application/problem+json", replay.headers().get("Content-Type"));
    JsonObject body = replay.body().toJsonObject();
    assertEquals("https://yibao.example/problems/settlement-refused", body.getString("type"));
    assertEquals("SETTLEMENT_REFUSED", body.getString("code"));
    assertEquals(422, body.getInteger("status"));
    assertEquals(ProblemCode.SETTLEMENT_REFUSED.title(false), body.getString("title"));
    assertEquals("Personal account balance too low", body.getString("detail"));
    assertEquals("acct_pay", body.getString("field"));
    assertEquals(first.traceId(), body.getString("traceId"), "the trace id of the request that was answered");
  }

  @Test
  void aProblemThatSaysWhenToTryAgainIsNotStored() throws Exception {
    Idempotency idempotency = idempotency(60);
    AtomicInteger runs = new AtomicInteger();
    Attempt attempt = attempt("k-1", "fp-1");
    ProblemException quiet = ProblemException.retryLater(ProblemCode.TRANSFER_QUIET_HOURS, "until 06:00", 3600);
    assertSame(quiet, problem(call(idempotency, attempt, counting(runs, () -> Future.failedFuture(quiet)))));
    Answer later = answer(call(idempotency, attempt, counting(runs, () -> Future.succeededFuture(CREATED))));
    assertFalse(later.replayed(), "after Retry-After the same key runs again, not a replay of the refusal");
    assertEquals(2, runs.get());
  }

  @Test
  void failuresThatAreNotAnswersReleaseTheKey() throws Exception {
    Idempotency idempotency = idempotency(60);
    AtomicInteger runs = new AtomicInteger();
    Attempt attempt = attempt("k-1", "fp-1");

    ProblemException outage = ProblemException.retryLater(ProblemCode.CORE_UNAVAILABLE, null, 5);
    assertSame(outage, problem(call(idempotency, attempt, counting(runs, () -> Future.failedFuture(outage)))));
    ProblemException limited = ProblemException.retryLater(ProblemCode.RATE_LIMITED, null, 5);
    assertSame(limited, problem(call(idempotency, attempt, counting(runs, () -> Future.failedFuture(limited)))));
    IllegalStateException bug = new IllegalStateException("bug");
    CompletableFuture<Answer> thrown = call(idempotency, attempt, counting(runs, () -> {
      throw bug;
    }));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> thrown.get(10, TimeUnit.SECONDS));
    assertSame(bug, e.getCause());
    Answer unavailable = new Answer(503, Map.of("Retry-After", "3"), Buffer.buffer(), false);
    assertSame(unavailable, answer(call(idempotency, attempt, counting(runs, () -> Future.succeededFuture(unavailable)))));
    assertEquals(4, runs.get());

    Answer created = answer(call(idempotency, attempt, counting(runs, () -> Future.succeededFuture(CREATED))));
    assertFalse(created.replayed());
    assertEquals(5, runs.get(), "every failure above left the key free");
    assertTrue(answer(call(idempotency, attempt, counting(runs, () -> Future.succeededFuture(CREATED)))).replayed());
    assertEquals(5, runs.get());
  }

  @Test
  void aCrashedRunsClaimIsTakenOverAfterItExpires() throws Exception {
    Idempotency idempotency = idempotency(1);
    AtomicInteger runs = new AtomicInteger();
    Attempt attempt = attempt("k-1", "fp-1");
    // The first run never finishes, as if its gateway instance died with the claim taken.
    call(idempotency, attempt, counting(runs, () -> Promise.<Answer>promise().future()));
    Await.until("the first run started", Duration.ofSeconds(10), () -> runs.get() == 1);
    long claim = pttl("k-1");
    assertTrue(claim > 0 && claim <= 1000, "the claim lives inFlightSeconds, was " + claim);

    Await.until("a retry runs once the claim expired", Duration.ofSeconds(10), () -> {
      CompletableFuture<Answer> retry = call(idempotency, attempt, counting(runs, () -> Future.succeededFuture(CREATED)));
      try {
        return !answer(retry).replayed();
      } catch (Exception busy) {
        assertEquals(ProblemCode.IDEMPOTENCY_IN_FLIGHT, problem(retry).code());
        return false;
      }
    });
    assertEquals(2, runs.get());
    assertTrue(answer(call(idempotency, attempt, counting(runs, () -> Future.succeededFuture(CREATED)))).replayed());
  }

  @Test
  void aSlowRunWhoseKeyWasTakenOverDoesNotOverwriteTheNewAnswer() throws Exception {
    Idempotency idempotency = idempotency(1);
    Attempt attempt = attempt("k-1", "fp-1");
    Promise<Answer> slow = Promise.promise();
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Answer> first = call(idempotency, attempt, counting(runs, slow::future));
    Await.until("the first run started", Duration.ofSeconds(10), () -> runs.get() == 1);
    // Any bytes survive the round trip through Redis.
    Answer taken = new Answer(201, Map.of("Content-Type", "application/octet-stream"),
        Buffer.buffer(new byte[] {0, (byte) 0xff, (byte) 0x80, 'x'}), false);
    Await.until("a retry takes the expired claim over", Duration.ofSeconds(10), () -> {
      try {
        return !answer(call(idempotency, attempt, () -> Future.succeededFuture(taken))).replayed();
      } catch (Exception busy) {
        return false;
      }
    });

    Answer late = Answer.json(201, new JsonObject().put("orderId", "late"), Map.of());
    vertx.runOnContext(v -> slow.complete(late));
    assertSameAnswer(late, answer(first));
    Answer replay = answer(call(idempotency, attempt, () -> Future.succeededFuture(CREATED)));
    assertTrue(replay.replayed());
    assertSameAnswer(taken, replay);
  }

  @Test
  void answersAreKeptForTheRetentionTimeAndClaimsForTheInFlightTime() throws Exception {
    Idempotency idempotency = idempotency(60);
    Promise<Answer> gate = Promise.promise();
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Answer> first = call(idempotency, attempt("k-1", "fp-1"), counting(runs, gate::future));
    Await.until("the first run started", Duration.ofSeconds(10), () -> runs.get() == 1);
    long claim = pttl("k-1");
    assertTrue(claim > 55_000 && claim <= 60_000, "claim TTL " + claim);

    vertx.runOnContext(v -> gate.complete(CREATED));
    answer(first);
    long kept = pttl("k-1");
    long day = 24 * 3_600_000L;
    assertTrue(kept > day - 60_000 && kept <= day, "answer TTL " + kept);
  }

  /**
   * onceAnsweringBeforeTheStore: the reply has the answer before the store, without waiting for it (Redis' writes
   * are paused when the action ends, so a reply that waited for the store could only come after the pause); the
   * answer is then stored like any other, and a retry gets it replayed without a second run.
   */
  @Test
  void answeringBeforeTheStoreRepliesWithoutWaitingForTheStore() throws Exception {
    Idempotency idempotency = idempotency(60);
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Answer> replied = new CompletableFuture<>();
    String key = UUID.randomUUID().toString();
    long[] pausedAt = {0};
    vertx.runOnContext(v -> idempotency.onceAnsweringBeforeTheStore(attempt(key, "fp"), counting(runs, () ->
        redis.send(Command.CLIENT, "PAUSE", "20000", "WRITE").map(paused -> {
          pausedAt[0] = System.nanoTime();
          return CREATED;
        })), r -> {
          if (r.succeeded()) {
            replied.complete(r.result());
          } else {
            replied.completeExceptionally(r.cause());
          }
        }));
    try {
      Answer first = replied.get(10, TimeUnit.SECONDS); // a reply after the store would take the pause's 20 s
      assertSameAnswer(CREATED, first);
      assertFalse(first.replayed());
    } finally {
      TestRedis.shared().command("CLIENT", "UNPAUSE");
    }
    Await.until("the answer stored after the reply", Duration.ofSeconds(10), () -> {
      try {
        return redis.send(Command.HEXISTS, redisKey(key), "a").toCompletionStage().toCompletableFuture()
            .get(5, TimeUnit.SECONDS).toInteger() == 1;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    Answer replay = answer(call(idempotency, attempt(key, "fp"), counting(runs, () -> Future.succeededFuture(CREATED))));
    assertTrue(replay.replayed());
    assertSameAnswer(CREATED, replay);
    assertEquals(1, runs.get(), "the retry got the stored answer, the action ran once");
  }
}
