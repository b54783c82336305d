package io.yibao.gateway.filing;

import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.core.StaleCopies;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.insurancecode.InsuranceCodes;

/**
 * Cross-region care filing (异地就医备案): filing, seeing, changing and revoking filings for oneself and family
 * members on the family account, against the filing system; and the national division list residents pick the
 * destination from.
 */
public final class FilingFeature implements Feature {

  private final FilingEndpoints endpoints;

  /** @param codes the family account (亲情账户) whose members one may file for */
  public FilingFeature(Infrastructure infra, InsuranceCodes codes) {
    FilingRules rules = new FilingRules(infra.config().filing());
    Regions regions = Regions.national();
    RemoteCareFilings filings = new RemoteCareFilings(rules, new FilingClient(infra.core()),
        new RegistryClient(infra.core()), codes, regions,
        new StaleCopies(infra.redis(), infra.config().filing().staleCopyHours()), infra.pseudonyms());
    endpoints = new FilingEndpoints(filings, rules, regions, infra.idempotency());
  }

  @Override
  public void register(Operations operations) {
    endpoints.register(operations);
  }
}
