package io.yibao.gateway.queue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The upgrade to the one work queue (issue 13): work the two queues before it still hold is moved into the
 * {@link WorkQueue}s that do it now, so nothing queued before the upgrade is stranded (a paid contribution never
 * recorded, a PENDING settlement never resolved). Run by every instance at start, before its workers start.
 * <ul>
 *   <li>The contribution outbox: a stream {@value #OUTBOX_STREAM} of {@code {id, payload}} (acknowledged entries
 *   were deleted, so every entry is work not yet done) → queue {@code collection}, due now; then the stream and its
 *   retry hash {@value #OUTBOX_RETRY} are dropped (old attempt counts are not kept). Its dead letters
 *   ({@value #OUTBOX_DEAD}) are not work: they stay where they are for whoever reads them, and are counted.</li>
 *   <li>Settlement recovery: a zset {@value #RECOVERY_ZSET} of {@code <pharmacy>:<settlement id>} by next check →
 *   the recovery queue, due when it was. A member without a ':' (queued before records moved under the pharmacy's
 *   tag) was never resolved by the old code either: it is left where it is, and counted.</li>
 * </ul>
 * Old and new keys have different hash tags, so no script may hold both (Redis Cluster): each batch is queued, then
 * deleted from the old key. A crash in between queues it again on the next start, and queueing an id already
 * queued only moves its next attempt, so several instances migrating at once, or a migration repeated, do no harm:
 * the work is delivered at least once, and workers are idempotent by order id and settlement id. Batch by batch
 * ({@code XRANGE … COUNT}, {@code ZSCAN … COUNT}): a big backlog never comes in one reply. Logs counts only.
 */
public final class LegacyQueues {

  static final String OUTBOX_STREAM = "yb:{outbox:collection}:outbox:stream";
  static final String OUTBOX_RETRY = "yb:{outbox:collection}:outbox:retry";
  static final String OUTBOX_DEAD = "yb:{outbox:collection}:outbox:dead";
  static final String RECOVERY_ZSET = "yb:{recovery}:settlement:queue";
  /** Entries read per round trip; each is queued at once, so well under the pool's {@code redis.maxWaiting}. */
  static final int BATCH = 200;

  private static final Logger LOG = LoggerFactory.getLogger(LegacyQueues.class);
  private static final RedisScript DROP_OUTBOX = RedisScript.load("legacy-outbox-drop.lua");

  private LegacyQueues() {
  }

  /**
   * Moves what the legacy queues hold into {@code collection} (contribution follow-ups) and
   * {@code settlementRecovery}; succeeds when both are drained (or held nothing, the usual case: two commands).
   */
  public static Future<Void> migrate(RedisStore redis, WorkQueue collection, WorkQueue settlementRecovery) {
    return migrate(redis, collection, settlementRecovery, BATCH);
  }

  /** The contribution outbox's part: each feature moves its own legacy queue before its worker starts. */
  public static Future<Void> migrateContributionOutbox(RedisStore redis, WorkQueue collection) {
    return moveOutbox(redis, collection, BATCH);
  }

  /** Settlement recovery's part. */
  public static Future<Void> migrateSettlementRecovery(RedisStore redis, WorkQueue settlementRecovery) {
    return moveRecovery(redis, settlementRecovery, BATCH);
  }

  static Future<Void> migrate(RedisStore redis, WorkQueue collection, WorkQueue settlementRecovery, int batch) {
    return moveOutbox(redis, collection, batch).compose(x -> moveRecovery(redis, settlementRecovery, batch));
  }

  // --- the contribution outbox ------------------------------------------------------------------------------------

  private static Future<Void> moveOutbox(RedisStore redis, WorkQueue collection, int batch) {
    return redis.send(Command.EXISTS, OUTBOX_STREAM).compose(exists -> exists.toInteger() == 0
        ? Future.succeededFuture()
        : moveOutbox(redis, collection, batch, "-", 0).compose(moved -> DROP_OUTBOX.run(redis,
            List.of(OUTBOX_STREAM, OUTBOX_RETRY), List.of()).compose(dropped -> redis.send(Command.XLEN, OUTBOX_STREAM)
            .compose(left -> redis.send(Command.XLEN, OUTBOX_DEAD).map(dead -> {
              LOG.info("legacy contribution outbox moved to the work queue", kv("queue", "collection"),
                  kv("moved", moved), kv("left", left.toLong()), kv("legacyDeadLetters", dead.toLong()));
              return null;
            })))));
  }

  /** From stream entry {@code from} (exclusive after the first batch): queued, then deleted; answers how many. */
  private static Future<Long> moveOutbox(RedisStore redis, WorkQueue collection, int batch, String from, long moved) {
    return redis.send(Command.XRANGE, OUTBOX_STREAM, from, "+", "COUNT", batch).compose(entries -> {
      if (entries == null || entries.size() == 0) {
        return Future.succeededFuture(moved);
      }
      List<String> done = new ArrayList<>();
      List<Future<Void>> queued = new ArrayList<>();
      for (Response entry : entries) {
        JsonObject payload = payload(entry.get(1));
        String id = payload.getString("orderId");
        if (id != null) { // an entry without its order cannot be delivered: left, and counted as left
          done.add(entry.get(0).toString());
          queued.add(collection.enqueue(id, payload));
        }
      }
      String last = entries.get(entries.size() - 1).get(0).toString();
      return Future.all(queued)
          .compose(x -> done.isEmpty() ? Future.succeededFuture(0L)
              : redis.send(Command.XDEL, args(OUTBOX_STREAM, done)).map(Response::toLong))
          .compose(deleted -> moveOutbox(redis, collection, batch, "(" + last, moved + deleted));
    });
  }

  /** The old entry's payload ({@code {"orderId": …}}), its order id taken from the entry's id field if missing. */
  private static JsonObject payload(Response fields) {
    String id = null;
    JsonObject payload = new JsonObject();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String name = fields.get(i).toString();
      if ("id".equals(name)) {
        id = fields.get(i + 1).toString();
      } else if ("payload".equals(name)) {
        payload = new JsonObject(fields.get(i + 1).toString());
      }
    }
    return payload.containsKey("orderId") || id == null ? payload : payload.put("orderId", id);
  }

  // --- settlement recovery ----------------------------------------------------------------------------------------

  private static Future<Void> moveRecovery(RedisStore redis, WorkQueue recovery, int batch) {
    return redis.send(Command.EXISTS, RECOVERY_ZSET).compose(exists -> exists.toInteger() == 0
        ? Future.succeededFuture()
        : moveRecovery(redis, recovery, batch, "0", 0).compose(moved -> redis.send(Command.ZCARD, RECOVERY_ZSET)
            .map(left -> {
              LOG.info("legacy settlement recovery queue moved to the work queue", kv("queue", "settlement"),
                  kv("moved", moved), kv("left", left.toLong()));
              if (left.toLong() > 0) {
                LOG.warn("legacy settlement recovery entries without a pharmacy left unresolved, as before",
                    kv("key", RECOVERY_ZSET), kv("left", left.toLong()));
              }
              return null;
            })));
  }

  /** One ZSCAN step from {@code cursor}: its members queued at their next check, then removed; answers how many. */
  private static Future<Long> moveRecovery(RedisStore redis, WorkQueue recovery, int batch, String cursor,
                                           long moved) {
    return redis.send(Command.ZSCAN, RECOVERY_ZSET, cursor, "COUNT", batch).compose(reply -> {
      String next = reply.get(0).toString();
      Response page = reply.get(1);
      List<String> members = new ArrayList<>();
      List<Future<Void>> queued = new ArrayList<>();
      for (int i = 0; i + 1 < page.size(); i += 2) {
        String member = page.get(i).toString();
        if (member.indexOf(':') > 0) {
          members.add(member);
          queued.add(recovery.enqueue(member, null, (long) Double.parseDouble(page.get(i + 1).toString())));
        }
      }
      return Future.all(queued)
          .compose(x -> members.isEmpty() ? Future.succeededFuture(0L)
              : redis.send(Command.ZREM, args(RECOVERY_ZSET, members)).map(Response::toLong))
          .compose(removed -> "0".equals(next) ? Future.succeededFuture(moved + removed)
              : moveRecovery(redis, recovery, batch, next, moved + removed));
    });
  }

  private static Object[] args(String key, List<String> members) {
    List<Object> out = new ArrayList<>(members.size() + 1);
    out.add(key);
    out.addAll(members);
    return out.toArray();
  }
}
