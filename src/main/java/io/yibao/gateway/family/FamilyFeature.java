package io.yibao.gateway.family;

import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;

/**
 * Family sharing (家庭共济): binding close relatives with their consent, what each may use of the employee's
 * personal account, and what it paid for them. The money itself moves at the accounts system and the settlement
 * center; wallet transfers are {@link WalletTransferFeature}'s.
 */
public final class FamilyFeature implements Feature {

  private final FamilyEndpoints endpoints;

  public FamilyFeature(Infrastructure infra) {
    endpoints = new FamilyEndpoints(new FamilyBindings(infra.config().family(), new FamilySharingClient(infra.core()),
        new AccountsClient(infra.core()), new RegistryClient(infra.core()),
        new Invitations(infra.redis(), infra.pseudonyms()), infra.faceTokens()), infra.idempotency());
  }

  @Override
  public void register(Operations operations) {
    endpoints.register(operations);
  }
}
