package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Settling with the core exactly once, whatever the network does. A settlement is recorded PENDING with its
 * message id before 2102 is sent. The core's answer makes it SETTLED or FAILED; no answer (timeout, lost
 * connection, infcode -1) leaves it PENDING in the recovery queue, where {@link #recover} asks the core what
 * became of the message and reverses it (2601, naming the stored message id) unless the core confirms it
 * settled. Recovery runs on every gateway instance from the shared queue, so it survives restarts.
 */
public final class PharmacySettlements {

  private static final Logger LOG = LoggerFactory.getLogger(PharmacySettlements.class);

  private final NationalInterface national;
  private final SettlementRecords records;
  private final GatewayConfig.Pharmacy config;

  public PharmacySettlements(NationalInterface national, SettlementRecords records, GatewayConfig.Pharmacy config) {
    this.national = national;
    this.records = records;
    this.config = config;
  }

  /** The 2101/2102 input of a recorded purchase. */
  static JsonObject input(Map<String, String> r) {
    return new JsonObject()
        .put("psn_no", r.get("psn"))
        .put("mdtrt_cert_type", "01")
        .put("mdtrt_cert_no", r.get("cert"))
        .put("insutype", r.get("insutype"))
        .put("med_type", "41")
        .put("acct_used_flag", r.get("acctUsed"))
        .put("drugdetail", new JsonArray(r.get("items")));
  }

  /**
   * Sends 2102 for a record that is PENDING with its message id stored, and applies the outcome. Returns the
   * record as it stands afterwards (SETTLED, FAILED, or still PENDING with recovery scheduled).
   * <p>
   * When the core was certainly not reached (breaker open, no connection), nothing was decided: the record moves
   * to {@code ifNotSent} and the send fails with that 503 CORE_UNAVAILABLE (Retry-After), so the caller may try
   * again once the core is back instead of being told the purchase was refused.
   */
  public Future<Map<String, String>> send(Map<String, String> r, Status ifNotSent) {
    String id = r.get("id");
    return national.send("2102", r.get("msgid"), r.get("fix"), r.get("term"), r.get("admdvs"), input(r))
        .compose(answer -> {
          if (answer.ok()) {
            return records.transitionThenGet(id, Status.PENDING, Status.SETTLED, "split", answer.output().encode());
          }
          if (answer.infcode() == -2) {
            return records.transitionThenGet(id, Status.PENDING, Status.FAILED, "err", String.valueOf(answer.errMsg()));
          }
          return unknownOutcome(id, "infcode " + answer.infcode());
        }, failure -> {
          if (failure instanceof CoreCallException core && !core.mayHaveHappened()) {
            return records.transition(id, Status.PENDING, ifNotSent, "err", "not sent: settlement system unavailable")
                .transform(x -> Future.failedFuture(core));
          }
          return unknownOutcome(id, failure instanceof CoreCallException ? "no answer" : failure.getClass().getSimpleName());
        });
  }

  private Future<Map<String, String>> unknownOutcome(String id, String why) {
    LOG.warn("settlement outcome unknown, recovery scheduled", kv("settlement", id), kv("reason", why));
    return records.scheduleRecovery(id, System.currentTimeMillis() + config.recoveryFirstCheckMillis())
        .compose(x -> records.get(id));
  }

  /**
   * Resolves one PENDING settlement: SETTLED if the core confirms the message settled; otherwise reversed. Fails
   * (to be retried later) while the core cannot be asked or the reversal is not acknowledged.
   */
  public Future<Void> recover(String id) {
    return records.get(id).compose(r -> {
      if (r == null || !Status.PENDING.name().equals(r.get("status"))) {
        return records.recovered(id);
      }
      long age = System.currentTimeMillis() - Long.parseLong(r.get("createdAt"));
      return national.messageStatus(r.get("msgid")).compose(found -> switch (found.getString("status", "NONE")) {
        case "SETTLED" -> records.transition(id, Status.PENDING, Status.SETTLED, "split",
            found.getJsonObject("output", new JsonObject()).encode()).compose(x -> done(id, "SETTLED"));
        case "CANCELLED", "REVERSED" -> records.transition(id, Status.PENDING, Status.REVERSED)
            .compose(x -> done(id, "REVERSED"));
        default -> reverse(r);
      }, queryFailed -> age > config.recoveryGiveUpSeconds() * 1000L
          ? reverse(r)  // the outcome cannot be confirmed: make sure it did not happen
          : Future.failedFuture(queryFailed));
    });
  }

  private Future<Void> reverse(Map<String, String> r) {
    String id = r.get("id");
    return national.newMessageId(r.get("fix")).compose(msgid -> national.send("2601", msgid, r.get("fix"), r.get("term"),
        r.get("admdvs"), new JsonObject().put("psn_no", r.get("psn")).put("omsgid", r.get("msgid")).put("oinfno", "2102")))
        .compose(answer -> answer.ok()
            ? records.transition(id, Status.PENDING, Status.REVERSED).compose(x -> done(id, "REVERSED"))
            : Future.failedFuture(new IllegalStateException("reversal answered infcode " + answer.infcode())));
  }

  private Future<Void> done(String id, String outcome) {
    LOG.info("settlement recovered", kv("settlement", id), kv("outcome", outcome));
    return records.recovered(id);
  }

  /** Delay before the next recovery attempt: doubling from the first check, capped. */
  long backoff(int attempt) {
    long delay = (long) config.recoveryFirstCheckMillis() << Math.min(attempt, 16);
    return Math.min(delay, config.recoveryMaxBackoffMillis());
  }

  public NationalInterface national() {
    return national;
  }

  public SettlementRecords records() {
    return records;
  }
}
