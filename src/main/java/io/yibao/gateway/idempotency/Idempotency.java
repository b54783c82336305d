package io.yibao.gateway.idempotency;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Response;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Problems;
import io.yibao.gateway.http.RequestIds;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one Idempotency-Key mechanism, shared by every operation that moves money or creates a record.
 * <p>
 * A request names a key; the first request with that key (per caller: the {@link Attempt#scope}) runs the
 * operation, and its answer is kept for {@code idempotency.retentionHours} with a fingerprint of the request. A
 * retry with the same key and the same request gets that answer again ({@code Idempotent-Replayed: true}); the same
 * key with another request is 422 IDEMPOTENCY_KEY_REUSED; a retry while the first still runs is 409
 * IDEMPOTENCY_IN_FLIGHT with {@code Retry-After: 1}. A claim whose run died expires after
 * {@code idempotency.inFlightSeconds}, and the next retry runs the operation.
 * <p>
 * What is remembered: every answer with a status below 500 except 429, whether the action returned it or failed
 * with a {@link ProblemException} of that status (a refused settlement is an answer: retrying it must not run it
 * again). A 5xx or 429 answer, and any other failure (Redis or a core system unreachable, a bug), releases the
 * key: those say "nothing was decided, try again", so a retry runs the operation again. So does a problem that
 * answers {@code Retry-After} (a limit that passes with time, e.g. no wallet transfers in the quiet hours): its retry
 * after that time must run, not replay the refusal. An action that may have
 * moved money before failing must therefore answer with a status below 500 (or make its own retry safe).
 * <p>
 * Redis: one hash per key, {@code yb:{idem:<digest of scope>}:idem:<digest of key>}, holding the request
 * fingerprint and either the claim's token (TTL {@code inFlightSeconds}) or the answer (TTL
 * {@code retentionHours}). Every step is one Lua script: claim ({@code idempotency-claim.lua}), store
 * ({@code idempotency-store.lua}), release ({@code idempotency-release.lua}). The client's key and the scope appear
 * only as digests.
 */
public final class Idempotency {

  public static final String HEADER = "Idempotency-Key";
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);
  private static final RedisScript CLAIM = RedisScript.load("idempotency-claim.lua");
  private static final RedisScript STORE = RedisScript.load("idempotency-store.lua");
  private static final RedisScript RELEASE = RedisScript.load("idempotency-release.lua");

  /** The stored or fresh answer: what {@link #send} writes. {@code headers} are all the answer's headers. */
  public record Answer(int status, Map<String, String> headers, Buffer body, boolean replayed) {

    public Answer {
      headers = Map.copyOf(headers);
      body = body == null ? Buffer.buffer() : body;
    }

    /** A fresh JSON answer; {@code headers} adds to its Content-Type (e.g. Location). */
    public static Answer json(int status, JsonObject body, Map<String, String> headers) {
      Map<String, String> all = new HashMap<>(headers);
      all.put("Content-Type", "application/json");
      return new Answer(status, all, body.toBuffer(), false);
    }
  }

  /**
   * One request of an idempotent operation: who asks ({@code scope}, e.g. {@code "pos:" + terminalId} or
   * {@code "acct:" + accountId}, so two callers may use the same key independently), the client's key, the
   * fingerprint of the request, and its trace id (a stored problem answer keeps the first request's).
   */
  public record Attempt(String scope, String key, String fingerprint, String traceId) {

    /** The attempt of a Vert.x request; 400 VALIDATION_FAILED when it has no Idempotency-Key. */
    public static Attempt of(RoutingContext rc, String scope) {
      String key = rc.request().getHeader(HEADER);
      if (key == null || key.isBlank()) {
        throw ProblemException.invalidField(HEADER, "This operation requires an Idempotency-Key header");
      }
      return new Attempt(scope, key, Idempotency.fingerprint(rc), RequestIds.traceId(rc));
    }
  }

  private final RedisStore redis;
  private final String inFlightMillis;
  private final String retentionMillis;

  public Idempotency(RedisStore redis, GatewayConfig.Idempotency config) {
    this.redis = redis;
    this.inFlightMillis = Long.toString(config.inFlightSeconds() * 1000L);
    this.retentionMillis = Long.toString(config.retentionHours() * 3_600_000L);
  }

  /**
   * The route-level piece of every operation that takes an Idempotency-Key: the request's {@link Attempt} (per
   * caller: {@code scope}), {@code action} run once for it ({@link #once}), and the answer written — the action's,
   * the stored one on a retry, or the problem. An endpoint is one call:
   * {@code idempotency.respond(rc, "contrib:" + accountId, attempt -> createOnce(...))}.
   */
  public void respond(RoutingContext rc, String scope, Function<Attempt, Future<Answer>> action) {
    Attempt attempt = Attempt.of(rc, scope);
    once(attempt, () -> action.apply(attempt)).onComplete(r -> write(rc, r));
  }

  /**
   * As {@link #respond}, answering before the store ({@link #onceAnsweringBeforeTheStore}: only for an operation
   * whose re-run recognises its first run). {@code notRun} runs when the action did not (a stored answer, a claim
   * refused, Redis unreachable): what the endpoint prepared beside the claim, to save a round trip, is undone then.
   */
  public void respondBeforeTheStore(RoutingContext rc, String scope, Function<Attempt, Future<Answer>> action,
                                    Runnable notRun) {
    Attempt attempt = Attempt.of(rc, scope);
    boolean[] ran = {false};
    onceAnsweringBeforeTheStore(attempt, () -> {
      ran[0] = true;
      return action.apply(attempt);
    }, r -> {
      if (!ran[0]) {
        notRun.run();
      }
      write(rc, r);
    });
  }

  private static void write(RoutingContext rc, AsyncResult<Answer> r) {
    if (r.failed()) {
      Responses.fail(rc, r.cause());
    } else {
      send(rc, r.result());
    }
  }

  /**
   * Runs {@code action} once per (scope, key) and answers with its answer, or with the stored one on a retry.
   * Fails with 409 IDEMPOTENCY_IN_FLIGHT or 422 IDEMPOTENCY_KEY_REUSED as above; when the action fails, fails
   * with that failure (a 4xx problem is also stored, and replayed as an answer).
   */
  public Future<Answer> once(Attempt attempt, Supplier<Future<Answer>> action) {
    return once(attempt, action, null);
  }

  /**
   * As {@link #once}, but {@code reply} gets the answer (or the failure) first and the answer is stored after it:
   * one Redis round trip less before the answer. Only for an operation whose re-run recognises its first run and
   * answers as it did (a settlement is found again through its visit): if the store is lost, the claim expires
   * after {@code inFlightSeconds} and the retry runs the operation again, which then changes nothing. A retry
   * arriving between the answer and the store's landing sees 409 IDEMPOTENCY_IN_FLIGHT, as for any run still
   * finishing.
   */
  public void onceAnsweringBeforeTheStore(Attempt attempt, Supplier<Future<Answer>> action,
                                          Handler<AsyncResult<Answer>> reply) {
    once(attempt, action, reply).onComplete(r -> {
      if (!replied(r)) {
        reply.handle(r);
      }
    });
  }

  /** True for what {@link #run} already handed to the early reply (the outcome of a claimed run). */
  private static boolean replied(AsyncResult<Answer> r) {
    return r.failed() && r.cause() == REPLIED;
  }

  private static final Throwable REPLIED = new Throwable("answered before its store", null, false, false) { };

  private Future<Answer> once(Attempt attempt, Supplier<Future<Answer>> action, Handler<AsyncResult<Answer>> early) {
    String key = RedisKeys.key("idem:" + RedisKeys.digest(attempt.scope()), "idem", RedisKeys.digest(attempt.key()));
    String token = Secrets.randomId(16);
    return CLAIM.run(redis, List.of(key), List.of(attempt.fingerprint(), token, inFlightMillis))
        .compose(claim -> switch (claim.get(0).toString()) {
          case "claimed" -> run(key, token, attempt, action, early);
          case "done" -> Future.succeededFuture(decode(claim.get(1)));
          case "running" -> Future.failedFuture(ProblemException.retryLater(ProblemCode.IDEMPOTENCY_IN_FLIGHT,
              "The first request with this Idempotency-Key has not finished", 1));
          case "reused" -> Future.failedFuture(new ProblemException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
              "This Idempotency-Key belongs to another request", HEADER, Map.of()));
          default -> Future.failedFuture(new IllegalStateException("unexpected claim reply " + claim));
        });
  }

  private Future<Answer> run(String key, String token, Attempt attempt, Supplier<Future<Answer>> action,
                             Handler<AsyncResult<Answer>> early) {
    Future<Answer> outcome;
    try {
      outcome = action.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.transform(done -> {
      if (early != null) {
        early.handle(done); // the answer leaves now; the store or release below goes out after it
      }
      if (done.succeeded()) {
        Answer answer = done.result();
        Future<Void> kept = remembered(answer.status()) ? store(key, token, attempt, answer) : release(key, token, attempt);
        return early != null ? kept.transform(ignored -> Future.failedFuture(REPLIED)) : kept.map(answer);
      }
      Throwable failure = done.cause();
      Future<Void> kept = failure instanceof ProblemException problem && remembered(problem.code().status())
          && !problem.headers().containsKey("Retry-After")
          ? store(key, token, attempt, problemAnswer(problem, attempt.traceId()))
          : release(key, token, attempt);
      return kept.transform(ignored -> Future.failedFuture(early != null ? REPLIED : failure));
    });
  }

  /** 5xx and 429 say "nothing was decided, try again": those are not answers to remember. */
  private static boolean remembered(int status) {
    return status < 500 && status != 429;
  }

  /**
   * Keeps the answer. If Redis fails now the operation has still run: its answer goes to the client all the same,
   * and the claim expires after inFlightSeconds.
   */
  private Future<Void> store(String key, String token, Attempt attempt, Answer answer) {
    return STORE.run(redis, List.of(key), List.of(token, attempt.fingerprint(), encode(answer), retentionMillis))
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.warn("idempotent answer not stored traceId={} cause={}", attempt.traceId(), failure.toString());
          return Future.succeededFuture();
        });
  }

  /** Frees the key for a retry; if Redis fails now, the claim expires after inFlightSeconds. */
  private Future<Void> release(String key, String token, Attempt attempt) {
    return RELEASE.run(redis, List.of(key), List.of(token))
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.warn("idempotency claim not released traceId={} cause={}", attempt.traceId(), failure.toString());
          return Future.succeededFuture();
        });
  }

  private static String encode(Answer answer) {
    return new JsonObject()
        .put("s", answer.status())
        .put("h", new JsonObject(new HashMap<String, Object>(answer.headers())))
        .put("b", answer.body())
        .encode();
  }

  private static Answer decode(Response stored) {
    JsonObject a = new JsonObject(stored.toBuffer());
    Map<String, String> headers = new HashMap<>();
    a.getJsonObject("h").forEach(h -> headers.put(h.getKey(), (String) h.getValue()));
    return new Answer(a.getInteger("s"), headers, a.getBuffer("b"), true);
  }

  /**
   * The problem body {@link Problems#send} gave the first request, as a stored answer: same shape, the first
   * request's trace id, the problem's headers (e.g. Retry-After). The title is the Chinese one, the default: the
   * stored answer cannot follow each retry's Accept-Language.
   */
  static Answer problemAnswer(ProblemException problem, String traceId) {
    Map<String, String> headers = new HashMap<>(problem.headers());
    headers.putAll(Problems.contentHeaders(false));
    return new Answer(problem.code().status(), headers, Problems.body(problem, traceId, false).toBuffer(), false);
  }

  /** Writes an answer; a replayed one says so in {@code Idempotent-Replayed: true}. */
  public static void send(RoutingContext rc, Answer answer) {
    HttpServerResponse response = rc.response();
    if (response.ended()) {
      return;
    }
    answer.headers().forEach(response::putHeader);
    if (answer.replayed()) {
      response.putHeader(REPLAYED_HEADER, "true");
    }
    response.setStatusCode(answer.status()).end(answer.body());
  }

  /** SHA-256 (hex) of the request's method, path with query, and body bytes. */
  public static String fingerprint(RoutingContext rc) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((rc.request().method().name() + ' ' + rc.request().uri() + '\n').getBytes(StandardCharsets.UTF_8));
      Buffer body = rc.body() == null ? null : rc.body().buffer();
      if (body != null) {
        sha.update(body.getBytes());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
