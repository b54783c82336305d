package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.yibao.gateway.auth.Secrets;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreClient;
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
 * works once, dies after {@code maxTries} wrong tries, and only the newest code of a purpose works. Stored as
 * an HMAC under {@code yb:{ph:<pseudonym>}:otp:<purpose>}. Sending spends from three budgets: per phone (one per
 * 60 s), per phone per day, and per client address.
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
  private final CoreClient sms;
  private final Pseudonyms pseudonyms;
  private final GatewayConfig.Identity config;

  public OneTimeCodes(RedisStore redis, RateLimiter limiter, CoreClient sms, Pseudonyms pseudonyms,
                      GatewayConfig.Identity config) {
    this.redis = redis;
    this.limiter = limiter;
    this.sms = sms;
    this.pseudonyms = pseudonyms;
    this.config = config;
  }

  private String key(Purpose purpose, String phone) {
    return RedisKeys.key("ph:" + pseudonyms.phone(phone), "otp", purpose.key);
  }

  /** Spends the sending budgets, stores a new code and sends it; 429 when a budget is spent. */
  public Future<Void> send(Purpose purpose, String phone, String clientAddress) {
    String subject = pseudonyms.phone(phone);
    return limiter.require("otp-address", clientAddress, config.otpPerClientAddress())
        .compose(x -> limiter.require("otp-phone", subject, config.otpPerPhone()))
        .compose(x -> limiter.require("otp-phone-day", subject, config.otpPerPhoneDaily()))
        .compose(x -> {
          String code = Secrets.digits(6);
          String key = key(purpose, phone);
          return STORE.run(redis, List.of(key), List.of(pseudonyms.code(purpose.key, phone, code),
                  Long.toString(config.otpTtlSeconds() * 1000L)))
              .compose(stored -> sms.post("/messages", new JsonObject().put("phone", phone)
                  .put("template", purpose.template).put("params", new JsonObject().put("code", code))))
              .compose(answer -> answer.ok() ? Future.<Void>succeededFuture()
                  : Future.failedFuture(new ProblemException(ProblemCode.CORE_UNAVAILABLE, "The SMS was not sent")))
              // A code that never left must not linger: the person would wait for it in vain.
              .recover(failure -> redis.send(Command.DEL, key).transform(ignored -> Future.failedFuture(failure)));
        });
  }

  public Future<Check> check(Purpose purpose, String phone, String code) {
    return VERIFY.run(redis, List.of(key(purpose, phone)),
            List.of(pseudonyms.code(purpose.key, phone, code), Integer.toString(config.otpMaxTries())))
        .map(r -> switch (r.toInteger()) {
          case 1 -> Check.OK;
          case 0 -> Check.WRONG;
          case -2 -> Check.DEAD;
          default -> Check.NONE;
        });
  }
}
