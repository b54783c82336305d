package io.yibao.gateway.testing;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Asserts that a response is a well-formed problem body with the expected status and code. */
public final class ProblemAssert {

  private ProblemAssert() {
  }

  public static JsonObject assertProblem(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
    JsonObject body = new JsonObject(r.body());
    assertEquals(code, body.getString("code"));
    assertEquals(status, body.getInteger("status"));
    assertNotNull(body.getString("title"));
    assertNotNull(body.getString("traceId"));
    assertFalse(r.body().contains("Exception"), "no class names in bodies: " + r.body());
    assertFalse(r.body().contains("\tat "), "no stack traces in bodies");
    return body;
  }
}
