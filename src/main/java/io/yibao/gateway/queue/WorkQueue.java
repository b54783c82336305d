package io.yibao.gateway.queue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.ops.ReadinessCheck;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The gateway's one durable, leased work queue in Redis: work that must be done at least once, whatever restarts
 * and outages happen meanwhile (recording a paid contribution, resolving a settlement whose outcome is unknown).
 * Every gateway verticle works the queue; a worker claims due entries for a lease, so instances share the work
 * without two working on one entry at once, and an entry whose worker died (or whose process was stopped) is due
 * again when its lease ends. An attempt that fails is tried again with jittered exponential back-off; the queue
 * counts the failed attempts itself. Workers make their work idempotent by the entry's id: the queue delivers at
 * least once, never "exactly".
 *
 * <p>How a feature uses it (filing, fraud reports and transfers will, like contributions and settlements do):
 * <ol>
 *   <li>one queue per kind of work, named by it: {@code new WorkQueue(vertx, redis, "collection", options,
 *   metrics)}; the name is the hash tag of its keys, the gauge's label and its readiness check's name;</li>
 *   <li>intent before action: {@link #enqueue} the work (its id: the business id it resolves; a payload if the id
 *   is not enough; when it is first due, e.g. after the timeout of the call whose outcome it resolves) BEFORE the
 *   call whose outcome could be lost, and answer nobody before the enqueue succeeded;</li>
 *   <li>{@link #start} it with the worker: given a {@link Message} (with its attempt number and the end of its
 *   lease, which no call of the worker may outlast) it answers {@link Delivery#OK} (done), {@link Delivery#RETRY}
 *   (not now; a failed future is the same) or {@link Delivery#DEAD} (refused for good);</li>
 *   <li>work done elsewhere first (the request itself got the answer) is {@link #remove}d, never waited for: an
 *   entry left behind only costs the worker a look;</li>
 *   <li>register its {@link #readiness} check, and {@link #stop} it with the verticle.</li>
 * </ol>
 *
 * <p>Bounds: the queue is never trimmed — an entry in it is work not yet done (a paid order not yet recorded), and
 * dropping it would lose it. A long outage is alerted instead: the backlog (entries not yet done) is the gauge
 * {@code yb_outbox_backlog{outbox=<name>}}, a WARN log when it passes {@code outbox.backlogWarnEntries} (and an
 * INFO when it is back under), and the non-critical readiness check {@code outbox.<name>} saying {@code BACKLOG}
 * (the instance shows DEGRADED, stays in rotation). The dead-letter stream keeps the newest
 * {@code outbox.deadLetterMaxEntries} (about: Redis trims whole stream nodes); each dead letter is also a WARN log
 * line, so nothing is dropped silently. Every step that touches two keys is one script (atomic, one round trip).
 * <pre>
 *   yb:{queue:&lt;name&gt;}:queue:due       zset id → next attempt ms (the lease's end while claimed)   permanent, drains itself, never trimmed
 *   yb:{queue:&lt;name&gt;}:queue:payload   hash id → payload (entries that carry one)                  permanent, drains itself
 *   yb:{queue:&lt;name&gt;}:queue:attempts  hash id → failed attempts                                   permanent, drains itself
 *   yb:{queue:&lt;name&gt;}:queue:dead      stream of {id, payload} refused for good                      permanent, newest deadLetterMaxEntries
 * </pre>
 */
public final class WorkQueue {

  /** What the worker says of one attempt. */
  public enum Delivery {
    /** Done: take it out of the queue. */
    OK,
    /** Not now (receiver down, timeout, outcome still unknown): try again after the back-off. */
    RETRY,
    /** Refused for good: move to the dead letters and say so in the log. */
    DEAD
  }

  /**
   * One entry being worked: its id (the business id workers deduplicate by), its payload (empty when it has none),
   * which attempt this is (1 for the first), and when its lease ends (epoch ms): no call may outlast it.
   */
  public record Message(String id, JsonObject payload, int attempt, long leaseEndsAt) {
  }

  /**
   * Tuning: how often due entries are claimed, how long a claim holds them, the back-off (first, doubling, capped;
   * each jittered by ±25 %), how many are claimed at once; the last two are {@code outbox.backlogWarnEntries} and
   * {@code outbox.deadLetterMaxEntries}.
   */
  public record Options(long tickMillis, long leaseMillis, long firstBackoffMillis, long maxBackoffMillis,
                        int batch, long backlogWarnEntries, long deadLetterMaxEntries) {

    public static final long BACKLOG_WARN_ENTRIES = 100_000;
    public static final long DEAD_LETTER_MAX_ENTRIES = 100_000;

    public Options(long tickMillis, long leaseMillis, long firstBackoffMillis, long maxBackoffMillis, int batch) {
      this(tickMillis, leaseMillis, firstBackoffMillis, maxBackoffMillis, batch, BACKLOG_WARN_ENTRIES,
          DEAD_LETTER_MAX_ENTRIES);
    }

    public static Options defaults() {
      return new Options(200, 5_000, 500, 30_000, 50);
    }

    /** The defaults with the configured bounds. */
    public static Options of(GatewayConfig.Outbox config) {
      Options d = defaults();
      return d.withBounds(config);
    }

    /** These options with the configured bounds. */
    public Options withBounds(GatewayConfig.Outbox config) {
      return new Options(tickMillis, leaseMillis, firstBackoffMillis, maxBackoffMillis, batch,
          config.backlogWarnEntries(), config.deadLetterMaxEntries());
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
  private static final RedisScript ADD = RedisScript.load("queue-add.lua");
  private static final RedisScript CLAIM = RedisScript.load("queue-claim.lua");
  private static final RedisScript FINISH = RedisScript.load("queue-finish.lua");
  /** How often the backlog is measured (one ZCARD). */
  private static final long MEASURE_MILLIS = 1_000;

  private final Vertx vertx;
  private final RedisStore redis;
  private final String name;
  private final Options options;
  private final List<String> keys;
  private long timer = -1;
  private boolean busy;
  private boolean failing;
  private final AtomicLong lastBacklog;
  private long measuredAt;
  private boolean overThreshold;

  /** Each meter registry's backlog gauges by queue name; a registry no longer used goes with its gateway. */
  private static final java.util.Map<MeterRegistry, java.util.Map<String, AtomicLong>> GAUGES =
      new java.util.WeakHashMap<>();

  private static AtomicLong gauge(MeterRegistry metrics, String name) {
    synchronized (GAUGES) {
      return GAUGES.computeIfAbsent(metrics, m -> new java.util.HashMap<>()).computeIfAbsent(name, n -> {
        AtomicLong backlog = new AtomicLong();
        Gauge.builder("yb_outbox_backlog", backlog, AtomicLong::get)
            .description("Queued work not yet done").tag("outbox", n).strongReference(true)
            .register(metrics);
        return backlog;
      });
    }
  }

  public WorkQueue(Vertx vertx, RedisStore redis, String name, Options options) {
    this(vertx, redis, name, options, null);
  }

  /** With {@code metrics}, the backlog is the gauge {@code yb_outbox_backlog{outbox=name}}. */
  public WorkQueue(Vertx vertx, RedisStore redis, String name, Options options, MeterRegistry metrics) {
    // One gauge per queue and process, registered once (a second registration is ignored with a WARN): every
    // instance measures the same queue into the same number.
    this.lastBacklog = metrics == null ? new AtomicLong() : gauge(metrics, name);
    this.vertx = vertx;
    this.redis = redis;
    this.name = name;
    this.options = options;
    this.keys = List.of(dueKey(name), key(name, "payload"), key(name, "attempts"), key(name, "dead"));
  }

  private static String key(String name, String id) {
    return RedisKeys.key("queue:" + name, "queue", id);
  }

  /** The zset of the queue's entries (id → next attempt, or the lease's end while claimed). */
  public static String dueKey(String name) {
    return key(name, "due");
  }

  /** The stream of the queue's dead letters. */
  public static String deadKey(String name) {
    return key(name, "dead");
  }

  /** The hash of the queue's failed attempts per entry. */
  public static String attemptsKey(String name) {
    return key(name, "attempts");
  }

  /** Queues work due now; when the future succeeds it is in Redis and will be done. */
  public Future<Void> enqueue(String id, JsonObject payload) {
    return enqueue(id, payload, System.currentTimeMillis());
  }

  /**
   * Queues work (or moves queued work) first due at {@code dueAtMillis}, with a payload (null or empty for none);
   * when the future succeeds it is in Redis and will be done. One round trip.
   */
  public Future<Void> enqueue(String id, JsonObject payload, long dueAtMillis) {
    // Never trimmed: an entry is work not yet done (see the class comment).
    String encoded = payload == null || payload.isEmpty() ? "" : payload.encode();
    return ADD.run(redis, keys.subList(0, 3), List.of(id, Long.toString(dueAtMillis), encoded)).mapEmpty();
  }

  /** The work was done elsewhere (e.g. by the request itself): take it out, whoever holds it. */
  public Future<Void> remove(String id) {
    return finish(id, "", "done", 0).mapEmpty();
  }

  /** The readiness check {@code outbox.<name>}: not critical; {@code BACKLOG} past the warning threshold. */
  public ReadinessCheck readiness() {
    return new ReadinessCheck() {
      public String name() {
        return "outbox." + WorkQueue.this.name;
      }

      public boolean critical() {
        return false;
      }

      public Future<String> check() {
        return backlog().map(n -> n > options.backlogWarnEntries() ? "BACKLOG" : "UP");
      }
    };
  }

  /** Entries not yet done (due, backing off or claimed). */
  public Future<Long> backlog() {
    return redis.send(Command.ZCARD, keys.get(0)).map(Response::toLong);
  }

  public void start(Function<Message, Future<Delivery>> worker) {
    timer = vertx.setPeriodic(options.tickMillis(), id -> tick(worker));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Measures the backlog now and then: the gauge, and a WARN when it passes the threshold (once per crossing). */
  private Future<Void> measure() {
    long now = System.currentTimeMillis();
    if (now - measuredAt < MEASURE_MILLIS) {
      return Future.succeededFuture();
    }
    measuredAt = now;
    return backlog().map(n -> {
      lastBacklog.set(n);
      if (n > options.backlogWarnEntries() && !overThreshold) {
        overThreshold = true;
        LOG.warn("outbox backlog past its threshold: queued work is not being done", kv("outbox", name),
            kv("backlog", n), kv("threshold", options.backlogWarnEntries()));
      } else if (n <= options.backlogWarnEntries() && overThreshold) {
        overThreshold = false;
        LOG.info("outbox backlog back under its threshold", kv("outbox", name), kv("backlog", n));
      }
      return null;
    });
  }

  private void tick(Function<Message, Future<Delivery>> worker) {
    if (busy) {
      return;
    }
    busy = true;
    measure()
        .compose(x -> claimDue())
        .compose(claimed -> Future.join(claimed.stream().map(m -> work(m, worker)).toList()))
        .onComplete(done -> {
          busy = false;
          if (done.failed() && !failing) {
            failing = true; // say it once per outage, not every tick
            LOG.warn("work queue cannot reach Redis; will keep trying", kv("outbox", name));
          } else if (done.succeeded() && failing) {
            failing = false;
            LOG.info("work queue reaches Redis again", kv("outbox", name));
          }
        });
  }

  /** Due entries, claimed until the lease's end (counted from before the claim: it cannot have started earlier). */
  private Future<List<Message>> claimDue() {
    long now = System.currentTimeMillis();
    long leaseEndsAt = now + options.leaseMillis();
    return CLAIM.run(redis, keys.subList(0, 3),
        List.of(Long.toString(now), Long.toString(leaseEndsAt), Integer.toString(options.batch()))).map(r -> {
          List<Message> out = new ArrayList<>();
          for (int i = 0; i + 2 < r.size(); i += 3) {
            String payload = r.get(i + 2).toString();
            out.add(new Message(r.get(i).toString(), payload.isEmpty() ? new JsonObject() : new JsonObject(payload),
                r.get(i + 1).toInteger() + 1, leaseEndsAt));
          }
          return out;
        });
  }

  private Future<Void> work(Message message, Function<Message, Future<Delivery>> worker) {
    Future<Delivery> outcome;
    try {
      outcome = worker.apply(message);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.recover(e -> Future.succeededFuture(Delivery.RETRY)).compose(delivery -> switch (delivery) {
      case OK -> finish(message.id(), Long.toString(message.leaseEndsAt()), "done", 0).mapEmpty();
      case RETRY -> finish(message.id(), Long.toString(message.leaseEndsAt()), "retry",
          System.currentTimeMillis() + backoff(message.attempt())).mapEmpty();
      case DEAD -> finish(message.id(), Long.toString(message.leaseEndsAt()), "dead", 0)
          .onSuccess(moved -> {
            if (moved) {
              LOG.warn("queued work refused for good, moved to dead letters", kv("outbox", name),
                  kv("message", message.id()));
            }
          }).mapEmpty();
    });
  }

  private Future<Boolean> finish(String id, String leaseEndsAt, String how, long nextAttemptAt) {
    return FINISH.run(redis, keys, List.of(id, leaseEndsAt, how, Long.toString(nextAttemptAt),
        Long.toString(options.deadLetterMaxEntries()))).map(r -> r.toInteger() == 1);
  }

  /** The delay after failed attempt {@code attempt} (1 for the first): doubling from the first, capped, ±25 %. */
  long backoff(int attempt) {
    long base = Math.min(options.maxBackoffMillis(), options.firstBackoffMillis() << Math.min(attempt - 1, 20));
    return (long) (base * (0.75 + ThreadLocalRandom.current().nextDouble() * 0.5));
  }
}
