package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

/**
 * The one check sensitive operations make (unbinding, family transfers, proxy activation, confirming large
 * payments): the session was verified again (face or SMS code) within {@code identity.stepUpSeconds}.
 */
public final class StepUp {

  private StepUp() {
  }

  public static Future<Void> require(ResidentSession session) {
    return session.steppedUp(System.currentTimeMillis()) ? Future.succeededFuture()
        : Future.failedFuture(new ProblemException(ProblemCode.STEP_UP_REQUIRED,
            "POST /api/v1/auth/step-up with a face token or an SMS code first"));
  }
}
