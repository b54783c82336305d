package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

import java.time.ZonedDateTime;

/**
 * A family-sharing binding (家庭共济绑定): the sharer's personal account may pay for the member, for the uses it
 * allows. Ending it keeps the record (settlements made under it still name it) but stops every use.
 */
public record SharingBinding(String id, String sharerPsnNo, String memberPsnNo, String relation, SharingUses uses,
                             Status status, ZonedDateTime since, ZonedDateTime endedAt) {

  public enum Status { ACTIVE, ENDED }

  public boolean active() {
    return status == Status.ACTIVE;
  }

  SharingBinding withUses(SharingUses newUses) {
    return new SharingBinding(id, sharerPsnNo, memberPsnNo, relation, newUses, status, since, endedAt);
  }

  SharingBinding ended(ZonedDateTime at) {
    return new SharingBinding(id, sharerPsnNo, memberPsnNo, relation, uses, Status.ENDED, since, at);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("sharerPsnNo", sharerPsnNo).put("memberPsnNo", memberPsnNo)
        .put("relation", relation).put("uses", uses.toJson()).put("status", status.name())
        .put("since", BusinessTime.format(since)).put("endedAt", BusinessTime.format(endedAt));
  }
}
