package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.AccountProfile;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.InsuranceType;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.core.StaleCopies;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisKeys;

/**
 * What {@code /me} shows of the bound insured person: masked, with the personal-account balance for employees,
 * read from the account's short-lived copy ({@link MeCopies}), else from the core, else from the person's stale
 * copy when the core is down.
 */
public final class ResidentView {

  /**
   * The account's profile and, when a person is bound, their view; {@code asOfMillis}: when that view was read
   * from the core, {@code stale} when it is the copy kept for a core outage.
   */
  public record Me(AccountProfile profile, JsonObject person, boolean stale, long asOfMillis) {
  }

  private final MeCopies meCopies;
  private final StaleCopies staleCopies;
  private final RegistryClient registry;
  private final AccountsClient personalAccounts;
  private final Pseudonyms pseudonyms;

  public ResidentView(MeCopies meCopies, StaleCopies staleCopies, RegistryClient registry,
                      AccountsClient personalAccounts, Pseudonyms pseudonyms) {
    this.meCopies = meCopies;
    this.staleCopies = staleCopies;
    this.registry = registry;
    this.personalAccounts = personalAccounts;
    this.pseudonyms = pseudonyms;
  }

  public Future<Me> of(AccountProfile profile) {
    if (!profile.bound()) {
      return Future.succeededFuture(new Me(profile, null, false, 0));
    }
    MeCopies.Copy copy = meCopies.usable(profile, System.currentTimeMillis());
    if (copy != null) {
      return Future.succeededFuture(new Me(profile, copy.person(), false, copy.asOfMillis()));
    }
    // The stale copy is the person's, not the account's: an account that binds someone else never sees it.
    String copyKey = RedisKeys.key("psn:" + pseudonyms.person(profile.psnNo()), "stale", "me-person");
    return staleCopies.read(copyKey, () -> person(profile.psnNo()))
        .compose(read -> (read.stale() ? Future.<Void>succeededFuture()
            : meCopies.keep(profile, read.data(), read.asOf().toEpochMilli()))
            .map(kept -> new Me(profile, read.data(), read.stale(), read.asOf().toEpochMilli())));
  }

  /** The insured person as the resident may see it. */
  private Future<JsonObject> person(String psnNo) {
    return registry.known(psnNo).compose(p -> {
      InsuranceType type = p.insuType();
      JsonObject view = new JsonObject()
          .put("psnNo", p.psnNo())
          .put("name", Masking.name(p.name()))
          .put("idNumber", Masking.idNumber(p.idNumber()))
          .put("insuType", type == null ? null : type.code())
          .put("insuTypeName", (type == InsuranceType.EMPLOYEE ? InsuranceType.EMPLOYEE : InsuranceType.RESIDENT).title())
          .put("insuredRegion", p.insuredRegion())
          .put("status", p.status());
      if (type != InsuranceType.EMPLOYEE) {
        return Future.succeededFuture(view);
      }
      return personalAccounts.balance(psnNo).map(balance -> balance != null
          ? view.put("personalAccountBalanceFen", balance)
          : view);
    });
  }
}
