package io.yibao.gateway.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.redis.RedisKeys;
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
 * The gateway's one durable outbox: messages that must reach a core system at least once wait in a Redis stream
 * and are delivered, with growing back-off, until the receiver takes them. Every gateway verticle is a consumer of
 * the stream's group; an entry a consumer read but did not finish (it failed, or the process died) stays pending
 * and is claimed again after {@code claimIdleMillis} by whichever consumer comes first — so nothing is lost on a
 * restart. Receivers deduplicate by the message id (the outbox delivers at least once, never "exactly").
 *
 * <p>Bounds: the stream is never trimmed — an entry in it is a message not yet delivered (a paid order not yet
 * recorded), and dropping it would lose it. A long outage is alerted instead: the backlog (entries not yet
 * delivered) is the gauge {@code yb_outbox_backlog{outbox}}, a WARN log when it passes
 * {@code outbox.backlogWarnEntries} (and an INFO when it is back under), and the non-critical readiness check
 * {@code outbox.<name>} saying {@code BACKLOG} (the instance shows DEGRADED, stays in rotation). The dead-letter
 * stream keeps the newest {@code outbox.deadLetterMaxEntries} (about: Redis trims whole stream nodes); each dead
 * letter is also an ERROR or WARN log line of its deliverer, so nothing is dropped silently.
 * <pre>
 *   yb:{outbox:&lt;name&gt;}:outbox:stream   stream of {id, payload}; acknowledged entries are deleted     permanent, drains itself
 *   yb:{outbox:&lt;name&gt;}:outbox:retry    hash entry → "attempts:next attempt ms"                      permanent, drains itself
 *   yb:{outbox:&lt;name&gt;}:outbox:dead     stream of {id, payload} refused for good                     permanent, newest deadLetterMaxEntries
 * </pre>
 */
public final class Outbox {

  /** What the deliverer says of one attempt. */
  public enum Delivery {
    /** Taken: acknowledge and forget. */
    OK,
    /** Not now (receiver down, timeout): try again later. */
    RETRY,
    /** Refused for good: move to the dead-letter stream and say so in the log. */
    DEAD
  }

  /** One message: the stream entry, the business id receivers deduplicate by, and the payload. */
  public record Message(String entryId, String id, JsonObject payload, int attempt) {
  }

  /** Tuning; the last two are {@code outbox.backlogWarnEntries} and {@code outbox.deadLetterMaxEntries}. */
  public record Options(long tickMillis, long claimIdleMillis, long firstBackoffMillis, long maxBackoffMillis,
                        int batch, long backlogWarnEntries, long deadLetterMaxEntries) {

    public static final long BACKLOG_WARN_ENTRIES = 100_000;
    public static final long DEAD_LETTER_MAX_ENTRIES = 100_000;

    public Options(long tickMillis, long claimIdleMillis, long firstBackoffMillis, long maxBackoffMillis, int batch) {
      this(tickMillis, claimIdleMillis, firstBackoffMillis, maxBackoffMillis, batch, BACKLOG_WARN_ENTRIES,
          DEAD_LETTER_MAX_ENTRIES);
    }

    public static Options defaults() {
      return new Options(200, 5_000, 500, 30_000, 50);
    }

    /** The defaults with the configured bounds. */
    public static Options of(io.yibao.gateway.config.GatewayConfig.Outbox config) {
      Options d = defaults();
      return new Options(d.tickMillis, d.claimIdleMillis, d.firstBackoffMillis, d.maxBackoffMillis, d.batch,
          config.backlogWarnEntries(), config.deadLetterMaxEntries());
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  private static final String GROUP = "gateway";
  /** How often the backlog is measured (one XLEN). */
  private static final long MEASURE_MILLIS = 1_000;

  private final Vertx vertx;
  private final RedisStore redis;
  private final String name;
  private final Options options;
  private final String stream;
  private final String dead;
  private final String retries;
  private final String consumer = "c-" + Secrets.randomId(8);
  private long timer = -1;
  private boolean busy;
  private boolean groupReady;
  private boolean failing;
  private final AtomicLong lastBacklog = new AtomicLong();
  private long measuredAt;
  private boolean overThreshold;

  public Outbox(Vertx vertx, RedisStore redis, String name, Options options) {
    this(vertx, redis, name, options, null);
  }

  /** With {@code metrics}, the backlog is the gauge {@code yb_outbox_backlog{outbox=name}}. */
  public Outbox(Vertx vertx, RedisStore redis, String name, Options options,
                io.micrometer.core.instrument.MeterRegistry metrics) {
    if (metrics != null) {
      // One gauge per outbox and process: every instance measures the same stream, the first one registered reports.
      io.micrometer.core.instrument.Gauge.builder("yb_outbox_backlog", lastBacklog, AtomicLong::get)
          .description("Outbox entries not yet delivered").tag("outbox", name).strongReference(true)
          .register(metrics);
    }
    this.vertx = vertx;
    this.redis = redis;
    this.name = name;
    this.options = options;
    this.stream = RedisKeys.key("outbox:" + name, "outbox", "stream");
    this.dead = RedisKeys.key("outbox:" + name, "outbox", "dead");
    this.retries = RedisKeys.key("outbox:" + name, "outbox", "retry");
  }

  /** Appends a message; when the future succeeds the message is in Redis and will be delivered. */
  public Future<String> enqueue(String id, JsonObject payload) {
    // Never trimmed: an entry is a message not yet delivered (see the class comment).
    return redis.send(Command.XADD, stream, "*", "id", id, "payload", payload.encode()).map(Response::toString);
  }

  /** The readiness check {@code outbox.<name>}: not critical; {@code BACKLOG} past the warning threshold. */
  public io.yibao.gateway.ops.ReadinessCheck readiness() {
    return new io.yibao.gateway.ops.ReadinessCheck() {
      public String name() {
        return "outbox." + Outbox.this.name;
      }

      public boolean critical() {
        return false;
      }

      public Future<String> check() {
        return backlog().map(n -> n > options.backlogWarnEntries() ? "BACKLOG" : "UP");
      }
    };
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
        LOG.warn("outbox backlog past its threshold: messages are not being delivered", kv("outbox", name),
            kv("backlog", n), kv("threshold", options.backlogWarnEntries()));
      } else if (n <= options.backlogWarnEntries() && overThreshold) {
        overThreshold = false;
        LOG.info("outbox backlog back under its threshold", kv("outbox", name), kv("backlog", n));
      }
      return null;
    });
  }

  /** Entries not yet acknowledged (new or pending). */
  public Future<Long> backlog() {
    return redis.send(Command.XLEN, stream).map(Response::toLong);
  }

  public void start(Function<Message, Future<Delivery>> deliver) {
    timer = vertx.setPeriodic(options.tickMillis(), id -> tick(deliver));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private Future<Void> ensureGroup() {
    if (groupReady) {
      return Future.succeededFuture();
    }
    return redis.send(Command.XGROUP, "CREATE", stream, GROUP, "0", "MKSTREAM")
        .<Void>mapEmpty()
        .recover(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP") ? Future.succeededFuture()
            : Future.failedFuture(e))
        .onSuccess(x -> groupReady = true);
  }

  private void tick(Function<Message, Future<Delivery>> deliver) {
    if (busy) {
      return;
    }
    busy = true;
    ensureGroup()
        .compose(x -> measure())
        .compose(x -> readNew())
        .compose(fresh -> claimStale().map(stale -> {
          List<Response> all = new ArrayList<>(fresh);
          all.addAll(stale);
          return all;
        }))
        .compose(entries -> deliverAll(entries, deliver))
        .onComplete(done -> {
          busy = false;
          if (done.failed() && !failing) {
            failing = true; // say it once per outage, not every tick
            groupReady = false;
            LOG.warn("outbox cannot reach Redis; will keep trying", kv("outbox", name));
          } else if (done.succeeded() && failing) {
            failing = false;
            LOG.info("outbox reaches Redis again", kv("outbox", name));
          }
        });
  }

  private Future<List<Response>> readNew() {
    return redis.send(Command.XREADGROUP, "GROUP", GROUP, consumer, "COUNT", options.batch(), "STREAMS", stream, ">")
        .map(r -> {
          List<Response> out = new ArrayList<>();
          if (r != null) {
            // RESP2: [[stream, [entries...]]]; RESP3 may give a map keyed by stream.
            Response streamEntries = r.type() == io.vertx.redis.client.ResponseType.MULTI && !r.getKeys().isEmpty()
                ? r.get(stream) : r.get(0).get(1);
            if (streamEntries != null) {
              streamEntries.forEach(out::add);
            }
          }
          return out;
        });
  }

  /** Entries another attempt left pending for longer than claimIdleMillis (failed, or their consumer died). */
  private Future<List<Response>> claimStale() {
    return redis.send(Command.XAUTOCLAIM, stream, GROUP, consumer, options.claimIdleMillis(), "0-0", "COUNT",
        options.batch()).map(r -> {
          List<Response> out = new ArrayList<>();
          if (r != null && r.size() > 1 && r.get(1) != null) {
            r.get(1).forEach(e -> {
              if (e != null && e.size() > 1 && e.get(1) != null) {
                out.add(e);
              }
            });
          }
          return out;
        });
  }

  private Future<Void> deliverAll(List<Response> entries, Function<Message, Future<Delivery>> deliver) {
    List<Future<Void>> all = new ArrayList<>();
    for (Response entry : entries) {
      all.add(deliverOne(entry, deliver));
    }
    return Future.join(all).mapEmpty();
  }

  private Future<Void> deliverOne(Response entry, Function<Message, Future<Delivery>> deliver) {
    String entryId = entry.get(0).toString();
    Response fields = entry.get(1);
    String id = null;
    String payload = "{}";
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if ("id".equals(fields.get(i).toString())) {
        id = fields.get(i + 1).toString();
      } else if ("payload".equals(fields.get(i).toString())) {
        payload = fields.get(i + 1).toString();
      }
    }
    String businessId = id;
    JsonObject body = new JsonObject(payload);
    return redis.send(Command.HGET, retries, entryId).compose(state -> {
      int attempts = 0;
      if (state != null) {
        String[] parts = state.toString().split(":");
        attempts = Integer.parseInt(parts[0]);
        if (Long.parseLong(parts[1]) > System.currentTimeMillis()) {
          return Future.succeededFuture(); // backing off: claimed again after the idle time
        }
      }
      int attempt = attempts + 1;
      return deliver.apply(new Message(entryId, businessId, body, attempt))
          .recover(e -> Future.succeededFuture(Delivery.RETRY))
          .compose(outcome -> switch (outcome) {
            case OK -> done(entryId);
            case DEAD -> redis.send(Command.XADD, dead, "MAXLEN", "~", options.deadLetterMaxEntries(), "*",
                    "id", businessId, "payload", body.encode())
                .compose(x -> done(entryId))
                .onSuccess(x -> LOG.warn("outbox message refused for good, moved to dead letters",
                    kv("outbox", name), kv("message", businessId)));
            case RETRY -> redis.send(Command.HSET, retries, entryId, attempt + ":" + (System.currentTimeMillis()
                + backoff(attempt))).mapEmpty();
          });
    });
  }

  long backoff(int attempt) {
    long base = Math.min(options.maxBackoffMillis(), options.firstBackoffMillis() << Math.min(attempt - 1, 20));
    return (long) (base * (0.75 + ThreadLocalRandom.current().nextDouble() * 0.5));
  }

  private Future<Void> done(String entryId) {
    return redis.send(Command.XACK, stream, GROUP, entryId)
        .compose(x -> redis.send(Command.XDEL, stream, entryId))
        .compose(x -> redis.send(Command.HDEL, retries, entryId))
        .mapEmpty();
  }
}
