package io.yibao.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract and the code cannot drift: operations ↔ handlers, problem codes ↔ the spec's list. */
class ContractTest {

  static Vertx vertx;
  static OpenAPIContract testContract;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    testContract = Contract.load("test-contract.yaml").open(vertx).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  private static Operations allBut(String missing) {
    Operations ops = new Operations();
    for (String id : Set.of("createThing", "getThing", "postSmall", "getSlow", "getBoom")) {
      if (!id.equals(missing)) {
        ops.on(id, rc -> rc.end());
      }
    }
    return ops;
  }

  @Test
  void operationWithoutHandlerStopsTheStart() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GatewayRouter.checkMatches(testContract, allBut("getSlow")));
    assertTrue(e.getMessage().contains("getSlow"), e.getMessage());
  }

  @Test
  void handlerWithoutOperationStopsTheStart() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GatewayRouter.checkMatches(testContract, allBut("none").on("deleteEverything", rc -> rc.end())));
    assertTrue(e.getMessage().contains("deleteEverything"), e.getMessage());
  }

  @Test
  void matchingHandlersPass() {
    GatewayRouter.checkMatches(testContract, allBut("none"));
  }

  @Test
  void everyProblemCodeIsListedInTheSpec() {
    JsonObject spec = new JsonObject((java.util.Map<String, Object>) new Yaml().load(
        new String(Contract.load().text(), StandardCharsets.UTF_8)));
    spec = new JsonObject(spec.encode());
    JsonArray listed = spec.getJsonObject("components").getJsonObject("schemas").getJsonObject("ProblemCode")
        .getJsonArray("enum");
    Set<String> inSpec = listed.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    Set<String> inCode = Arrays.stream(ProblemCode.values()).map(Enum::name)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(inCode, inSpec);
  }

  /** Every array a client may send has a maxItems: the validator's work grows with the elements it is given. */
  @Test
  void everyArrayInARequestIsBounded() {
    JsonObject spec = new JsonObject(new JsonObject((java.util.Map<String, Object>) new Yaml().load(
        new String(Contract.load().text(), StandardCharsets.UTF_8))).encode());
    JsonObject schemas = spec.getJsonObject("components").getJsonObject("schemas");
    Set<String> unbounded = new TreeSet<>();
    JsonObject paths = spec.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        JsonObject body = BodyShape.bodySchema(spec, path, method);
        if (body != null) {
          collectUnbounded(body, schemas, method + " " + path, unbounded, 0);
        }
      }
    }
    assertEquals(Set.of(), unbounded);
  }

  private static void collectUnbounded(Object node, JsonObject schemas, String where, Set<String> out, int depth) {
    if (!(node instanceof JsonObject schema) || depth > 20) {
      return;
    }
    if (schema.getValue("$ref") instanceof String ref) {
      collectUnbounded(schemas.getJsonObject(ref.substring("#/components/schemas/".length())), schemas, where, out,
          depth + 1);
      return;
    }
    if ("array".equals(schema.getValue("type")) && !(schema.getValue("maxItems") instanceof Number)) {
      out.add(where);
    }
    for (String key : schema.fieldNames()) {
      Object value = schema.getValue(key);
      if (value instanceof JsonObject child) {
        collectUnbounded(child, schemas, where + "/" + key, out, depth + 1);
      }
    }
  }
}
