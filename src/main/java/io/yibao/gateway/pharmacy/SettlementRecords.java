package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's in-flight and recent settlement records, in Redis. The core is the source of truth for money;
 * these records let a terminal poll an answer that was slow, let the resident see and confirm, drive the
 * recovery of unknown outcomes, and feed reconciliation. The message id is stored BEFORE the core is called, so
 * a reversal can always name it.
 * <pre>
 *   yb:{stl:&lt;id&gt;}:settlement:record           hash (status, pharmacy, terminal, person, msgid, amounts, split)   TTL recordDays
 *   yb:{pharm:&lt;code&gt;}:settlements:&lt;date&gt;        set of the pharmacy's settlement ids that business day     TTL recordDays
 *   yb:{acct:&lt;account&gt;}:settlements:index        zset id → created ms (the resident's list)                 TTL recordDays
 *   yb:{acct:&lt;account&gt;}:payments:awaiting       zset id → confirm-by ms (awaiting the resident)            TTL recordDays
 *   yb:{recovery}:settlement:queue              zset id → next check ms (unknown outcomes)                 permanent, drains itself
 * </pre>
 */
public final class SettlementRecords {

  /** Settlement statuses, as the contract lists them. */
  public enum Status { SETTLED, PENDING, AWAITING_CONFIRMATION, REVERSED, CANCELLED, EXPIRED, FAILED }

  static final String RECOVERY_QUEUE = RedisKeys.key("recovery", "settlement", "queue");
  private static final RedisScript TRANSITION = RedisScript.load("status-transition.lua");
  private static final RedisScript CLAIM = RedisScript.load("recovery-claim.lua");

  private final RedisStore redis;
  private final long ttlMillis;

  public SettlementRecords(RedisStore redis, GatewayConfig.Pharmacy config) {
    this.redis = redis;
    this.ttlMillis = config.recordDays() * 86_400_000L;
  }

  static String recordKey(String id) {
    return RedisKeys.key("stl:" + id, "settlement", "record");
  }

  static String pharmacyDayKey(String fixmedinsCode, String date) {
    return RedisKeys.key("pharm:" + fixmedinsCode, "settlements", date);
  }

  static String accountIndexKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "settlements", "index");
  }

  static String awaitingKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "payments", "awaiting");
  }

  /**
   * Stores a new record and indexes it. {@code fields} must hold id, status, fix, acct, bizDate, createdAt. The
   * record and its indexes live in different slots, so they are written side by side, each with its TTL.
   */
  public Future<Void> create(Map<String, String> fields) {
    String id = fields.get("id");
    String account = fields.get("acct");
    List<Future<?>> writes = new ArrayList<>(List.of(
        redis.hsetWithTtl(recordKey(id), ttlMillis, fields),
        redis.writeWithTtl(Command.SADD, pharmacyDayKey(fields.get("fix"), fields.get("bizDate")), ttlMillis, id),
        redis.writeWithTtl(Command.ZADD, accountIndexKey(account), ttlMillis, fields.get("createdAt"), id)));
    if (Status.AWAITING_CONFIRMATION.name().equals(fields.get("status"))) {
      writes.add(redis.writeWithTtl(Command.ZADD, awaitingKey(account), ttlMillis, fields.get("confirmBy"), id));
    }
    return Future.all(writes).mapEmpty();
  }

  /** The record's fields, or null. */
  public Future<Map<String, String>> get(String id) {
    return redis.send(Command.HGETALL, recordKey(id)).map(SettlementRecords::fields);
  }

  public Future<List<Map<String, String>>> getAll(List<String> ids) {
    List<Future<Map<String, String>>> all = new ArrayList<>();
    ids.forEach(id -> all.add(get(id)));
    return Future.all(all).map(done -> {
      List<Map<String, String>> out = new ArrayList<>();
      for (Future<Map<String, String>> f : all) {
        if (f.result() != null) {
          out.add(f.result());
        }
      }
      return out;
    });
  }

  static Map<String, String> fields(Response r) {
    if (r == null || r.getKeys().isEmpty()) {
      return null;
    }
    Map<String, String> out = new HashMap<>();
    for (String k : r.getKeys()) {
      out.put(k, r.get(k).toString());
    }
    return out;
  }

  /** Moves the record from {@code from} to {@code to} (with extra fields) if it is still in {@code from}. */
  public Future<Boolean> transition(String id, Status from, Status to, String... extra) {
    return runTransition(id, from, to, extra).map(r -> r.get(0).toInteger() == 1);
  }

  /** Like {@link #transition}, answering the record as it stands afterwards (null when gone), in the same round trip. */
  public Future<Map<String, String>> transitionThenGet(String id, Status from, Status to, String... extra) {
    return runTransition(id, from, to, extra).map(r -> r.size() < 3 ? null : RedisStore.pairs(r, 1));
  }

  private Future<Response> runTransition(String id, Status from, Status to, String... extra) {
    List<String> args = new ArrayList<>(List.of(from.name(), to.name()));
    args.addAll(List.of(extra));
    return TRANSITION.run(redis, List.of(recordKey(id)), args);
  }

  public Future<Void> stopAwaiting(String accountId, String id) {
    return redis.send(Command.ZREM, awaitingKey(accountId), id).mapEmpty();
  }

  public Future<List<String>> awaiting(String accountId) {
    return redis.send(Command.ZRANGE, awaitingKey(accountId), 0, -1).map(SettlementRecords::strings);
  }

  public Future<List<String>> ofAccount(String accountId, int offset, int count) {
    return redis.send(Command.ZREVRANGE, accountIndexKey(accountId), offset, offset + count - 1)
        .map(SettlementRecords::strings);
  }

  public Future<Long> countOfAccount(String accountId) {
    return redis.send(Command.ZCARD, accountIndexKey(accountId)).map(Response::toLong);
  }

  public Future<List<String>> ofPharmacyDay(String fixmedinsCode, String date) {
    return redis.send(Command.SMEMBERS, pharmacyDayKey(fixmedinsCode, date)).map(SettlementRecords::strings);
  }

  // --- recovery queue -----------------------------------------------------------------------------------------

  public Future<Void> scheduleRecovery(String id, long atMillis) {
    return redis.send(Command.ZADD, RECOVERY_QUEUE, atMillis, id).mapEmpty();
  }

  public Future<Void> recovered(String id) {
    return redis.send(Command.ZREM, RECOVERY_QUEUE, id).mapEmpty();
  }

  public Future<List<String>> claimDue(long leaseMillis, int max) {
    return CLAIM.run(redis, List.of(RECOVERY_QUEUE),
        List.of(Long.toString(System.currentTimeMillis()), Long.toString(leaseMillis), Integer.toString(max)))
        .map(SettlementRecords::strings);
  }

  public Future<Long> recoveryBacklog() {
    return redis.send(Command.ZCARD, RECOVERY_QUEUE).map(Response::toLong);
  }

  private static List<String> strings(Response r) {
    List<String> out = new ArrayList<>();
    if (r != null) {
      r.forEach(x -> out.add(x.toString()));
    }
    return out;
  }

  /** The record as terminals and residents see it: national split field names, amounts in fen. */
  public static JsonObject view(Map<String, String> f, long nowMillis) {
    String status = effectiveStatus(f, nowMillis);
    JsonObject view = new JsonObject()
        .put("id", f.get("id"))
        .put("status", status)
        .put("fixmedinsCode", f.get("fix"))
        .put("psnNo", f.get("psn"))
        .put("createdAt", time(Long.parseLong(f.get("createdAt"))))
        .put("businessDate", f.get("bizDate"))
        .put("medfee_sumamt", Long.parseLong(f.getOrDefault("medfee", "0")));
    if (f.get("split") != null) {
      JsonObject split = new JsonObject(f.get("split"));
      for (String field : List.of("setl_id", "mdtrt_id", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
          "inscp_scp_amt", "hifp_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "acct_mulaid_pay",
          "psn_cash_pay", "balc")) {
        if (split.containsKey(field)) {
          view.put(field, split.getValue(field));
        }
      }
    }
    if (f.get("confirmBy") != null && Status.AWAITING_CONFIRMATION.name().equals(status)) {
      view.put("confirmBy", time(Long.parseLong(f.get("confirmBy"))));
    }
    if (f.get("err") != null) {
      view.put("error", f.get("err"));
    }
    return view;
  }

  /** An awaiting settlement past its confirmation time is EXPIRED, whether or not a sweep has written it yet. */
  static String effectiveStatus(Map<String, String> f, long nowMillis) {
    String status = f.get("status");
    if (Status.AWAITING_CONFIRMATION.name().equals(status) && f.get("confirmBy") != null
        && Long.parseLong(f.get("confirmBy")) < nowMillis) {
      return Status.EXPIRED.name();
    }
    return status;
  }

  static String time(long millis) {
    return Instant.ofEpochMilli(millis).atZone(NationalInterface.SHANGHAI).toOffsetDateTime().toString();
  }
}
