package io.yibao.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.yibao.gateway.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link OpenApiInternals} relies on in vertx-openapi's {@code impl} package still holds: the version it was
 * checked against, and the behaviour the gateway's validation needs (in line, values converted, violations as
 * {@link ValidatorException}). A Vert.x upgrade fails here, loudly, rather than in production.
 */
class OpenApiInternalsTest {

  static Vertx vertx;
  static OpenAPIContract contract;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    JsonObject body = new JsonObject().put("type", "object").put("required", new JsonArray().add("amountFen"))
        .put("properties", new JsonObject().put("amountFen", new JsonObject().put("type", "integer")
            .put("minimum", 1)));
    JsonObject operation = new JsonObject().put("operationId", "pay")
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "year").put("in", "query")
            .put("required", true).put("schema", new JsonObject().put("type", "integer"))))
        .put("requestBody", new JsonObject().put("required", true).put("content", new JsonObject()
            .put("application/json", new JsonObject().put("schema", body))))
        .put("responses", new JsonObject().put("200", new JsonObject().put("description", "ok")));
    contract = await(OpenAPIContract.from(vertx, new JsonObject().put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", "t").put("version", "1"))
        .put("paths", new JsonObject().put("/pay", new JsonObject().put("post", operation)))));
  }

  @AfterAll
  static void close() {
    await(vertx.close());
  }

  @Test
  void theLibraryIsTheVersionTheInternalsWereCheckedAgainst() {
    assertEquals(OpenApiInternals.CHECKED_AGAINST, OpenApiInternals.libraryVersion(),
        "vertx-openapi changed: re-read RequestValidatorImpl (validateParameter, validateBody, the contract field)"
            + " and the impl constructors OpenApiInternals uses, run this test's other checks, then update"
            + " OpenApiInternals.CHECKED_AGAINST");
  }

  @Test
  void aValidRequestIsValidatedInLineWithItsValuesConverted() {
    Future<ValidatedRequest> validated = validator().validate(request("2026", "{\"amountFen\":100}"), "pay");
    assertTrue(validated.isComplete(), "validated in the calling thread, no hop to a worker");
    ValidatedRequest request = validated.result();
    assertEquals(2026, ((Number) request.getQuery().get("year").get()).intValue(), "the query value converted");
    assertEquals(100, ((JsonObject) request.getBody().get()).getInteger("amountFen"), "the body parsed");
  }

  @Test
  void violationsFailAsValidatorExceptions() {
    Future<ValidatedRequest> badParameter = validator().validate(request("soon", "{\"amountFen\":100}"), "pay");
    assertTrue(badParameter.isComplete());
    assertInstanceOf(ValidatorException.class, badParameter.cause());
    Future<ValidatedRequest> badBody = validator().validate(request("2026", "{\"amountFen\":0}"), "pay");
    assertTrue(badBody.isComplete());
    assertInstanceOf(ValidatorException.class, badBody.cause());
    assertInstanceOf(ValidatorException.class, validator().validate(request("2026", "{}"), "nope").cause());
  }

  private static OpenApiInternals.InLineValidator validator() {
    return new OpenApiInternals.InLineValidator(vertx, contract);
  }

  private static ValidatableRequest request(String year, String json) {
    Map<String, RequestParameter> none = Map.of();
    return OpenApiInternals.request(none, none, none, Map.of("year", OpenApiInternals.parameter(year)),
        OpenApiInternals.parameter(Buffer.buffer(json)), "application/json");
  }
}
