package io.yibao.sandbox.accounts;

import io.yibao.sandbox.registry.Registry;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The accounts system's book of family-sharing bindings (家庭共济). It keeps what needs its own records — the
 * sharer has a personal account, the member exists, one active binding per pair, ids are not reused — and leaves
 * policy (who may bind whom, consent) to the gateway. Settlement asks it who pays for a member; wallet transfers
 * ask it whether the pair is bound. Synchronized: requests and the settlement read and change it.
 */
public final class SharingBindings {

  private final Registry registry;
  private final Ledger ledger;
  /** Every binding by id, oldest first. */
  private final Map<String, SharingBinding> byId = new LinkedHashMap<>();
  private final Map<String, BindingRequest> requests = new HashMap<>();

  public SharingBindings(Registry registry, Ledger ledger) {
    this.registry = registry;
    this.ledger = ledger;
  }

  /** Binds at {@code now}: 201; 200 for the id seen with the same request; refusals as the API documents. */
  synchronized Answer bind(BindingRequest r, ZonedDateTime now) {
    BindingRequest seen = requests.get(r.id());
    if (seen != null) {
      return seen.equals(r) ? Answer.of(200, byId.get(r.id()).toJson())
          : Answer.refused(409, "ID_REUSED", "id was used for a different binding");
    }
    if (!ledger.has(r.sharerPsnNo())) {
      return Answer.refused(404, "NO_ACCOUNT", "the sharer has no personal account");
    }
    if (registry.person(r.memberPsnNo()) == null) {
      return Answer.refused(404, "NOT_FOUND", "no such member");
    }
    SharingBinding bound = first(b -> b.active() && b.sharerPsnNo().equals(r.sharerPsnNo())
        && b.memberPsnNo().equals(r.memberPsnNo()));
    if (bound != null) {
      Answer refused = Answer.refused(409, "ALREADY_BOUND", "the sharer already shares with this member");
      refused.body().put("bindingId", bound.id());
      return refused;
    }
    SharingBinding b = new SharingBinding(r.id(), r.sharerPsnNo(), r.memberPsnNo(), r.relation(), r.uses(),
        SharingBinding.Status.ACTIVE, now, null);
    byId.put(b.id(), b);
    requests.put(b.id(), r);
    return Answer.of(201, b.toJson());
  }

  public synchronized SharingBinding binding(String id) {
    return byId.get(id);
  }

  /** Active bindings where the person shares ({@code sharer} non-null) and/or is the member, oldest first. */
  public synchronized List<SharingBinding> active(String sharer, String member) {
    List<SharingBinding> out = new ArrayList<>();
    for (SharingBinding b : byId.values()) {
      if (b.active() && (sharer == null || b.sharerPsnNo().equals(sharer))
          && (member == null || b.memberPsnNo().equals(member))) {
        out.add(b);
      }
    }
    return out;
  }

  synchronized Answer changeUses(String id, SharingUses uses) {
    SharingBinding b = byId.get(id);
    if (b == null) {
      return Answer.refused(404, "NOT_FOUND", "no such binding");
    }
    if (!b.active()) {
      return Answer.refused(409, "ENDED", "the binding has ended");
    }
    SharingBinding changed = b.withUses(uses);
    byId.put(id, changed);
    return Answer.of(200, changed.toJson());
  }

  /** Ends the binding at {@code now}; an ended one answers as it is. */
  synchronized Answer end(String id, ZonedDateTime now) {
    SharingBinding b = byId.get(id);
    if (b == null) {
      return Answer.refused(404, "NOT_FOUND", "no such binding");
    }
    if (b.active()) {
      b = b.ended(now);
      byId.put(id, b);
    }
    return Answer.of(200, b.toJson());
  }

  /** Who pays a member's costs at designated institutions: the oldest active binding allowing it, or null. */
  public synchronized SharingBinding payerFor(String memberPsnNo) {
    return first(b -> b.active() && b.memberPsnNo().equals(memberPsnNo) && b.uses().institutions());
  }

  /** Whether the sharer may transfer into the member's insurance wallet now. */
  public synchronized boolean walletAllowed(String sharerPsnNo, String memberPsnNo) {
    return first(b -> b.active() && b.sharerPsnNo().equals(sharerPsnNo) && b.memberPsnNo().equals(memberPsnNo)
        && b.uses().wallet()) != null;
  }

  private SharingBinding first(Predicate<SharingBinding> wanted) {
    for (SharingBinding b : byId.values()) {
      if (wanted.test(b)) {
        return b;
      }
    }
    return null;
  }
}
