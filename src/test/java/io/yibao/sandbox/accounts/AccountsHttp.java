package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The accounts service over HTTP, as the gateway calls it, for the family-sharing tests. */
final class AccountsHttp {

  private final Http http;

  AccountsHttp(int port) {
    this.http = new Http(port);
  }

  HttpResponse<String> post(String path, JsonObject body) {
    return http.postJson(path, body.encode());
  }

  HttpResponse<String> put(String path, JsonObject body) {
    return http.send(http.request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  HttpResponse<String> delete(String path) {
    return http.send(http.request(path).DELETE().build());
  }

  HttpResponse<String> get(String path) {
    return http.get(path);
  }

  /** The body of an answer with {@code status}. */
  static JsonObject expect(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  /** An error answer with {@code status} and {@code code}; its body. */
  static JsonObject error(int status, String code, HttpResponse<String> response) {
    JsonObject body = expect(status, response);
    assertEquals(code, body.getString("error"), response.body());
    return body;
  }

  static JsonObject uses(boolean institutions, boolean contributions, boolean wallet) {
    return new JsonObject().put("institutions", institutions).put("contributions", contributions)
        .put("wallet", wallet);
  }

  static JsonObject binding(String id, String sharer, String member, String relation, JsonObject uses) {
    return new JsonObject().put("id", id).put("sharerPsnNo", sharer).put("memberPsnNo", member)
        .put("relation", relation).put("uses", uses);
  }

  /** Binds with every use allowed; the binding. */
  JsonObject bind(String id, String sharer, String member, String relation) {
    return expect(201, post("/accounts/sharing/bindings", binding(id, sharer, member, relation,
        uses(true, true, true))));
  }

  long balance(String psnNo) {
    return expect(200, get("/accounts/" + psnNo)).getLong("balanceFen");
  }
}
