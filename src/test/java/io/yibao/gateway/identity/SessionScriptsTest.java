package io.yibao.gateway.identity;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.ScriptKeys;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every key a session script touches is declared in KEYS: the whole session life (sign-in past the device limit,
 * the per-request check, listing, refresh and reuse, step-up, ending one device, a takeover ending them all,
 * sign-out) watched with MONITOR.
 */
class SessionScriptsTest {

  @Test
  void sessionScriptsTouchOnlyTheKeysTheyDeclare() {
    try (TestRedis redis = TestRedis.started();
         TestGateway gateway = TestGateway.start(redis, Map.of(
             "identity.otp.perPhone.limit", "1000",
             "identity.otp.perPhoneDaily.limit", "1000",
             "identity.sessions.maxDevices", "2"));
         ScriptKeys scripts = ScriptKeys.watch(redis)) {
      var registry = TestSandbox.shared().world().registry();
      Person p = registry.psnNos().stream().map(registry::person).filter(x -> x.mobile() != null)
          .skip(1300).findFirst().orElseThrow();
      Resident first = Resident.signIn(gateway.http(), p.mobile(), "scripts-1");
      Resident second = Resident.signIn(gateway.http(), p.mobile(), "scripts-2");
      Resident third = Resident.signIn(gateway.http(), p.mobile(), "scripts-3"); // the first is signed out
      assertProblem(first.get("/api/v1/me"), 401, "UNAUTHENTICATED");
      assertEquals(2, new JsonObject(third.get("/api/v1/sessions").body()).getJsonArray("items").size());

      String used = second.refreshToken;
      assertEquals(200, second.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", used)).statusCode());
      assertEquals(401, second.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", used)).statusCode());

      Resident fourth = Resident.signIn(gateway.http(), p.mobile(), "scripts-4");
      assertEquals(204, fourth.delete("/api/v1/sessions/" + third.sessionId).statusCode());
      fourth.bind(p);
      assertEquals(200, fourth.post("/api/v1/auth/step-up",
          new JsonObject().put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
      Resident.signIn(gateway.http(), "13500003001", "scripts-5").bind(p); // takes the person over: all signed out
      assertProblem(fourth.get("/api/v1/me"), 401, "UNAUTHENTICATED");
      Resident fifth = Resident.signIn(gateway.http(), p.mobile(), "scripts-6");
      assertEquals(204, fifth.post("/api/v1/auth/logout").statusCode());

      assertTrue(scripts.scriptCalls() > 10, "the flow ran scripts at all");
      Set<String> undeclared = scripts.undeclared();
      assertEquals(Set.of(), undeclared, "keys touched but not declared in KEYS");
    }
  }
}
