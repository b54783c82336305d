package io.yibao.gateway.pharmacy;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large payment waits for the account that showed the code. When that account stops holding the person
 * (unbinding, a takeover, binding someone else), the waiting payment ends with the binding: an account that was
 * stepped up a minute ago can no longer confirm a purchase for a person it no longer holds.
 */
class ConfirmationsEndWithBindingTest {

  @Test
  void unbindingEndsThePaymentsWaitingForConfirmation() {
    try (TestRedis redis = TestRedis.started(); TestGateway gateway = TestGateway.start(redis)) {
      Person mother = TestSandbox.shared().world().registry().person(Personas.EMPLOYEE);
      Resident r = Resident.signIn(gateway.http(), mother.mobile(), "confirm-unbind-1").bindAndActivate(mother);
      assertEquals(200, r.post("/api/v1/auth/step-up",
          new JsonObject().put("faceToken", Resident.faceToken(mother.psnNo()))).statusCode());
      Pos pos = Pos.demo(gateway.http());
      HttpResponse<String> resolved = pos.resolve(r.code(null));
      assertEquals(200, resolved.statusCode(), resolved.body());
      String visit = new JsonObject(resolved.body()).getString("visitToken");
      HttpResponse<String> waiting = pos.settle(Pos.purchase(visit, false, PharmacyFlowTest.JIA, 50, 2180),
          UUID.randomUUID().toString());
      assertEquals(202, waiting.statusCode(), waiting.body());
      String id = new JsonObject(waiting.body()).getString("id");
      assertEquals("AWAITING_CONFIRMATION", new JsonObject(waiting.body()).getString("status"));

      assertEquals(204, r.delete("/api/v1/me/real-name").statusCode());

      assertTrue(new JsonObject(r.get("/api/v1/payments/pending").body()).getJsonArray("items").isEmpty(),
          "nothing waits for an account that no longer holds the person");
      assertProblem(r.post("/api/v1/payments/" + id + "/confirm"), 409, "CONFIRMATION_EXPIRED");
      assertEquals("EXPIRED", new JsonObject(pos.settlement(id).body()).getString("status"),
          "the terminal sees that nothing was charged");
    }
  }
}
