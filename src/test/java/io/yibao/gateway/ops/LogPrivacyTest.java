package io.yibao.gateway.ops;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.LogCapture;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log of a flow holds one structured line per request and no personal data, wherever the client put it:
 * query, path, headers, body. Feature issues extend the flow (sign-in, codes, settlement).
 */
class LogPrivacyTest {

  static final String PHONE = "13912345678";
  static final String ID_NUMBER = "11010519491231002X";
  static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-token-value.sig";
  static final String NAME = "张三丰";

  @Test
  void accessLogHasOneStructuredLinePerRequestAndNoPersonalData() {
    try (TestGateway gateway = TestGateway.start(TestRedis.shared())) {
      LogCapture.clear();
      gateway.http().get("/docs?phone=" + PHONE);
      gateway.http().get("/api/v1/persons/" + ID_NUMBER);
      gateway.http().send(gateway.http().request("/openapi.yaml")
          .header("Authorization", "Bearer " + TOKEN)
          .header("X-Request-Id", PHONE)
          .GET().build());
      gateway.http().send(gateway.http().request("/health/live")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + NAME + "\",\"idNumber\":\"" + ID_NUMBER + "\"}"))
          .build());

      List<JsonObject> access = LogCapture.lines().stream().map(JsonObject::new)
          .filter(l -> "access".equals(l.getString("logger_name"))).toList();
      assertEquals(4, access.size(), "one line per request");
      for (JsonObject line : access) {
        for (String field : List.of("method", "route", "status", "latencyMs", "traceId")) {
          assertTrue(line.containsKey(field), field + " missing in " + line);
        }
      }
      assertEquals("/openapi.yaml", access.get(2).getString("route"));
      assertEquals("/docs", access.get(0).getString("route"), "the route template, not the raw path with its query");

      LogCapture.assertFlowLoggedWithout(List.of("/docs", "unmatched", "/openapi.yaml", "unmatched"),
          List.of(PHONE, ID_NUMBER, TOKEN, "secret-token-value", NAME));
    }
  }

  @Test
  void signInRealNameAndStepUpLeaveNoPersonalDataInTheLog() {
    Person employee = TestSandbox.shared().world().registry().person(Personas.FATHER);
    try (TestRedis redis = TestRedis.started();
         TestGateway gateway = TestGateway.start(redis, java.util.Map.of("identity.otp.perPhone.limit", "100"))) {
      LogCapture.clear();
      Resident r = Resident.signIn(gateway.http(), employee.mobile(), "log-device-1");
      String loginCode = Resident.latestCode(employee.mobile());
      r.post("/api/v1/me/real-name", new JsonObject().put("name", employee.name()).put("idNumber", employee.idNumber()).put("faceToken", Resident.faceToken(employee.psnNo())));
      r.get("/api/v1/me");
      r.post("/api/v1/auth/step-up/otp");
      String stepUpCode = Resident.latestCode(employee.mobile());
      r.post("/api/v1/auth/step-up", new JsonObject().put("otp", stepUpCode));
      String face = Resident.faceToken(employee.psnNo());
      r.post("/api/v1/auth/step-up", new JsonObject().put("faceToken", face));
      r.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", r.refreshToken));
      r.get("/api/v1/sessions");
      r.post("/api/v1/auth/logout");

      LogCapture.assertFlowLoggedWithout(List.of("/api/v1/auth/otp", "/api/v1/auth/login", "/api/v1/me/real-name",
              "/api/v1/me", "/api/v1/auth/step-up/otp", "/api/v1/auth/step-up", "/api/v1/auth/step-up",
              "/api/v1/auth/refresh", "/api/v1/sessions", "/api/v1/auth/logout"),
          List.of(employee.mobile(), employee.idNumber(), employee.name(), employee.psnNo(),
              r.accessToken, r.refreshToken, r.sessionId, loginCode, stepUpCode, face));
    }
  }
}
