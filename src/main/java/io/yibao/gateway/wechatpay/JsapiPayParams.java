package io.yibao.gateway.wechatpay;

import io.vertx.core.json.JsonObject;

/**
 * What the mini-program hands to {@code wx.requestPayment} to let the person pay a prepaid order: {@code appId},
 * {@code timeStamp} (Unix seconds, as text), {@code nonceStr}, {@code package} ({@code prepay_id=...}),
 * {@code signType} ({@code RSA}) and {@code paySign}.
 *
 * <p>With the real channel, {@code paySign} is Base64(SHA256withRSA(merchant private key,
 * {@code appId + "\n" + timeStamp + "\n" + nonceStr + "\n" + package + "\n"})). The gateway has no merchant private
 * key configured yet, so it does not sign: against the sandbox, which checks no merchant signatures, {@code paySign}
 * is the label {@link #SANDBOX_PAY_SIGN} and nothing else (no imitation of a signature), and in production
 * {@link WechatPayClient#payParams} refuses to produce parameters at all.
 */
public record JsapiPayParams(String appId, String timeStamp, String nonceStr, String packageValue, String signType,
                             String paySign) {

  /** The {@code paySign} of the sandbox: a label saying "not signed", which the sandbox does not check. */
  public static final String SANDBOX_PAY_SIGN = "SANDBOX";

  /** The object as {@code wx.requestPayment} takes it (the {@code package} key is a Java keyword, hence the name). */
  public JsonObject toJson() {
    return new JsonObject().put("appId", appId).put("timeStamp", timeStamp).put("nonceStr", nonceStr)
        .put("package", packageValue).put("signType", signType).put("paySign", paySign);
  }
}
