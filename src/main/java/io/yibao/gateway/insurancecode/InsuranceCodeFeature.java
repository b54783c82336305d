package io.yibao.gateway.insurancecode;

import io.yibao.gateway.core.RegistryClient;

import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;

/** The resident's insurance code (医保码): issuing it, its QR picture, proxies for family members. */
public final class InsuranceCodeFeature implements Feature {

  private final InsuranceCodes codes;
  private final CodeEndpoints endpoints;

  public InsuranceCodeFeature(Infrastructure infra) {
    codes = new InsuranceCodes(infra.redis(), infra.config().insuranceCode(), infra.pseudonyms());
    endpoints = new CodeEndpoints(infra.config().insuranceCode(), codes, new ResidentCodes(infra.config().insuranceCode(),
        codes, infra.faceTokens(), new RegistryClient(infra.core())));
  }

  /** The codes, which the pharmacy counter resolves and which end with the resident's binding. */
  public InsuranceCodes codes() {
    return codes;
  }

  @Override
  public void register(Operations operations) {
    endpoints.register(operations);
  }
}
