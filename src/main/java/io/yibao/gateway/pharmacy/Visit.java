package io.yibao.gateway.pharmacy;

import java.util.HashMap;
import java.util.Map;

/**
 * A visit: what a terminal holds after scanning a resident's code (like the credential of national transaction
 * 1101), good for one settlement ({@link Visits}). Its Redis hash is read by {@code settlement-open.lua} too, which
 * copies the person's fields into the settlement it opens: the field names below are that script's.
 *
 * @param settlementId the settlement the visit is tied to ({@code stl}), or null while it has none
 */
public record Visit(String terminalId, String fixmedinsCode, String psnNo, String accountId, String insuType,
                    String admdvs, String certNo, String settlementId) {

  /** The fields a visit hands to the settlement opened for it ({@code settlement-open.lua} copies these). */
  static final java.util.List<String> PERSON_FIELDS = java.util.List.of("term", "fix", "psn", "acct", "insutype",
      "admdvs", "cert");

  /** A visit just scanned, with no settlement yet. */
  static Visit opened(Terminal terminal, String psnNo, String accountId, String insuType, String admdvs,
                      String certNo) {
    return new Visit(terminal.terminalId(), terminal.fixmedinsCode(), psnNo, accountId, insuType, admdvs, certNo,
        null);
  }

  boolean of(Terminal terminal) {
    return terminal.terminalId().equals(terminalId);
  }

  // --- its Redis hash -------------------------------------------------------------------------------------------

  Map<String, String> toHash() {
    Map<String, String> h = new HashMap<>();
    h.put("term", terminalId);
    h.put("fix", fixmedinsCode);
    h.put("psn", psnNo);
    h.put("acct", accountId);
    h.put("insutype", insuType);
    h.put("admdvs", admdvs);
    h.put("cert", certNo);
    if (settlementId != null) {
      h.put("stl", settlementId);
    }
    return h;
  }

  /** The visit of a hash, or null for none. */
  static Visit fromHash(Map<String, String> h) {
    if (h == null) {
      return null;
    }
    return new Visit(h.get("term"), h.get("fix"), h.get("psn"), h.get("acct"), h.get("insutype"), h.get("admdvs"),
        h.get("cert"), h.get("stl"));
  }
}
