package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisStore;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The settlement system's national interface (定点医药机构接口规范) as the gateway speaks it: the envelope
 * ({@code infno}, {@code msgid}, {@code fixmedins_code}, {@code input}, ...) and its answer ({@code infcode} 0 ok,
 * -1 system error, -2 business error). A message id is the institution code (12) + yyyyMMddHHmmss + a 4-digit
 * sequence counted in Redis per pharmacy and second, so ids are unique across gateway instances.
 */
public final class NationalInterface {

  /** An answered message. {@code infcode} 0 ok, -1 system error (outcome unknown), -2 business refusal. */
  public record Answer(int infcode, String errMsg, JsonObject output) {
    public boolean ok() {
      return infcode == 0;
    }
  }

  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter MSG_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  private static final DateTimeFormatter INF_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final CoreClient settlement;
  private final RedisStore redis;

  public NationalInterface(CoreClient settlement, RedisStore redis) {
    this.settlement = settlement;
    this.redis = redis;
  }

  public Future<String> newMessageId(String fixmedinsCode) {
    String second = LocalDateTime.now(SHANGHAI).format(MSG_TIME);
    String key = RedisKeys.key("pharm:" + fixmedinsCode, "msgseq", second);
    return redis.writeWithTtl(Command.INCR, key, 10_000).map(Response::toLong)
        .compose(n -> n > 9999
            ? Future.failedFuture(new io.yibao.gateway.http.ProblemException(
                io.yibao.gateway.http.ProblemCode.REQUEST_TIMEOUT, "Too many settlements this second"))
            : Future.succeededFuture(fixmedinsCode + second + String.format("%04d", n)));
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
