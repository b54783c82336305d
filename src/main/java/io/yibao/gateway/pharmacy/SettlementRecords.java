package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.identity.MeCopyInvalidation;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.redis.Transition;

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
 *   yb:{pharm:&lt;code&gt;}:settlement:&lt;id&gt;        hash (status, terminal, person, msgid, amounts, split)        TTL recordDays
 *   yb:{pharm:&lt;code&gt;}:stltotals:&lt;date&gt;      hash: count and sums of what is settled that day, open ones    TTL recordDays
 *   yb:{pharm:&lt;code&gt;}:visit:&lt;token&gt;        the visit a settlement is opened for ({@link Visits})          TTL visit life
 *   yb:{acct:&lt;account&gt;}:settlements:index    zset id → created ms (the resident's list)                   TTL recordDays
 *   yb:{acct:&lt;account&gt;}:settlements:at       hash id → pharmacy (where the resident's record is)         TTL recordDays
 *   yb:{acct:&lt;account&gt;}:payments:awaiting    zset id → confirm-by ms (awaiting the resident)              TTL recordDays
 * </pre>
 * A record and its pharmacy's day totals share the pharmacy's hash tag, so every status change updates the day's
 * count and sums in the same atomic step ({@code settlement-transition.lua}); reconciliation reads one hash,
 * whatever the number of settlements; and a settlement is opened for its visit in one step with its count and its
 * message id ({@code settlement-open.lua}). What may need resolving is in the recovery work queue
 * ({@link PharmacySettlements#RECOVERY_QUEUE}, a slot of its own), put there BEFORE the call whose outcome can be lost
 * and taken out once the outcome is written.
 */
public final class SettlementRecords {

  /**
   * Settlement statuses, as the contract lists them. PENDING, REVERSING and CANCELLING are open: the recovery
   * queue holds them until the core's answer is known and written.
   */
  public enum Status {
    SETTLED, PENDING, AWAITING_CONFIRMATION, REVERSING, REVERSED, CANCELLING, CANCELLED, EXPIRED, FAILED
  }

  /** Where a settlement's record is: its pharmacy (the hash tag) and its id. */
  public record Ref(String fix, String id) {

    /** The settlement's id in the recovery queue. */
    String member() {
      return fix + ":" + id;
    }

    static Ref ofMember(String member) {
      int colon = member.indexOf(':');
      return new Ref(member.substring(0, colon), member.substring(colon + 1));
    }

    static Ref of(Settlement settlement) {
      return settlement.ref();
    }
  }

  private static final RedisScript OPEN = RedisScript.load("msgid-lib.lua", "settlement-open.lua");
  private static final RedisScript TRANSITION = RedisScript.load("transition-lib.lua", "settlement-transition.lua");

  private final RedisStore redis;
  private final long ttlMillis;
  private final MeCopyInvalidation meCopies;

  public SettlementRecords(RedisStore redis, GatewayConfig.Pharmacy config) {
    this(redis, config, MeCopyInvalidation.NONE);
  }

  public SettlementRecords(RedisStore redis, GatewayConfig.Pharmacy config, MeCopyInvalidation meCopies) {
    this.redis = redis;
    this.ttlMillis = config.recordDays() * 86_400_000L;
    this.meCopies = meCopies;
  }

  static String recordKey(Ref ref) {
    return RedisKeys.key("pharm:" + ref.fix(), "settlement", ref.id());
  }

  static String totalsKey(String fixmedinsCode, String date) {
    return RedisKeys.key("pharm:" + fixmedinsCode, "stltotals", date);
  }

  static String accountIndexKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "settlements", "index");
  }

  static String accountPharmacyKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "settlements", "at");
  }

  static String awaitingKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "payments", "awaiting");
  }

  /** What opening a settlement for a visit did: the record when opened, the visit's settlement when taken. */
  public record Opened(Outcome outcome, Settlement record, String existingSettlement) {
  }

  public enum Outcome { OPENED, GONE, OTHER_TERMINAL, TAKEN }

  /**
   * Opens a settlement for a visit in one step ({@code settlement-open.lua}, under the pharmacy's hash tag): if the
   * visit is this terminal's and has no settlement yet, the record is created from {@code draft} (its own fields, and
   * the person's copied from the visit), counted in the pharmacy's day, given its national message
   * id when {@code messageIdAt} (epoch seconds) is not null, and the visit is tied to it. A PENDING one must be in the
   * recovery queue already. The resident's index is written beside it ({@link #index}).
   */
  public Future<Opened> open(String token, String terminalId, Settlement draft, Long messageIdAt) {
    if (!Visits.wellFormed(token)) {
      return Future.succeededFuture(new Opened(Outcome.GONE, null, null));
    }
    Map<String, String> fields = draft.ownFields();
    String fix = draft.fixmedinsCode();
    List<String> args = new ArrayList<>(fields.size() * 2 + 5);
    args.addAll(List.of(terminalId, fields.get("id"), Long.toString(ttlMillis),
        messageIdAt == null ? "" : Long.toString(messageIdAt), fix));
    fields.forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    return OPEN.run(redis, List.of(Visits.key(fix, token), recordKey(draft.ref()), totalsKey(fix, draft.businessDate()),
        NationalInterface.messageIdKey(fix)), args).compose(r -> switch (r.get(0).toString()) {
          case "opened" -> Future.succeededFuture(new Opened(Outcome.OPENED, Settlement.fromHash(RedisStore.pairs(r, 1)), null));
          case "other" -> Future.succeededFuture(new Opened(Outcome.OTHER_TERMINAL, null, null));
          case "taken" -> Future.succeededFuture(new Opened(Outcome.TAKEN, null, r.get(1).toString()));
          case "none" -> Future.succeededFuture(new Opened(Outcome.GONE, null, null));
          default -> Future.failedFuture(new IllegalStateException("settlement id collision"));
        });
  }

  /**
   * Indexes a settlement for its resident (account {@code acct}, in the account's slot, so apart from the record),
   * each key with its TTL; one awaiting the resident also in the awaiting list. Issued beside {@link #open}.
   */
  public Future<Void> index(String account, String id, String fixmedinsCode, String createdAt, String confirmBy) {
    List<Future<?>> writes = new ArrayList<>(List.of(
        redis.writeWithTtl(Command.ZADD, accountIndexKey(account), ttlMillis, createdAt, id),
        redis.writeWithTtl(Command.HSET, accountPharmacyKey(account), ttlMillis, id, fixmedinsCode)));
    if (confirmBy != null) {
      writes.add(redis.writeWithTtl(Command.ZADD, awaitingKey(account), ttlMillis, confirmBy, id));
    }
    return Future.all(writes).mapEmpty();
  }

  /** Takes back the resident's index entries of a settlement that was not opened after all. */
  public Future<Void> unindex(String account, String id) {
    return Future.join(redis.send(Command.ZREM, accountIndexKey(account), id),
        redis.send(Command.HDEL, accountPharmacyKey(account), id),
        redis.send(Command.ZREM, awaitingKey(account), id)).<Void>mapEmpty().otherwiseEmpty();
  }

  /** The settlement, or null. */
  public Future<Settlement> get(Ref ref) {
    return redis.send(Command.HGETALL, recordKey(ref)).map(r -> Settlement.fromHash(RedisStore.fields(r)));
  }

  /** The resident's records of these ids (those still kept), wherever they were settled. */
  public Future<List<Settlement>> ofAccount(String accountId, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Object> args = new ArrayList<>(List.of(accountPharmacyKey(accountId)));
    args.addAll(ids);
    return redis.send(Command.HMGET, args.toArray()).compose(pharmacies -> {
      List<Future<Settlement>> all = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        Response fix = pharmacies.get(i);
        if (fix != null) {
          all.add(get(new Ref(fix.toString(), ids.get(i))));
        }
      }
      return Future.all(all).map(done -> {
        List<Settlement> out = new ArrayList<>();
        for (Future<Settlement> f : all) {
          if (f.result() != null) {
            out.add(f.result());
          }
        }
        return out;
      });
    });
  }

  /** The resident's record with this id, or null. */
  public Future<Settlement> ofAccount(String accountId, String id) {
    return ofAccount(accountId, List.of(id)).map(found -> found.isEmpty() ? null : found.get(0));
  }



  /**
   * Moves {@code record} from {@code from} to {@code to} (with extra fields) if it is still in {@code from}, and
   * keeps its day's totals; answers whether it moved and the record as it stands afterwards, in one round trip.
   */
  public Future<Transition<Settlement>> transition(Settlement record, Status from, Status to, String... extra) {
    List<String> args = new ArrayList<>(List.of(from.name(), to.name(), Long.toString(ttlMillis)));
    args.addAll(List.of(extra));
    Future<Transition<Settlement>> move = TRANSITION.run(redis, List.of(recordKey(Ref.of(record)),
            totalsKey(record.fixmedinsCode(), record.businessDate())), args)
        .map(r -> Transition.of(r, Settlement::fromHash));
    if (!MOVES_BALANCE.contains(to)) {
      return move;
    }
    // The core's balance moved when it answered, so the person's /me copy ends now, beside the status change (no
    // wait of its own; never fails) and before anyone is told of the outcome. A lost compare-and-set only costs a
    // fresh read.
    Future<Void> copies = meCopies.changed(record.accountId(), record.psnNo());
    return Future.all(move, copies).map(done -> move.result());
  }

  /** Outcomes after which the core's balance differs from what the person's /me copy may show. */
  private static final java.util.Set<Status> MOVES_BALANCE = java.util.EnumSet.of(Status.SETTLED, Status.CANCELLED,
      Status.REVERSED);

  public Future<Void> stopAwaiting(String accountId, String id) {
    return redis.send(Command.ZREM, awaitingKey(accountId), id).mapEmpty();
  }

  public Future<List<String>> awaiting(String accountId) {
    return redis.send(Command.ZRANGE, awaitingKey(accountId), 0, -1).map(SettlementRecords::strings);
  }

  public Future<List<String>> idsOfAccount(String accountId, int offset, int count) {
    return redis.send(Command.ZREVRANGE, accountIndexKey(accountId), offset, offset + count - 1)
        .map(SettlementRecords::strings);
  }

  public Future<Long> countOfAccount(String accountId) {
    return redis.send(Command.ZCARD, accountIndexKey(accountId)).map(Response::toLong);
  }

  /** The pharmacy's day: count and sums of what is settled (fen), and how many are still open. */
  public Future<NationalInterface.DayTotals> totals(String fixmedinsCode, String date) {
    return redis.send(Command.HGETALL, totalsKey(fixmedinsCode, date)).map(r -> new NationalInterface.DayTotals(
        count(r, "count"), count(r, "medfee"), count(r, "fund"), count(r, "acct"), count(r, "cash"), count(r, "open")));
  }

  private static long count(Response totals, String field) {
    return totals == null || totals.get(field) == null ? 0L : totals.get(field).toLong();
  }

  private static List<String> strings(Response r) {
    List<String> out = new ArrayList<>();
    if (r != null) {
      r.forEach(x -> out.add(x.toString()));
    }
    return out;
  }

  /** The settlement as terminals and residents see it: national split field names, amounts in fen. */
  public static JsonObject view(Settlement s, long nowMillis) {
    Status status = effectiveStatus(s, nowMillis);
    JsonObject view = new JsonObject()
        .put("id", s.id())
        .put("status", status.name())
        .put("fixmedinsCode", s.fixmedinsCode())
        .put("psnNo", s.psnNo())
        .put("createdAt", time(s.createdAtMillis()))
        .put("businessDate", s.businessDate())
        .put("medfee_sumamt", s.basket().medfeeFen());
    if (s.split() != null) {
      for (String field : List.of("setl_id", "mdtrt_id", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
          "inscp_scp_amt", "hifp_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "acct_mulaid_pay",
          "psn_cash_pay", "balc")) {
        if (s.split().containsKey(field)) {
          view.put(field, s.split().getValue(field));
        }
      }
    }
    if (s.confirmByMillis() != null && status == Status.AWAITING_CONFIRMATION) {
      view.put("confirmBy", time(s.confirmByMillis()));
    }
    if (s.error() != null) {
      view.put("error", s.error());
    }
    return view;
  }

  /** An awaiting settlement past its confirmation time is EXPIRED, whether or not a sweep has written it yet. */
  static Status effectiveStatus(Settlement s, long nowMillis) {
    if (s.is(Status.AWAITING_CONFIRMATION) && s.confirmByMillis() != null && s.confirmByMillis() < nowMillis) {
      return Status.EXPIRED;
    }
    return s.status();
  }

  static String time(long millis) {
    return io.yibao.gateway.time.BusinessTime.timestamp(millis);
  }
}
