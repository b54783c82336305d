package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.ratelimit.RateLimiter;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;

import java.util.List;

/**
 * Six-digit codes sent by SMS, for signing in and for step-up. A code lives {@code identity.otp.ttlSeconds},
 * works once, dies after {@code maxTries} wrong tries, and only the newest code of a purpose works. Sending spends
 * from three budgets: per phone (one per 60 s), per phone per day, and per client address.
 * <ul>
 *   <li>Sign-in codes go to the phone signing in, stored as an HMAC under {@code yb:{ph:<pseudonym>}:otp:login}.</li>
 *   <li>Step-up codes prove the bound person, so they go to the phone the registry holds for that person (never
 *   simply the account's phone: whoever holds the account is what step-up must not take on trust). Stored under
 *   the account, {@code yb:{acct:<account>}:otp:step-up}, as an HMAC bound to account and person, so a code
 *   stops working when the account's person changes.</li>
 * </ul>
 */
public final class OneTimeCodes {

  /** What a code is for; each has its own SMS template and its own stored code. */
  public enum Purpose {
    LOGIN("login", "LOGIN_OTP"), STEP_UP("step-up", "STEP_UP_OTP");

    final String key;
    final String template;

    Purpose(String key, String template) {
      this.key = key;
      this.template = template;
    }
  }

  /** The result of checking a code. */
  public enum Check { OK, WRONG, NONE, DEAD }

  private static final RedisScript STORE = RedisScript.load("otp-store.lua");
  private static final RedisScript VERIFY = RedisScript.load("otp-verify.lua");

  private final RedisStore redis;
  private final RateLimiter limiter;
  private final SmsClient sms;
  private final Pseudonyms pseudonyms;
  private final GatewayConfig.Identity config;

  public OneTimeCodes(RedisStore redis, RateLimiter limiter, SmsClient sms, Pseudonyms pseudonyms,
                      GatewayConfig.Identity config) {
    this.redis = redis;
    this.limiter = limiter;
    this.sms = sms;
    this.pseudonyms = pseudonyms;
    this.config = config;
  }

  private String loginKey(String phone) {
    return RedisKeys.key("ph:" + pseudonyms.phone(phone), "otp", Purpose.LOGIN.key);
  }

  private static String stepUpKey(String accountId) {
    return RedisKeys.key("acct:" + accountId, "otp", Purpose.STEP_UP.key);
  }

  /** Spends the sending budgets, stores a new sign-in code and sends it to {@code phone}; 429 when a budget is spent. */
  public Future<Void> sendLogin(String phone, String clientAddress) {
    return send(Purpose.LOGIN, loginKey(phone), phone, phone, clientAddress);
  }

  /**
   * Like {@link #sendLogin}, for a step-up of the account holding {@code psnNo}: the code goes to
   * {@code registryPhone}, the phone the registry holds for that person. A signed-in resident is limited as
   * themselves (the phone's budgets, and their account's request budget), not by the address they share.
   */
  public Future<Void> sendStepUp(String accountId, String psnNo, String registryPhone) {
    return send(Purpose.STEP_UP, stepUpKey(accountId), accountId + "|" + psnNo, registryPhone, null);
  }

  /** {@code clientAddress} null: no per-address budget (the caller is signed in). */
  private Future<Void> send(Purpose purpose, String key, String owner, String phone, String clientAddress) {
    String subject = pseudonyms.phone(phone);
    Future<Void> address = clientAddress == null ? Future.succeededFuture()
        : limiter.require("otp-address", clientAddress, config.otpPerClientAddress());
    return address
        .compose(x -> limiter.require("otp-phone", subject, config.otpPerPhone()))
        .compose(x -> limiter.require("otp-phone-day", subject, config.otpPerPhoneDaily()))
        .compose(x -> {
          String code = Secrets.digits(6);
          return STORE.run(redis, List.of(key), List.of(pseudonyms.code(purpose.key, owner, code),
                  Long.toString(config.otpTtlSeconds() * 1000L)))
              .compose(stored -> sms.send(phone, purpose.template, java.util.Map.of("code", code)))
              .compose(sent -> sent ? Future.<Void>succeededFuture()
                  : Future.failedFuture(new ProblemException(ProblemCode.CORE_UNAVAILABLE, "The SMS was not sent")))
              // A code that never left must not linger: the person would wait for it in vain.
              .recover(failure -> redis.send(Command.DEL, key).transform(ignored -> Future.failedFuture(failure)));
        });
  }

  public Future<Check> checkLogin(String phone, String code) {
    return check(Purpose.LOGIN, loginKey(phone), phone, code);
  }

  /** Checks a step-up code of the account for the person it holds now. */
  public Future<Check> checkStepUp(String accountId, String psnNo, String code) {
    return check(Purpose.STEP_UP, stepUpKey(accountId), accountId + "|" + psnNo, code);
  }

  private Future<Check> check(Purpose purpose, String key, String owner, String code) {
    return VERIFY.run(redis, List.of(key),
            List.of(pseudonyms.code(purpose.key, owner, code), Integer.toString(config.otpMaxTries())))
        .map(r -> switch (r.toInteger()) {
          case 1 -> Check.OK;
          case 0 -> Check.WRONG;
          case -2 -> Check.DEAD;
          default -> Check.NONE;
        });
  }
}
