package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import io.vertx.redis.client.Response;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The settlement system's national interface (定点医药机构接口规范) as the gateway speaks it: the envelope
 * ({@code infno}, {@code msgid}, {@code fixmedins_code}, {@code input}, ...) and its answer ({@code infcode} 0 ok,
 * -1 system error, -2 business error). A message id is the institution code (12) + yyyyMMddHHmmss + a 4-digit
 * sequence, reserved in Redis per institution so that ids never repeat, across gateway instances and clock steps.
 */
public final class NationalInterface {

  /** An answered message. {@code infcode} 0 ok, -1 system error (outcome unknown), -2 business refusal. */
  public record Answer(int infcode, String errMsg, JsonObject output) {
    public boolean ok() {
      return infcode == 0;
    }
  }

  static final ZoneId SHANGHAI = io.yibao.gateway.time.BusinessTime.ZONE;
  private static final RedisScript NEXT_ID = RedisScript.load("msgid-lib.lua", "msgid-next.lua");
  private static final DateTimeFormatter INF_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final CoreClient settlement;
  private final RedisStore redis;
  private final Clock clock;

  public NationalInterface(CoreClient settlement, RedisStore redis) {
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

  /**
   * Sends one message. Fails with {@link CoreCallException} when no answer came back (see its outcome); an
   * answer with infcode -1 is returned as it is: the caller treats it as "outcome unknown".
   */
  public Future<Answer> send(String infno, String msgid, String fixmedinsCode, String operator, String admdvs,
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
        .put("inf_time", LocalDateTime.now(SHANGHAI).format(INF_TIME))
        .put("sign_no", "")
        .put("input", input);
    return settlement.post("/" + infno, envelope).compose(response -> {
      if (!response.ok()) {
        // The interface answers business errors inside a 200; any other status means we were not understood.
        return Future.succeededFuture(new Answer(-2, "settlement system answered HTTP " + response.status(),
            new JsonObject()));
      }
      JsonObject body = response.json();
      return Future.succeededFuture(new Answer(body.getInteger("infcode", -1), body.getString("err_msg"),
          body.getJsonObject("output", new JsonObject())));
    });
  }

  /** What became of a message whose answer was lost: SETTLED, CANCELLED, REVERSED or NONE (with its output). */
  public Future<JsonObject> messageStatus(String msgid) {
    return settlement.get("/messages/" + msgid).compose(r -> r.ok() ? Future.succeededFuture(r.json())
        : r.status() == 404 ? Future.succeededFuture(new JsonObject().put("status", "NONE"))
        : Future.failedFuture(new IllegalStateException("message query answered " + r.status())));
  }
}
