package io.yibao.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputErrorType;
import io.vertx.json.schema.OutputUnit;
import io.yibao.gateway.testing.Pos;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A body may be as wrong as its sender likes within 64 KB, but refusing it costs the same little work: an array
 * longer than the contract's {@code maxItems} or an unknown property is refused at the first one, before the
 * JSON-schema validator (which would build an error per element) sees it, and a failure's explanation looks at
 * its first few errors only.
 */
class OversizedBodiesTest {

  static TestGateway gateway;
  static Pos pos;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(TestRedis.shared());
    pos = Pos.demo(gateway.http());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String purchaseOf(int items, String element) {
    StringBuilder body = new StringBuilder("{\"visitToken\":\"" + "v".repeat(32) + "\",\"items\":[");
    for (int i = 0; i < items; i++) {
      body.append(i == 0 ? "" : ",").append(element);
    }
    return body.append("]}").toString();
  }

  @Test
  void anArrayLongerThanTheContractAllowsIsRefusedForItsLength() {
    String body = purchaseOf(30_000, "1");
    assertTrue(body.length() < 65_536);
    JsonObject p = assertProblem(pos.send("POST", "/pos/v1/settlements/preview", body, null), 400,
        "VALIDATION_FAILED");
    assertEquals("items", p.getString("field"));
    assertTrue(p.getString("detail").contains("at most 50 items"), p.getString("detail"));
  }

  @Test
  void thousandsOfUnknownPropertiesAreRefusedAtTheFirst() {
    JsonObject body = new JsonObject().put("phone", "13711000002");
    for (int i = 0; i < 6_000; i++) {
      body.put("x" + i, 1);
    }
    assertTrue(body.encode().length() < 65_536);
    JsonObject p = assertProblem(gateway.http().postJson("/api/v1/auth/otp", body.encode()), 400,
        "VALIDATION_FAILED");
    assertEquals("x0", p.getString("field"));
  }

  @Test
  void aNestedUnknownPropertyIsNamedByItsPath() {
    String body = purchaseOf(1, "{\"catalogCode\":\"A000000001\",\"quantity\":1,\"unitPriceFen\":1,\"extra\":1}");
    JsonObject p = assertProblem(pos.send("POST", "/pos/v1/settlements/preview", body, null), 400,
        "VALIDATION_FAILED");
    assertEquals("items.0.extra", p.getString("field"));
  }

  @Test
  void withinTheLimitsTheValidatorStillNamesTheField() {
    JsonObject p = assertProblem(pos.send("POST", "/pos/v1/settlements/preview", purchaseOf(3, "1"), null), 400,
        "VALIDATION_FAILED");
    assertTrue(p.getString("field").startsWith("items."), p.encode());
  }

  @Test
  void aFailureIsExplainedFromItsFirstFewErrors() {
    OutputUnit failure = new OutputUnit(false);
    List<OutputUnit> errors = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      errors.add(new OutputUnit("/items/" + i, "#/properties/items", "#/properties/items", "wrong " + i,
          OutputErrorType.INVALID_VALUE));
    }
    errors.add(new OutputUnit("/items/5/deeper/still", "#", "#", "the deepest, but too far down the list",
        OutputErrorType.INVALID_VALUE));
    failure.setErrors(errors);
    OutputUnit explained = FailureHandler.mostRelevant(failure);
    assertTrue(explained.getError().startsWith("wrong "), explained.getError());
    assertTrue(Integer.parseInt(explained.getError().substring(6)) < FailureHandler.EXPLAINED);
  }
}
