package io.yibao.gateway.family;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.InsuranceType;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.identity.FaceTokens;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.time.BusinessTime;

import java.time.Period;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Family sharing (家庭共济) bindings, top to bottom: an employee with a personal account invites a close relative
 * (近亲属) found by name and ID number and checked against the registry's household and kinship records; a child
 * under {@code family.consentAge} is bound at once after the sharer's step-up, anyone older only after accepting in
 * their own signed-in app with their own face verification. The binding itself lives at the accounts system
 * ({@link FamilySharingClient}), which the settlement center reads: the gateway keeps no copy, so a binding ended
 * on one instance ends for every request that starts after the answer, on all of them.
 */
public final class FamilyBindings {

  /** A binding as one side sees it: the other person (as the registry has them; null when it did not answer). */
  public record Seen(FamilySharingClient.Binding binding, String otherPsnNo, RegistryClient.Person other) {
  }

  /** What the account serves and what serves it. */
  public record Family(List<Seen> members, List<Seen> sharers) {
  }

  private final GatewayConfig.Family config;
  private final FamilySharingClient sharing;
  private final AccountsClient accounts;
  private final RegistryClient registry;
  private final Invitations invitations;
  private final FaceTokens faceTokens;

  public FamilyBindings(GatewayConfig.Family config, FamilySharingClient sharing, AccountsClient accounts,
                        RegistryClient registry, Invitations invitations, FaceTokens faceTokens) {
    this.config = config;
    this.sharing = sharing;
    this.accounts = accounts;
    this.registry = registry;
    this.invitations = invitations;
    this.faceTokens = faceTokens;
  }

  // --- inviting -----------------------------------------------------------------------------------------------------

  /** Invites the relative (or binds a young child at once); the invitation as it stands. */
  public Future<Invitation> invite(ResidentSession s, String name, String idNumber, String relation,
                                   FamilySharingClient.Uses uses) {
    return StepUp.require(s).compose(x -> s.boundPerson()).compose(self -> sharer(self).compose(sharer ->
        registry.byIdNumber(idNumber.toUpperCase()).compose(member -> {
          if (member == null || !name.equals(member.name())) {
            return Future.failedFuture(new ProblemException(ProblemCode.REAL_NAME_MISMATCH,
                "No insured person has this name and ID number", "idNumber", Map.of()));
          }
          return closeRelative(self, member.psnNo(), relation).compose(y -> notYetBound(s, self, member.psnNo()))
              .compose(y -> {
                long now = System.currentTimeMillis();
                int age = Period.between(member.birthDate(), BusinessTime.today()).getYears();
                boolean minor = age < config.consentAge();
                Invitation inv = new Invitation(Secrets.randomId(16), s.accountId(), self, Masking.name(sharer.name()),
                    member.psnNo(), Masking.name(member.name()), relation, uses,
                    minor ? Invitation.Status.BOUND : Invitation.Status.PENDING, now,
                    now + config.invitationDays() * 86_400_000L, minor ? now : null);
                if (!minor) {
                  return invitations.add(inv);
                }
                // A child too young to consent: the sharer's step-up is the consent, and the binding starts now.
                return sharing.bind(inv.id(), self, member.psnNo(), relation, uses).compose(b -> invitations.add(inv));
              });
        })));
  }

  /** The signed-in person as a sharer: an employee (310) with a personal account. */
  private Future<RegistryClient.Person> sharer(String self) {
    return registry.known(self).compose(p -> p.insuType() != InsuranceType.EMPLOYEE
        ? Future.failedFuture(new ProblemException(ProblemCode.NOT_A_SHARER, "Only employees (310) share a personal account"))
        : accounts.balance(self).compose(balance -> balance == null
            ? Future.failedFuture(new ProblemException(ProblemCode.NOT_A_SHARER, "No personal account"))
            : Future.succeededFuture(p)));
  }

  /** The registry records the member as this close relative of the sharer (household or kinship). */
  private Future<Void> closeRelative(String self, String member, String relation) {
    return registry.kin(self).compose(kin -> {
      for (RegistryClient.Relative r : kin == null ? List.<RegistryClient.Relative>of() : kin) {
        if (r.person().psnNo().equals(member) && r.relation().equals(relation)) {
          return Future.succeededFuture();
        }
      }
      return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_CLOSE_RELATIVE,
          "The registry's household and kinship records do not show this relation", "relation", Map.of()));
    });
  }

  /** Not bound already, not invited and pending, and room for one more. */
  private Future<Void> notYetBound(ResidentSession s, String self, String member) {
    return sharing.bindings(self, true).compose(bound -> invitations.sentBy(s.accountId()).compose(sent -> {
      long now = System.currentTimeMillis();
      for (FamilySharingClient.Binding b : bound) {
        if (b.memberPsnNo().equals(member)) {
          return Future.failedFuture(new ProblemException(ProblemCode.ALREADY_BOUND, "Already bound"));
        }
      }
      for (Invitation inv : sent) {
        if (inv.memberPsnNo().equals(member) && inv.status(now) == Invitation.Status.PENDING) {
          return Future.failedFuture(new ProblemException(ProblemCode.ALREADY_BOUND,
              "An invitation is waiting for their answer", null, Map.of(),
              new JsonObject().put("invitationId", inv.id())));
        }
      }
      if (bound.size() >= config.maxMembers()) {
        return Future.failedFuture(new ProblemException(ProblemCode.FAMILY_LIMIT_REACHED,
            "At most " + config.maxMembers() + " relatives"));
      }
      return Future.succeededFuture();
    }));
  }

  // --- answering ----------------------------------------------------------------------------------------------------

  /** The invited person accepts with their own face verification: the binding starts. */
  public Future<Invitation> accept(ResidentSession s, String id, String faceToken) {
    return s.boundPerson().compose(self -> addressedTo(id, self).compose(inv -> {
      Invitation.Status now = inv.status(System.currentTimeMillis());
      if (now == Invitation.Status.EXPIRED) {
        return Future.failedFuture(new ProblemException(ProblemCode.INVITATION_EXPIRED, null));
      }
      if (now != Invitation.Status.PENDING && now != Invitation.Status.BOUND) {
        return Future.failedFuture(new ProblemException(ProblemCode.INVITATION_NOT_PENDING, "It is " + now.name()));
      }
      if (faceToken == null) {
        return Future.failedFuture(new ProblemException(ProblemCode.FACE_VERIFICATION_REQUIRED,
            "Accept with your own face verification", "faceToken", Map.of()));
      }
      return faceTokens.verify(faceToken, self).compose(x -> now == Invitation.Status.BOUND
          // Accepted before: the binding again (the accounts system answers the same one for the same id).
          ? bindFor(inv).map(inv)
          : invitations.move(id, Invitation.Status.PENDING, Invitation.Status.BOUND, "boundAt",
              Long.toString(System.currentTimeMillis())).compose(moved -> {
                if (!moved.moved()) {
                  return Future.failedFuture(new ProblemException(ProblemCode.INVITATION_NOT_PENDING, null));
                }
                return bindFor(inv).map(moved.record()).recover(failure -> {
                  // Not bound (or not known to be): the invitation waits again, and accepting again is safe.
                  if (failure instanceof CoreCallException) {
                    invitations.move(id, Invitation.Status.BOUND, Invitation.Status.PENDING);
                  }
                  return Future.failedFuture(failure);
                });
              }));
    }));
  }

  private Future<FamilySharingClient.Binding> bindFor(Invitation inv) {
    return sharing.bind(inv.id(), inv.sharerPsnNo(), inv.memberPsnNo(), inv.relation(), inv.uses());
  }

  /** The invited person declines, or the sharer's account withdraws it. */
  public Future<Invitation> decline(ResidentSession s, String id) {
    return invitations.get(id).compose(inv -> {
      if (inv == null) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null));
      }
      boolean sharer = inv.sharerAccount().equals(s.accountId());
      Future<Boolean> party = sharer ? Future.succeededFuture(true)
          : s.boundPerson().map(self -> self.equals(inv.memberPsnNo())).recover(e -> Future.succeededFuture(false));
      return party.compose(ok -> {
        if (!ok) {
          return Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null));
        }
        if (inv.status(System.currentTimeMillis()) != Invitation.Status.PENDING) {
          return Future.failedFuture(new ProblemException(ProblemCode.INVITATION_NOT_PENDING,
              "It is " + inv.status(System.currentTimeMillis()).name()));
        }
        return invitations.move(id, Invitation.Status.PENDING,
            sharer ? Invitation.Status.WITHDRAWN : Invitation.Status.DECLINED).compose(moved -> moved.moved()
            ? Future.succeededFuture(moved.record())
            : Future.failedFuture(new ProblemException(ProblemCode.INVITATION_NOT_PENDING, null)));
      });
    });
  }

  private Future<Invitation> addressedTo(String id, String self) {
    return invitations.get(id).compose(inv -> inv == null || !inv.memberPsnNo().equals(self)
        ? Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null))
        : Future.succeededFuture(inv));
  }

  /** The sharer account's invitations still waiting for an answer. */
  public Future<List<Invitation>> pendingSent(ResidentSession s) {
    long now = System.currentTimeMillis();
    return invitations.sentBy(s.accountId())
        .map(all -> all.stream().filter(i -> i.status(now) == Invitation.Status.PENDING).toList());
  }

  /** The invitations waiting for the signed-in person's answer. */
  public Future<List<Invitation>> pendingIncoming(ResidentSession s) {
    long now = System.currentTimeMillis();
    return s.boundPerson().compose(self -> invitations.sentTo(self))
        .map(all -> all.stream().filter(i -> i.status(now) == Invitation.Status.PENDING).toList());
  }

  // --- bindings -----------------------------------------------------------------------------------------------------

  /** The relatives the account's person shares with, and those who share with them. */
  public Future<Family> family(ResidentSession s) {
    return s.boundPerson().compose(self -> Future.all(sharing.bindings(self, true), sharing.bindings(self, false))
        .compose(both -> {
          List<FamilySharingClient.Binding> asSharer = both.resultAt(0);
          List<FamilySharingClient.Binding> asMember = both.resultAt(1);
          return Future.all(seen(asSharer, true), seen(asMember, false))
              .map(views -> new Family(views.resultAt(0), views.resultAt(1)));
        }));
  }

  private Future<List<Seen>> seen(List<FamilySharingClient.Binding> bindings, boolean asSharer) {
    List<Future<Seen>> each = new ArrayList<>();
    for (FamilySharingClient.Binding b : bindings) {
      String other = asSharer ? b.memberPsnNo() : b.sharerPsnNo();
      // A registry that does not answer leaves the identity out, not the binding.
      each.add(registry.person(other).map(p -> new Seen(b, other, p)).recover(e -> Future.succeededFuture(
          new Seen(b, other, null))));
    }
    return Future.all(each).map(all -> {
      List<Seen> out = new ArrayList<>();
      each.forEach(f -> out.add(f.result()));
      return out;
    });
  }

  /** Changes what a bound relative may use (step-up). */
  public Future<Seen> setUses(ResidentSession s, String member, FamilySharingClient.Uses uses) {
    return StepUp.require(s).compose(x -> s.boundPerson()).compose(self -> sharing.bindings(self, true)
        .compose(bound -> {
          for (FamilySharingClient.Binding b : bound) {
            if (b.memberPsnNo().equals(member)) {
              return sharing.setUses(b.id(), uses).compose(changed -> registry.person(member)
                  .map(p -> new Seen(changed, member, p)));
            }
          }
          return Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, "Not a relative you share with"));
        }));
  }

  /** Ends the binding between the signed-in person and {@code other}, whichever side shares (done when none). */
  public Future<Void> end(ResidentSession s, String other) {
    return s.boundPerson().compose(self -> Future.all(sharing.bindings(self, true), sharing.bindings(self, false))
        .compose(both -> {
          List<Future<Void>> ends = new ArrayList<>();
          for (FamilySharingClient.Binding b : both.<List<FamilySharingClient.Binding>>resultAt(0)) {
            if (b.memberPsnNo().equals(other)) {
              ends.add(sharing.end(b.id()));
            }
          }
          for (FamilySharingClient.Binding b : both.<List<FamilySharingClient.Binding>>resultAt(1)) {
            if (b.sharerPsnNo().equals(other)) {
              ends.add(sharing.end(b.id()));
            }
          }
          return Future.all(ends).mapEmpty();
        }));
  }

  // --- history ------------------------------------------------------------------------------------------------------

  /** Family kinds of the account's entries: purchases and give-backs for relatives, transfers and returns. */
  private static final Set<String> FAMILY_KINDS = Set.of("FAMILY_SHARING", "FAMILY_SHARING_UNDO", "WALLET_TRANSFER",
      "WALLET_RETURN");

  /** What the signed-in sharer's account paid for relatives, newest first, each naming the relative (masked). */
  public Future<JsonArray> uses(ResidentSession s) {
    return s.boundPerson().compose(self -> sharing.entries(self).compose(entries -> {
      if (entries == null) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_SHARER, "No personal account"));
      }
      List<JsonObject> family = new ArrayList<>();
      Set<String> relatives = new HashSet<>();
      for (Object o : entries) {
        JsonObject e = (JsonObject) o;
        if (FAMILY_KINDS.contains(e.getString("kind"))) {
          family.add(e);
          if (e.getString("counterpartPsnNo") != null) {
            relatives.add(e.getString("counterpartPsnNo"));
          }
        }
      }
      Map<String, Future<RegistryClient.Person>> names = new java.util.HashMap<>();
      relatives.forEach(p -> names.put(p, registry.person(p).recover(x -> Future.succeededFuture(null))));
      return Future.all(new ArrayList<>(names.values())).map(x -> {
        JsonArray out = new JsonArray();
        for (JsonObject e : family) { // the ledger lists newest first
          String relative = e.getString("counterpartPsnNo");
          RegistryClient.Person p = relative == null ? null : names.get(relative).result();
          JsonObject item = new JsonObject().put("kind", e.getString("kind")).put("amountFen", e.getLong("amountFen"))
              .put("balanceAfterFen", e.getLong("balanceAfterFen")).put("psnNo", relative)
              .put("memo", e.getString("memo")).put("at", e.getString("at"));
          if (p != null) {
            item.put("name", Masking.name(p.name()));
          }
          out.add(item);
        }
        return out;
      });
    }));
  }
}
