package io.yibao.gateway.family;

import java.util.HashMap;
import java.util.Map;

/**
 * A wallet transfer (医保钱包转账) the gateway made for a sharer: from their personal account to a bound relative's
 * wallet, what it is for and where its money stands. {@link #toHash()} and {@link #fromHash} are the one codec to
 * and from its Redis hash ({@link WalletTransferRecords}).
 *
 * @param day        the business day whose daily count the transfer took (given back when nothing moved)
 * @param createdAt  epoch ms
 * @param receivedAt when the wallet took it, as the accounts system says (ISO-8601), else null
 * @param returnedAt when it came back to the account, as the accounts system says, else null
 * @param error      why it failed (the accounts system's refusal, "not taken", "accounts system unavailable")
 */
public record WalletTransfer(String id, String fromPsnNo, String toPsnNo, long amountFen, Status status,
                             String day, long createdAt, String receivedAt, String returnedAt, String error) {

  /**
   * PENDING: intent written, sent or about to be, its outcome not known yet (the work queue finds out); SENT: left
   * the account, not yet in the wallet; RECEIVED: in the wallet; RETURNED: back in the account; FAILED: nothing
   * moved, and never will (a late copy of the request is refused by the accounts system).
   */
  public enum Status {
    PENDING, SENT, RECEIVED, RETURNED, FAILED;

    /** The status of what the accounts system reports (SENT, RECEIVED, RETURNED; VOIDED: never taken). */
    static Status of(FamilySharingClient.Transfer t) {
      return switch (t.status()) {
        case "SENT" -> SENT;
        case "RECEIVED" -> RECEIVED;
        case "RETURNED" -> RETURNED;
        case "VOIDED" -> FAILED;
        default -> throw new IllegalStateException("unknown transfer status from the accounts system");
      };
    }
  }

  static final String STATUS = "status";
  static final String RECEIVED_AT = "receivedAt";
  static final String RETURNED_AT = "returnedAt";
  static final String ERR = "err";

  /** A transfer about to be sent. */
  static WalletTransfer intended(String id, String fromPsnNo, String toPsnNo, long amountFen, String day,
                                 long createdAt) {
    return new WalletTransfer(id, fromPsnNo, toPsnNo, amountFen, Status.PENDING, day, createdAt, null, null, null);
  }

  /** This transfer as the accounts system reports it (its status and times; the rest is ours). */
  WalletTransfer as(FamilySharingClient.Transfer t) {
    return new WalletTransfer(id, fromPsnNo, toPsnNo, amountFen, Status.of(t), day, createdAt,
        t.receivedAt() != null ? t.receivedAt() : receivedAt, t.returnedAt() != null ? t.returnedAt() : returnedAt,
        error);
  }

  /** Whether it is the same transfer as asked for (a re-run of one Idempotency-Key must be). */
  boolean sameAs(String to, long amount) {
    return toPsnNo.equals(to) && amountFen == amount;
  }

  Map<String, String> toHash() {
    Map<String, String> h = new HashMap<>();
    h.put("id", id);
    h.put("from", fromPsnNo);
    h.put("to", toPsnNo);
    h.put("amount", Long.toString(amountFen));
    h.put(STATUS, status.name());
    h.put("day", day);
    h.put("createdAt", Long.toString(createdAt));
    put(h, RECEIVED_AT, receivedAt);
    put(h, RETURNED_AT, returnedAt);
    put(h, ERR, error);
    return h;
  }

  /** The transfer of a hash; null when there is none. */
  static WalletTransfer fromHash(Map<String, String> h) {
    if (h == null || h.get("id") == null || h.get(STATUS) == null) {
      return null;
    }
    return new WalletTransfer(h.get("id"), h.get("from"), h.get("to"), Long.parseLong(h.get("amount")),
        Status.valueOf(h.get(STATUS)), h.get("day"), Long.parseLong(h.get("createdAt")), h.get(RECEIVED_AT),
        h.get(RETURNED_AT), h.get(ERR));
  }

  private static void put(Map<String, String> h, String field, String value) {
    if (value != null) {
      h.put(field, value);
    }
  }
}
