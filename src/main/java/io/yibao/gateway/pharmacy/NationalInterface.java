package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import io.yibao.gateway.time.BusinessTime;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The typed client of the settlement system's national interface (定点医药机构接口规范), in the style of
 * {@code WechatPayClient}: one method per transaction the gateway uses, each building its own message
 * ({@code infno}, {@code msgid}, {@code fixmedins_code}, {@code input}, ...). Callers pass and get typed values.
 * A message id is the institution code (12) + yyyyMMddHHmmss + a 4-digit sequence, reserved in Redis per
 * institution so that ids never repeat, across gateway instances and clock steps.
 *
 * <p>Outcomes of every call:
 * <ul>
 *   <li>an {@link Answer}: infcode 0 (done, with its output), -2 (a business refusal: the core decided, nothing
 *   happened) or -1 (a system error: as good as no answer). An HTTP status other than 200 counts as a refusal:
 *   the interface answers business errors inside a 200, so the message was not understood;</li>
 *   <li>{@link CoreCallException} when no answer came: {@link CoreCallException.Outcome#NOT_SENT} (breaker open, no
 *   connection: certainly not done) or {@link CoreCallException.Outcome#UNKNOWN} (it may have happened).</li>
 * </ul>
 * {@link #preSettle} (2101) and {@link #reconcile} (3201) change nothing at the core: they allocate their own message
 * id and fail with {@link Answer#problem()} unless answered ok. {@link #settle} (2102), {@link #cancel} (2103) and
 * {@link #reverse} (2601) move money: their message id is allocated ({@link #newMessageId}, or
 * {@code settlement-open.lua} for 2102) and stored in the settlement BEFORE the call, so that a lost answer can be
 * asked about ({@link #messageStatus}) or reversed by that id; they answer the {@link Answer} as it came.
 */
public final class NationalInterface {

  /** An answered message. {@code infcode} 0 ok, -1 system error (outcome unknown), -2 business refusal. */
  public record Answer(int infcode, String errMsg, JsonObject output) {
    public boolean ok() {
      return infcode == 0;
    }

    /** The core decided against it (infcode -2): nothing happened. */
    public boolean refused() {
      return infcode == -2;
    }

    /**
     * The problem an answer that is not ok means to a client: the one mapping of national answers to problems.
     * A refusal is 422 SETTLEMENT_REFUSED with the core's message; a system error 503 CORE_UNAVAILABLE.
     */
    public ProblemException problem() {
      return refused()
          ? new ProblemException(ProblemCode.SETTLEMENT_REFUSED, errMsg)
          : new ProblemException(ProblemCode.CORE_UNAVAILABLE, "The settlement system reported a system error");
    }
  }

  /** What became of a message whose answer was lost: SETTLED, CANCELLED, REVERSED or NONE, with its output. */
  public record MessageStatus(String status, JsonObject output) {
  }

  /** A pharmacy's day as the gateway counts it (amounts in fen), to check against the core's with 3201. */
  public record DayTotals(long count, long medfeeFen, long fundFen, long accountFen, long cashFen, long open) {
  }

  private static final RedisScript NEXT_ID = RedisScript.load("msgid-lib.lua", "msgid-next.lua");
  private static final DateTimeFormatter INF_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final CoreClient settlement;
  private final RedisStore redis;
  private final Clock clock;

  public NationalInterface(io.yibao.gateway.core.CoreClients core, RedisStore redis) {
    this(core.client("settlement"), redis);
  }

  NationalInterface(CoreClient settlement, RedisStore redis) {
    this(settlement, redis, Clock.systemUTC());
  }

  NationalInterface(CoreClient settlement, RedisStore redis, Clock clock) {
    this.settlement = settlement;
    this.redis = redis;
    this.clock = clock;
  }

  /**
   * The institution's next message id. The sequence is not counted per second (a clock stepped back would count
   * a past second again): {@code msgid-next.lua} keeps the institution's last (second, sequence) and always moves
   * past it, so ids are strictly increasing whatever the clocks of the gateway instances do.
   */
  public Future<String> newMessageId(String fixmedinsCode) {
    return NEXT_ID.run(redis, List.of(messageIdKey(fixmedinsCode)),
        List.of(Long.toString(nowSeconds()), fixmedinsCode)).map(Response::toString);
  }

  /** The institution's last message id position (msgid-lib.lua), under the pharmacy's hash tag. */
  static String messageIdKey(String fixmedinsCode) {
    return RedisKeys.key("pharm:" + fixmedinsCode, "msgid", "last");
  }

  /** Now, as message ids count it (epoch seconds of this gateway's clock). */
  long nowSeconds() {
    return clock.instant().getEpochSecond();
  }

  /** 2101: the core's preview of a basket's split for the visit's person. Fails with the answer's problem. */
  public Future<JsonObject> preSettle(Visit visit, Basket basket) {
    return newMessageId(visit.fixmedinsCode()).compose(msgid -> send("2101", msgid, visit.fixmedinsCode(),
            visit.terminalId(), visit.admdvs(), purchase(visit.psnNo(), visit.certNo(), visit.insuType(), basket)))
        .compose(NationalInterface::okOutput);
  }

  /** 2102 under the settlement's stored message id: settles it at the core; the output is the split. */
  public Future<Answer> settle(Settlement s) {
    return send("2102", s.msgid(), s.fixmedinsCode(), s.terminalId(), s.admdvs(),
        purchase(s.psnNo(), s.certNo(), s.insuType(), s.basket()));
  }

  /** 2103 under the settlement's stored cancel message id (idempotent: sending it again is safe). */
  public Future<Answer> cancel(Settlement s) {
    return send("2103", s.cancelMsgid(), s.fixmedinsCode(), s.cancelOperator(), s.admdvs(),
        new JsonObject().put("psn_no", s.psnNo()).put("setl_id", s.split().getString("setl_id")));
  }

  /** 2601 under the settlement's stored reversal message id: undoes its 2102, whether or not that happened. */
  public Future<Answer> reverse(Settlement s) {
    return send("2601", s.reversalMsgid(), s.fixmedinsCode(), s.terminalId(), s.admdvs(),
        new JsonObject().put("psn_no", s.psnNo()).put("omsgid", s.msgid()).put("oinfno", "2102"));
  }

  /** 3201: the core's totals of the pharmacy's day against ours ({@code stmt_rslt} "0" when they balance). */
  public Future<JsonObject> reconcile(String fixmedinsCode, String operator, String date, DayTotals ours) {
    JsonObject input = new JsonObject().put("fixmedins_code", fixmedinsCode)
        .put("stmt_begndate", date).put("stmt_enddate", date)
        .put("medfee_sumamt", ours.medfeeFen()).put("fund_pay_sumamt", ours.fundFen())
        .put("acct_pay", ours.accountFen()).put("fixmedins_setl_cnt", ours.count());
    return newMessageId(fixmedinsCode).compose(msgid -> send("3201", msgid, fixmedinsCode, operator, "", input))
        .compose(NationalInterface::okOutput);
  }

  /** What became of a message whose answer was lost (a query, retried by the core client). */
  public Future<MessageStatus> messageStatus(String msgid) {
    return settlement.get("/messages/" + msgid).compose(r -> r.ok()
        ? Future.succeededFuture(new MessageStatus(r.json().getString("status", "NONE"),
            r.json().getJsonObject("output", new JsonObject())))
        : r.status() == 404 ? Future.succeededFuture(new MessageStatus("NONE", new JsonObject()))
        : Future.failedFuture(new IllegalStateException("message query answered " + r.status())));
  }

  /** The 2101/2102 input of a purchase. */
  private static JsonObject purchase(String psnNo, String certNo, String insuType, Basket basket) {
    return new JsonObject()
        .put("psn_no", psnNo)
        .put("mdtrt_cert_type", "01")
        .put("mdtrt_cert_no", certNo)
        .put("insutype", insuType)
        .put("med_type", "41")
        .put("acct_used_flag", basket.accountUsed() ? "1" : "0")
        .put("drugdetail", basket.drugDetail());
  }

  private static Future<JsonObject> okOutput(Answer answer) {
    return answer.ok() ? Future.succeededFuture(answer.output()) : Future.failedFuture(answer.problem());
  }

  /** Sends one message; fails with {@link CoreCallException} when no answer came back (see its outcome). */
  private Future<Answer> send(String infno, String msgid, String fixmedinsCode, String operator, String admdvs,
                              JsonObject input) {
    JsonObject envelope = new JsonObject()
        .put("infno", infno)
        .put("msgid", msgid)
        .put("mdtrtarea_admvs", admdvs)
        .put("insuplc_admdvs", admdvs)
        .put("recer_sys_code", "YBGW")
        .put("infver", "V1.0")
        .put("opter_type", "1")
        .put("opter", operator)
        .put("fixmedins_code", fixmedinsCode)
        .put("inf_time", LocalDateTime.now(BusinessTime.ZONE).format(INF_TIME))
        .put("sign_no", "")
        .put("input", input);
    return settlement.post("/" + infno, envelope).map(response -> {
      if (!response.ok()) {
        return new Answer(-2, "settlement system answered HTTP " + response.status(), new JsonObject());
      }
      JsonObject body = response.json();
      return new Answer(body.getInteger("infcode", -1), body.getString("err_msg"),
          body.getJsonObject("output", new JsonObject()));
    });
  }
}
