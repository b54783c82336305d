package io.yibao.gateway.ops;

import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.http.Operations;

import java.util.List;

/** What operators and integrators read: liveness, readiness of every dependency, the contract and its docs. */
public final class OpsFeature implements Feature {

  private final OpsEndpoints health;
  private final ApiDocs docs;

  /** @param checks what {@code /health/ready} reports: the infrastructure's and every other feature's checks */
  public OpsFeature(ApiDocs docs, List<ReadinessCheck> checks) {
    this.health = new OpsEndpoints(checks);
    this.docs = docs;
  }

  @Override
  public void register(Operations operations) {
    health.register(operations);
    docs.register(operations);
  }
}
