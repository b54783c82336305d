package io.yibao.gateway;

import io.yibao.gateway.contribution.ContributionFeature;
import io.yibao.gateway.contribution.PaymentChannelFeature;
import io.yibao.gateway.family.WalletTransferFeature;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.family.FamilyFeature;
import io.yibao.gateway.filing.FilingFeature;
import io.yibao.gateway.identity.IdentityFeature;
import io.yibao.gateway.insurancecode.InsuranceCodeFeature;
import io.yibao.gateway.ops.ApiDocs;
import io.yibao.gateway.ops.OpsFeature;
import io.yibao.gateway.ops.ReadinessCheck;
import io.yibao.gateway.pharmacy.PharmacyFeature;

import java.util.ArrayList;
import java.util.List;

/** Every feature of the gateway. A new one (cross-region filing, family sharing, ...) is one more line here. */
final class GatewayFeatures {

  private GatewayFeatures() {
  }

  /**
   * The features of one instance, in the order they are built (a feature handed to another is built first).
   * @param infrastructureChecks readiness of what all features share (Redis, the core systems)
   */
  static List<Feature> all(Infrastructure infra, ApiDocs docs, List<ReadinessCheck> infrastructureChecks) {
    InsuranceCodeFeature insuranceCode = new InsuranceCodeFeature(infra);
    PharmacyFeature pharmacy = new PharmacyFeature(infra, insuranceCode.codes());
    ContributionFeature contribution = new ContributionFeature(infra);
    List<Feature> features = new ArrayList<>(List.of(
        new IdentityFeature(infra, List.of(insuranceCode.codes(), pharmacy.bindingDependent())),
        insuranceCode,
        pharmacy,
        contribution,
        new PaymentChannelFeature(infra, contribution),
        new FilingFeature(infra, insuranceCode.codes()),
        new FamilyFeature(infra),
        new WalletTransferFeature(infra)));
    features.add(new OpsFeature(docs, readiness(infrastructureChecks, features)));
    return List.copyOf(features);
  }

  private static List<ReadinessCheck> readiness(List<ReadinessCheck> infrastructure, List<Feature> features) {
    List<ReadinessCheck> checks = new ArrayList<>(infrastructure);
    features.forEach(f -> checks.addAll(f.readinessChecks()));
    return checks;
  }
}
