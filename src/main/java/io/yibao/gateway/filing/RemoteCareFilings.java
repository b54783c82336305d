package io.yibao.gateway.filing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.InsuranceType;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.core.StaleCopies;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.insurancecode.InsuranceCodes;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.time.BusinessTime;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cross-region care filing (异地就医备案), top to bottom: whose filing it is (the bound person, or a family member on
 * the account's family codes: the insurance code's proxy rules), the destination (a real division outside the
 * insured pooling area), the category's rules ({@link FilingRules}), then the filing system ({@link FilingClient}),
 * which keeps the filings and their history.
 *
 * <p>A new filing is sent under a request id derived from the account and the Idempotency-Key, which the filing
 * system deduplicates: when its answer is lost the gateway asks what became of that id and answers it, and a retry
 * with the same key sends the same id, so a lost answer never makes two filings. Reads are served from a copy,
 * marked stale, while the filing system is down ({@code filing.staleCopyHours}); writes are not.
 * <pre>
 *   yb:{acct:&lt;account&gt;}:filing:copy   the account's last list (its persons' filings)   TTL staleCopyHours
 *   yb:{filing:&lt;id&gt;}:filing:copy        one filing as last read                          TTL staleCopyHours
 * </pre>
 */
public final class RemoteCareFilings {

  /** A new filing as the resident asks for it. */
  public record Request(String psnNo, FilingCategory category, String destinationRegion, LocalDate startDate,
                        LocalDate endDate, String referral, boolean commitment) {
  }

  /** A filing with whose it is to the account: SELF, or the family member's relation and masked name. */
  public record Owned(Filing filing, String relation, String maskedName, boolean stale, Instant asOf) {
  }

  /** The account's filings, newest first, and whether they come from the stale copy. */
  public record Listed(List<Owned> filings, boolean stale, Instant asOf) {
  }

  /** Who a person is to the account: SELF or a family member (relation, masked name). */
  private record Whose(String relation, String maskedName) {
    static final Whose SELF = new Whose("SELF", null);
  }

  private final FilingRules rules;
  private final FilingClient filings;
  private final RegistryClient registry;
  private final InsuranceCodes codes;
  private final Regions regions;
  private final StaleCopies copies;
  private final Pseudonyms pseudonyms;

  public RemoteCareFilings(FilingRules rules, FilingClient filings, RegistryClient registry, InsuranceCodes codes,
                           Regions regions, StaleCopies copies, Pseudonyms pseudonyms) {
    this.rules = rules;
    this.filings = filings;
    this.registry = registry;
    this.codes = codes;
    this.regions = regions;
    this.copies = copies;
    this.pseudonyms = pseudonyms;
  }

  // --- filing -------------------------------------------------------------------------------------------------------

  /** Files once per Idempotency-Key ({@code idempotencyKey}); the filing, or the problem with the request. */
  public Future<Owned> file(ResidentSession s, Request r, String idempotencyKey) {
    LocalDate today = BusinessTime.today();
    return whose(s, r.psnNo()).compose(owner -> registry.known(owner.psnNo()).compose(person -> {
      checkDestination(r.destinationRegion(), person.insuredRegion());
      checkEligible(r.category(), person);
      FilingRules.Plan plan = rules.plan(r.category(), r.startDate(), r.endDate(), r.commitment(), r.referral(), today);
      FilingClient.NewFiling filing = new FilingClient.NewFiling(
          pseudonyms.requestId("filing", s.accountId(), idempotencyKey), person.psnNo(), r.category(),
          r.destinationRegion(), plan.startDate(), plan.endDate(), plan.basis(),
          plan.basis() == Filing.Basis.DOCUMENTS ? r.referral() : null);
      return fileOnce(filing).map(f -> new Owned(f, owner.whose().relation(), owner.whose().maskedName(), false,
          Instant.now()));
    }));
  }

  /** Sends the filing; when its answer is lost, what the filing system made of its request id. */
  private Future<Filing> fileOnce(FilingClient.NewFiling filing) {
    return filings.file(filing).recover(failure -> {
      if (!(failure instanceof CoreCallException lost) || !lost.mayHaveHappened()) {
        return Future.failedFuture(failure); // refused, or never sent: nothing was filed
      }
      return filings.filedUnder(filing.requestId()).recover(asking -> Future.failedFuture(
          ProblemException.retryLater(ProblemCode.CORE_UNAVAILABLE, "The filing system did not answer. Send the same "
              + "request with the same Idempotency-Key: it finds the filing if one was made, and never files twice", 1)))
          .compose(found -> found != null ? Future.succeededFuture(found) : Future.failedFuture(
              ProblemException.retryLater(ProblemCode.CORE_UNAVAILABLE, "The filing system did not answer and has "
                  + "no record of this request: nothing is filed. Send it again with the same Idempotency-Key", 1)));
    });
  }

  private void checkDestination(String destination, String insuredRegion) {
    if (regions.find(destination).isEmpty()) {
      throw new ProblemException(ProblemCode.FILING_REGION_UNKNOWN, "Not a division of the national list",
          "destinationRegion", Map.of());
    }
    if (insuredRegion != null && Regions.withinInsuredArea(destination, insuredRegion)) {
      throw new ProblemException(ProblemCode.FILING_SAME_REGION, "The destination is inside the insured region "
          + insuredRegion, "destinationRegion", Map.of());
    }
  }

  private static void checkEligible(FilingCategory category, RegistryClient.Person person) {
    if (category == FilingCategory.RETIREE_RESETTLED && !person.retired()) {
      throw new ProblemException(ProblemCode.FILING_NOT_ELIGIBLE, "The registry does not record the person as retired",
          "category", Map.of());
    }
    if (category == FilingCategory.POSTED_WORKER && person.insuType() != InsuranceType.EMPLOYEE) {
      throw new ProblemException(ProblemCode.FILING_NOT_ELIGIBLE, "Posted workers are insured as employees (310)",
          "category", Map.of());
    }
  }

  // --- reading ------------------------------------------------------------------------------------------------------

  /** The filings of the bound person and the account's family members, newest first. */
  public Future<Listed> list(ResidentSession s) {
    return family(s).compose(family -> copies.read(RedisKeys.key("acct:" + s.accountId(), "filing", "copy"),
            () -> filings.filingsOf(new ArrayList<>(family.keySet())))
        .map(read -> {
          List<Owned> out = new ArrayList<>();
          for (Filing f : FilingClient.parse(read.data())) {
            Whose w = family.get(f.psnNo());
            if (w != null) { // a copy may hold a member removed since
              out.add(new Owned(f, w.relation(), w.maskedName(), read.stale(), read.asOf()));
            }
          }
          return new Listed(out, read.stale(), read.asOf());
        }));
  }

  /** One filing of the account's persons; 404 for anyone else's, as for none at all. */
  public Future<Owned> get(ResidentSession s, String id) {
    return family(s).compose(family -> copies.read(RedisKeys.key("filing:" + id, "filing", "copy"),
        () -> filings.filing(id).map(f -> f == null ? null : f.toJson())).map(read -> {
          Filing f = read.data() == null ? null : Filing.fromJson(read.data());
          Whose w = f == null ? null : family.get(f.psnNo());
          if (w == null) {
            throw new ProblemException(ProblemCode.NOT_FOUND, null);
          }
          return new Owned(f, w.relation(), w.maskedName(), read.stale(), read.asOf());
        }));
  }

  // --- changing -----------------------------------------------------------------------------------------------------

  /**
   * Changes the destination and/or end date (step-up; the long-term lock): {@code destination} null keeps it,
   * {@code endDate} null keeps it.
   */
  public Future<Owned> change(ResidentSession s, String id, String destination, LocalDate endDate, String reason) {
    LocalDate today = BusinessTime.today();
    return StepUp.require(s).compose(x -> fresh(s, id)).compose(owned -> {
      Filing f = owned.filing();
      rules.checkMayChange(f, reason, today);
      if (endDate != null) {
        rules.checkNewEnd(f, endDate, today);
      }
      Future<Void> destinationChecked = destination == null ? Future.succeededFuture()
          : registry.known(f.psnNo()).map(person -> {
            checkDestination(destination, person.insuredRegion());
            return null;
          });
      return destinationChecked.compose(y -> filings.change(id, destination, endDate != null, endDate, reason))
          .map(changed -> new Owned(changed, owned.relation(), owned.maskedName(), false, Instant.now()));
    });
  }

  /** Revokes it (step-up; the long-term lock); a revoked filing is answered as it is. */
  public Future<Owned> revoke(ResidentSession s, String id, String reason) {
    LocalDate today = BusinessTime.today();
    return StepUp.require(s).compose(x -> fresh(s, id)).compose(owned -> {
      if (owned.filing().revoked()) {
        return Future.succeededFuture(owned);
      }
      rules.checkMayChange(owned.filing(), reason, today);
      return filings.revoke(id, reason)
          .map(revoked -> new Owned(revoked, owned.relation(), owned.maskedName(), false, Instant.now()));
    });
  }

  /** The filing as the filing system has it now (a decision to change it is never taken on a stale copy). */
  private Future<Owned> fresh(ResidentSession s, String id) {
    return family(s).compose(family -> filings.filing(id).map(f -> {
      Whose w = f == null ? null : family.get(f.psnNo());
      if (w == null) {
        throw new ProblemException(ProblemCode.NOT_FOUND, null);
      }
      return new Owned(f, w.relation(), w.maskedName(), false, Instant.now());
    }));
  }

  // --- whose --------------------------------------------------------------------------------------------------------

  private record Owner(String psnNo, Whose whose) {
  }

  /** The person a new filing is for: the bound person, or a family member on the account; else 422. */
  private Future<Owner> whose(ResidentSession s, String requested) {
    return s.boundPerson().compose(self -> {
      if (requested == null || requested.equals(self)) {
        return Future.succeededFuture(new Owner(self, Whose.SELF));
      }
      return codes.proxies(s.accountId()).map(proxies -> {
        JsonObject entry = proxies.get(requested);
        if (entry == null) {
          throw new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER,
              "Add them to your family account (亲情账户) first", "psnNo", Map.of());
        }
        return new Owner(requested, new Whose(entry.getString("relation"), entry.getString("name")));
      });
    });
  }

  /** The bound person and the account's family members, by psnNo. */
  private Future<Map<String, Whose>> family(ResidentSession s) {
    return s.boundPerson().compose(self -> codes.proxies(s.accountId()).map(proxies -> {
      Map<String, Whose> family = new LinkedHashMap<>();
      family.put(self, Whose.SELF);
      proxies.forEach((psnNo, entry) -> family.put(psnNo,
          new Whose(entry.getString("relation"), entry.getString("name"))));
      return family;
    }));
  }
}
