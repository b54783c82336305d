package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.auth.Sessions;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.Map;

/**
 * Step-up verification: proving the bound person again (their face, or an SMS code sent to the phone the registry
 * holds for them) opens the session for sensitive operations (unbinding, family transfers, proxy activation,
 * confirming large payments) for {@code identity.stepUpSeconds}; {@link #require} is the one check those make.
 */
public final class StepUp {

  private final OneTimeCodes codes;
  private final FaceTokens faceTokens;
  private final Sessions sessions;
  private final RegistryClient registry;

  public StepUp(OneTimeCodes codes, FaceTokens faceTokens, Sessions sessions, RegistryClient registry) {
    this.codes = codes;
    this.faceTokens = faceTokens;
    this.sessions = sessions;
    this.registry = registry;
  }

  public static Future<Void> require(ResidentSession session) {
    return session.steppedUp(System.currentTimeMillis()) ? Future.succeededFuture()
        : Future.failedFuture(new ProblemException(ProblemCode.STEP_UP_REQUIRED,
            "POST /api/v1/auth/step-up with a face token or an SMS code first"));
  }

  /**
   * Sends a step-up code to the bound person's registry phone, whatever phone the account signs in with, and
   * answers that phone. Without a bound person there is nothing to prove (403 REAL_NAME_REQUIRED); a person
   * without a phone in the registry steps up by face (403 FACE_VERIFICATION_REQUIRED).
   */
  public Future<String> sendCode(ResidentSession s) {
    return s.boundPerson().compose(psnNo -> registry.known(psnNo).compose(found -> found.mobile() != null
            ? Future.succeededFuture(found.mobile())
            : Future.<String>failedFuture(new ProblemException(ProblemCode.FACE_VERIFICATION_REQUIRED,
                "The registry holds no mobile number for this person: step up with a face verification")))
        .compose(phone -> codes.sendStepUp(s.accountId(), psnNo, phone).map(phone)));
  }

  /** Proves the bound person by exactly one of a face token and a step-up code; answers until when it holds. */
  public Future<Long> verify(ResidentSession s, String faceToken, String otp) {
    if ((faceToken == null) == (otp == null)) {
      return Future.failedFuture(ProblemException.invalidField("faceToken", "Send exactly one of faceToken and otp"));
    }
    return s.boundPerson().compose(psnNo -> faceToken != null ? faceTokens.verify(faceToken, psnNo)
            : codes.checkStepUp(s.accountId(), psnNo, otp).compose(check -> check == OneTimeCodes.Check.OK
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(new ProblemException(ProblemCode.OTP_INVALID, null, "otp", Map.of()))))
        .compose(x -> sessions.stepUp(s.accountId(), s.sessionId()));
  }
}
