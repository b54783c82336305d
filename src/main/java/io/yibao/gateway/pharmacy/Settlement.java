package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;

import java.util.HashMap;
import java.util.Map;

/**
 * One pharmacy settlement as the gateway records it ({@link SettlementRecords}): the purchase, who made it where,
 * its status, and the national message ids of the calls whose outcome could be lost. The Redis hash is this
 * record's only codec ({@link #toHash}, {@link #fromHash}); its field names are also read by
 * {@code settlement-open.lua} and {@code settlement-transition.lua} (status, bizDate, amt*), so they stay as they are.
 * The field changes of each status move are the {@code *Fields} methods below, so the names live in this file only.
 *
 * @param attempt     digest of the settle request it was made for ({@code idem}), so its retry finds it
 * @param msgid       the 2102 message id, stored before 2102 is sent
 * @param split       the core's settlement answer (2102 output), once SETTLED
 * @param notSent     FAILED without ever reaching the core: the visit may be settled again
 * @param cancelMsgid the 2103 message id, stored before 2103 is sent
 * @param reversalMsgid the 2601 message id, stored before 2601 is sent
 */
public record Settlement(String id, String fixmedinsCode, String terminalId, String psnNo, String accountId,
                         String insuType, String admdvs, String certNo, Basket basket, long createdAtMillis,
                         String businessDate, String attempt, Status status, Long confirmByMillis, String msgid,
                         Long sentAtMillis, JsonObject split, String error, boolean notSent, String cancelMsgid,
                         String cancelTerminalId, String cancelRefused, JsonObject cancelOutput,
                         String reversalMsgid) {

  /** A new settlement of a visit, not yet recorded: PENDING, or AWAITING_CONFIRMATION until {@code confirmBy}. */
  static Settlement draft(String id, Visit v, Basket basket, long nowMillis, String businessDate, String attempt,
                          Long confirmByMillis) {
    return new Settlement(id, v.fixmedinsCode(), v.terminalId(), v.psnNo(), v.accountId(), v.insuType(), v.admdvs(),
        v.certNo(), basket, nowMillis, businessDate, attempt,
        confirmByMillis == null ? Status.PENDING : Status.AWAITING_CONFIRMATION, confirmByMillis, null, null, null,
        null, false, null, null, null, null, null);
  }

  SettlementRecords.Ref ref() {
    return new SettlementRecords.Ref(fixmedinsCode, id);
  }

  boolean is(Status s) {
    return status == s;
  }

  /** The terminal that asked for the cancel (2103's operator), or the one that settled. */
  String cancelOperator() {
    return cancelTerminalId != null ? cancelTerminalId : terminalId;
  }

  /** A cancel the core refused: back to SETTLED with the refusal. */
  boolean cancelWasRefused() {
    return status == Status.SETTLED && cancelRefused != null;
  }

  // --- the field changes of status moves ---------------------------------------------------------------------------

  /** Into SETTLED: the split as the core answered it, and the amounts the day counts (settlement-transition.lua). */
  static String[] settledFields(JsonObject split) {
    return new String[] {"split", split.encode(),
        "amtMedfee", Long.toString(split.getLong("medfee_sumamt", 0L)),
        "amtFund", Long.toString(split.getLong("fund_pay_sumamt", 0L)),
        "amtAcct", Long.toString(split.getLong("acct_pay", 0L)),
        "amtCash", Long.toString(split.getLong("psn_cash_pay", 0L))};
  }

  /** Into FAILED (the core refused it) or EXPIRED: why. */
  static String[] errorFields(String error) {
    return new String[] {"err", String.valueOf(error)};
  }

  /** Into FAILED (or back to awaiting) without reaching the core. */
  static String[] notSentFields(String error) {
    return new String[] {"err", error, "notSent", "1"};
  }

  /** Confirmed by the resident: PENDING with its 2102 message id. */
  static String[] sentFields(String msgid, long sentAtMillis) {
    return new String[] {"msgid", msgid, "sentAt", Long.toString(sentAtMillis)};
  }

  /** Into CANCELLING: the 2103 message id and the terminal asking; an earlier refusal forgotten. */
  static String[] cancellingFields(String cancelMsgid, String terminalId) {
    return new String[] {"cmsgid", cancelMsgid, "cterm", terminalId, "cancelRefused", ""};
  }

  static String[] cancelledFields(JsonObject output) {
    return new String[] {"cancel", output.encode()};
  }

  static String[] cancelRefusedFields(String error) {
    return new String[] {"cancelRefused", String.valueOf(error)};
  }

  static String[] reversingFields(String reversalMsgid) {
    return new String[] {"rmsgid", reversalMsgid};
  }

  // --- its Redis hash -------------------------------------------------------------------------------------------

  Map<String, String> toHash() {
    Map<String, String> h = new HashMap<>();
    put(h, "id", id);
    put(h, "fix", fixmedinsCode);
    put(h, "term", terminalId);
    put(h, "psn", psnNo);
    put(h, "acct", accountId);
    put(h, "insutype", insuType);
    put(h, "admdvs", admdvs);
    put(h, "cert", certNo);
    if (basket != null) {
      h.put("acctUsed", basket.accountUsed() ? "1" : "0");
      h.put("items", basket.drugDetail().encode());
      h.put("medfee", Long.toString(basket.medfeeFen()));
    }
    h.put("createdAt", Long.toString(createdAtMillis));
    put(h, "bizDate", businessDate);
    put(h, "idem", attempt);
    put(h, "status", status == null ? null : status.name());
    put(h, "confirmBy", confirmByMillis == null ? null : confirmByMillis.toString());
    put(h, "msgid", msgid);
    put(h, "sentAt", sentAtMillis == null ? null : sentAtMillis.toString());
    put(h, "split", split == null ? null : split.encode());
    put(h, "err", error);
    put(h, "notSent", notSent ? "1" : null);
    put(h, "cmsgid", cancelMsgid);
    put(h, "cterm", cancelTerminalId);
    put(h, "cancelRefused", cancelRefused);
    put(h, "cancel", cancelOutput == null ? null : cancelOutput.encode());
    put(h, "rmsgid", reversalMsgid);
    return h;
  }

  /** The fields {@code settlement-open.lua} is given: the record's own, without those it copies from the visit. */
  Map<String, String> ownFields() {
    Map<String, String> own = toHash();
    Visit.PERSON_FIELDS.forEach(own::remove);
    own.put("fix", fixmedinsCode);
    return own;
  }

  /** The settlement of a hash, or null for none (or one without a status: a record that never came to be). */
  static Settlement fromHash(Map<String, String> h) {
    if (h == null || h.get("status") == null) {
      return null;
    }
    String items = h.get("items");
    Basket basket = new Basket(items == null ? new JsonArray() : new JsonArray(items), longOr(h.get("medfee"), 0),
        !"0".equals(h.get("acctUsed")));
    return new Settlement(h.get("id"), h.get("fix"), h.get("term"), h.get("psn"), h.get("acct"), h.get("insutype"),
        h.get("admdvs"), h.get("cert"), basket, longOr(h.get("createdAt"), 0), h.get("bizDate"), h.get("idem"),
        Status.valueOf(h.get("status")), longOrNull(h.get("confirmBy")), h.get("msgid"), longOrNull(h.get("sentAt")),
        json(h.get("split")), h.get("err"), "1".equals(h.get("notSent")), h.get("cmsgid"), h.get("cterm"),
        blankIsNull(h.get("cancelRefused")), json(h.get("cancel")), h.get("rmsgid"));
  }

  private static void put(Map<String, String> h, String field, String value) {
    if (value != null) {
      h.put(field, value);
    }
  }

  private static long longOr(String s, long otherwise) {
    return s == null || s.isEmpty() ? otherwise : Long.parseLong(s);
  }

  private static Long longOrNull(String s) {
    return s == null || s.isEmpty() ? null : Long.valueOf(s);
  }

  private static JsonObject json(String s) {
    return s == null || s.isEmpty() ? null : new JsonObject(s);
  }

  private static String blankIsNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
