package io.yibao.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** One compiled validator per schema, shared by every event loop: it must give every caller its own verdict. */
class ContractValidationTest {

  static final JsonObject AMOUNT = new JsonObject().put("type", "object").put("required", new io.vertx.core.json.JsonArray()
      .add("amountFen")).put("properties", new JsonObject().put("amountFen",
      new JsonObject().put("type", "integer").put("minimum", 1)));

  static SchemaRepository repository() {
    return SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri("https://yibao.example/"));
  }

  @Test
  void aSchemaIsCompiledOnceAndAnotherSchemaGetsItsOwn() {
    ContractValidation.CompiledOnce compiled = new ContractValidation.CompiledOnce(repository());
    JsonSchema schema = JsonSchema.of(AMOUNT);
    Validator first = compiled.validator(schema);
    assertSame(first, compiled.validator(schema));
    assertNotSame(first, compiled.validator(JsonSchema.of(AMOUNT.copy())), "kept by identity, not by content");
  }

  @Test
  void theSharedValidatorJudgesConcurrentCallersIndependently() throws Exception {
    Validator shared = new ContractValidation.CompiledOnce(repository()).validator(JsonSchema.of(AMOUNT));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> verdicts = new ArrayList<>();
      for (int i = 0; i < 4000; i++) {
        long amount = i % 2 == 0 ? 100 : 0; // even: valid, odd: below the minimum
        verdicts.add(pool.submit(() -> shared.validate(new JsonObject().put("amountFen", amount)).getValid()));
      }
      for (int i = 0; i < verdicts.size(); i++) {
        assertEquals(i % 2 == 0, verdicts.get(i).get(), "verdict " + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
