package io.yibao.gateway.family;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.time.BusinessTime;

import java.util.List;
import java.util.Map;

/**
 * Family sharing under {@code /api/v1/family} (bindings, invitations, the account's family uses): HTTP in, a
 * {@link FamilyBindings} call, the answer out. Wallet transfers are {@code WalletTransferFeature}'s.
 */
public final class FamilyEndpoints {

  private final FamilyBindings bindings;
  private final Idempotency idempotency;

  public FamilyEndpoints(FamilyBindings bindings, Idempotency idempotency) {
    this.bindings = bindings;
    this.idempotency = idempotency;
  }

  public void register(Operations operations) {
    operations.on("listFamily", this::family)
        .on("setFamilyUses", this::setUses)
        .on("endFamilyBinding", this::end)
        .on("inviteFamilyMember", this::invite)
        .on("listFamilyInvitations", this::sent)
        .on("listIncomingFamilyInvitations", this::incoming)
        .on("acceptFamilyInvitation", this::accept)
        .on("declineFamilyInvitation", this::decline)
        .on("listFamilyAccountUses", this::uses);
  }

  private void family(RoutingContext rc) {
    bindings.family(ResidentSession.of(rc)).map(f -> new JsonObject()
        .put("members", seen(f.members()))
        .put("sharers", seen(f.sharers()))).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void setUses(RoutingContext rc) {
    bindings.setUses(ResidentSession.of(rc), rc.pathParam("psnNo"),
        FamilySharingClient.Uses.from(rc.body().asJsonObject())).map(FamilyEndpoints::seen)
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void end(RoutingContext rc) {
    bindings.end(ResidentSession.of(rc), rc.pathParam("psnNo")).onComplete(r -> Responses.noContent(rc, r));
  }

  private void invite(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    idempotency.respond(rc, "family:" + s.accountId(), attempt -> bindings.invite(s, body.getString("name"),
            body.getString("idNumber"), body.getString("relation"),
            FamilySharingClient.Uses.from(body.getJsonObject("uses")))
        .map(inv -> Idempotency.Answer.json(201, view(inv), Map.of())));
  }

  private void sent(RoutingContext rc) {
    bindings.pendingSent(ResidentSession.of(rc)).map(FamilyEndpoints::items)
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void incoming(RoutingContext rc) {
    bindings.pendingIncoming(ResidentSession.of(rc)).map(FamilyEndpoints::items)
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void accept(RoutingContext rc) {
    JsonObject body = rc.body().asJsonObject();
    bindings.accept(ResidentSession.of(rc), rc.pathParam("id"), body == null ? null : body.getString("faceToken"))
        .map(FamilyEndpoints::view).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void decline(RoutingContext rc) {
    bindings.decline(ResidentSession.of(rc), rc.pathParam("id")).map(FamilyEndpoints::view)
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void uses(RoutingContext rc) {
    bindings.uses(ResidentSession.of(rc)).map(items -> new JsonObject().put("items", items))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private static JsonArray seen(List<FamilyBindings.Seen> all) {
    JsonArray out = new JsonArray();
    all.forEach(s -> out.add(seen(s)));
    return out;
  }

  /** A binding as one side sees it: the other person masked, what they may use, since when. */
  private static JsonObject seen(FamilyBindings.Seen s) {
    JsonObject view = new JsonObject().put("psnNo", s.otherPsnNo()).put("relation", s.binding().relation())
        .put("uses", s.binding().uses().toJson()).put("since", s.binding().since());
    RegistryClient.Person p = s.other();
    if (p != null) {
      view.put("name", Masking.name(p.name())).put("idNumber", Masking.idNumber(p.idNumber()))
          .put("insuType", p.insuType() == null ? null : p.insuType().code()).put("insuredRegion", p.insuredRegion());
    }
    return view;
  }

  private static JsonObject items(List<Invitation> all) {
    JsonArray items = new JsonArray();
    all.forEach(i -> items.add(view(i)));
    return new JsonObject().put("items", items);
  }

  private static JsonObject view(Invitation i) {
    long now = System.currentTimeMillis();
    return new JsonObject().put("id", i.id()).put("status", i.status(now).name()).put("relation", i.relation())
        .put("sharer", new JsonObject().put("psnNo", i.sharerPsnNo()).put("name", i.sharerName()))
        .put("member", new JsonObject().put("psnNo", i.memberPsnNo()).put("name", i.memberName()))
        .put("uses", i.uses().toJson())
        .put("createdAt", BusinessTime.timestamp(i.createdAt()))
        .put("expiresAt", BusinessTime.timestamp(i.expiresAt()))
        .put("boundAt", i.boundAt() == null ? null : BusinessTime.timestamp(i.boundAt()));
  }
}
