package io.yibao.sandbox.sms;

import io.vertx.core.json.JsonObject;

/**
 * Texts the SMS gateway will send, registered in advance as SMS providers in China require (短信模板): the caller names
 * a template and fills its parameters, it never sends free text.
 */
public enum SmsTemplate {

  LOGIN_OTP("【医保服务】您的验证码为%s，%d分钟内有效。如非本人操作，请忽略本短信。"),
  STEP_UP_OTP("【医保服务】您正在进行敏感操作，验证码为%s，%d分钟内有效，切勿告知他人。");

  /** Minutes printed when the caller does not say how long its code lives. */
  static final int DEFAULT_TTL_MINUTES = 5;

  private final String pattern;

  SmsTemplate(String pattern) {
    this.pattern = pattern;
  }

  /**
   * The text for {@code params}: {@code code} (a string of 4–8 digits, required: a number would lose leading zeros) and optionally {@code ttlMinutes} (1–60), or
   * null when the parameters do not fit the template.
   */
  String render(JsonObject params) {
    Object code = params.getValue("code");
    Object ttl = params.getValue("ttlMinutes", DEFAULT_TTL_MINUTES);
    if (!(code instanceof String c) || !c.matches("\\d{4,8}")) {
      return null;
    }
    if (!(ttl instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1 || n.intValue() > 60) {
      return null;
    }
    return pattern.formatted(c, n.intValue());
  }
}
