package io.yibao.gateway.family;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * An invitation from a sharer to a close relative to share the sharer's personal account, with its one codec to its
 * Redis hash. {@code relation} is what the relative is to the sharer; names are kept masked (what both sides are
 * shown); the binding at the accounts system carries the invitation's id.
 */
public record Invitation(String id, String sharerAccount, String sharerPsnNo, String sharerName, String memberPsnNo,
                         String memberName, String relation, FamilySharingClient.Uses uses, Status status,
                         long createdAt, long expiresAt, Long boundAt) {

  /** PENDING until the relative accepts (BOUND), declines, the sharer withdraws it, or it expires. */
  public enum Status { PENDING, BOUND, DECLINED, WITHDRAWN, EXPIRED }

  /** Where it stands at {@code nowMillis}: a PENDING invitation past its expiry is EXPIRED. */
  public Status status(long nowMillis) {
    return status == Status.PENDING && nowMillis >= expiresAt ? Status.EXPIRED : status;
  }

  Map<String, String> toHash() {
    Map<String, String> h = new HashMap<>();
    h.put("sharerAccount", sharerAccount);
    h.put("sharer", sharerPsnNo);
    h.put("sharerName", sharerName);
    h.put("member", memberPsnNo);
    h.put("memberName", memberName);
    h.put("relation", relation);
    h.put("uses", uses.toJson().encode());
    h.put("status", status.name());
    h.put("createdAt", Long.toString(createdAt));
    h.put("expiresAt", Long.toString(expiresAt));
    if (boundAt != null) {
      h.put("boundAt", Long.toString(boundAt));
    }
    return h;
  }

  static Invitation fromHash(String id, Map<String, String> h) {
    return new Invitation(id, h.get("sharerAccount"), h.get("sharer"), h.get("sharerName"), h.get("member"),
        h.get("memberName"), h.get("relation"), FamilySharingClient.Uses.from(new JsonObject(h.get("uses"))),
        Status.valueOf(h.get("status")), Long.parseLong(h.get("createdAt")), Long.parseLong(h.get("expiresAt")),
        h.get("boundAt") == null ? null : Long.parseLong(h.get("boundAt")));
  }
}
