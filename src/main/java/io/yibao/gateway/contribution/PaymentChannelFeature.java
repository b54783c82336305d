package io.yibao.gateway.contribution;

import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.feature.Feature;
import io.yibao.gateway.feature.Infrastructure;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.wechatpay.WechatPayNotifications;

/**
 * The WeChat Pay channel's callbacks: signed payment notifies, verified and decrypted, that confirm (or refund) a
 * contribution order. Here beside the orders they change; the channel's own code is in {@code wechatpay}.
 */
public final class PaymentChannelFeature implements Feature {

  private final PaymentCallbacks callbacks;

  public PaymentChannelFeature(Infrastructure infra, ContributionFeature contributions) {
    GatewayConfig config = infra.config();
    callbacks = new PaymentCallbacks(new WechatPayNotifications(config.paymentChannel()), contributions.orders(),
        contributions.recording(), infra.limiter(), config.rateLimits().perPaymentChannel(), infra.addressLimit());
  }

  @Override
  public void register(Operations operations) {
    callbacks.register(operations);
  }
}
