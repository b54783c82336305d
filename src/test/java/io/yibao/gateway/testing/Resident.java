package io.yibao.gateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A resident using the app in tests: signs in through the real SMS-code flow (reading the code from the
 * sandbox's SMS outbox, as a phone would receive it) and calls the API with their token. No back door.
 */
public final class Resident {

  public final String phone;
  public final String deviceId;
  private final Http http;
  public String accessToken;
  public String refreshToken;
  public String sessionId;

  private Resident(Http http, String phone, String deviceId) {
    this.http = http;
    this.phone = phone;
    this.deviceId = deviceId;
  }

  /** Signs in on {@code gateway} as the owner of {@code phone}, on a device of that id. */
  public static Resident signIn(Http http, String phone, String deviceId) {
    Resident r = new Resident(http, phone, deviceId);
    assertEquals(202, requestCode(http, phone).statusCode());
    HttpResponse<String> login = http.postJson("/api/v1/auth/login", new JsonObject().put("phone", phone)
        .put("otp", latestCode(phone)).put("deviceId", deviceId).put("deviceName", "测试手机 " + deviceId).encode());
    assertEquals(200, login.statusCode(), login.body());
    r.take(new JsonObject(login.body()));
    return r;
  }

  public static HttpResponse<String> requestCode(Http http, String phone) {
    return http.postJson("/api/v1/auth/otp", new JsonObject().put("phone", phone).encode());
  }

  /** The newest code the sandbox's SMS outbox holds for this phone (waits for it to arrive). */
  public static String latestCode(String phone) {
    String[] code = new String[1];
    Await.until("an SMS for the phone", Duration.ofSeconds(5), () -> {
      JsonArray messages = new JsonObject(TestSandbox.http().get("/_sandbox/sms?phone=" + phone).body())
          .getJsonArray("messages");
      if (messages == null || messages.isEmpty()) {
        return false;
      }
      code[0] = messages.getJsonObject(0).getJsonObject("params").getString("code");
      return code[0] != null;
    });
    return code[0];
  }

  public void take(JsonObject tokens) {
    accessToken = tokens.getString("accessToken");
    refreshToken = tokens.getString("refreshToken");
    sessionId = tokens.getString("sessionId");
  }

  public HttpRequest.Builder request(String path) {
    return http.request(path).header("Authorization", "Bearer " + accessToken);
  }

  public HttpResponse<String> send(HttpRequest request) {
    return http.send(request);
  }

  public HttpResponse<String> get(String path) {
    return http.send(request(path).GET().build());
  }

  public HttpResponse<String> post(String path, JsonObject body) {
    return http.send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  public HttpResponse<String> post(String path) {
    return http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  public HttpResponse<String> delete(String path) {
    return http.send(request(path).DELETE().build());
  }

  /** The same resident, calling through another gateway instance. */
  public Resident via(Http other) {
    Resident r = new Resident(other, phone, deviceId);
    r.accessToken = accessToken;
    r.refreshToken = refreshToken;
    r.sessionId = sessionId;
    return r;
  }

  /** The real-name binding's body for the person: name, ID number and a fresh face token of theirs. */
  public static JsonObject realName(io.yibao.sandbox.registry.Person person) {
    return new JsonObject().put("name", person.name()).put("idNumber", person.idNumber())
        .put("faceToken", faceToken(person.psnNo()));
  }

  /** Binds the account to the person (real name + face). */
  public Resident bind(io.yibao.sandbox.registry.Person person) {
    HttpResponse<String> bound = post("/api/v1/me/real-name", realName(person));
    assertEquals(200, bound.statusCode(), bound.body());
    return this;
  }

  /** Steps up by the bound person's face (sensitive operations allowed for a while). */
  public Resident stepUp(io.yibao.sandbox.registry.Person person) {
    HttpResponse<String> stepped = post("/api/v1/auth/step-up",
        new JsonObject().put("faceToken", faceToken(person.psnNo())));
    assertEquals(200, stepped.statusCode(), stepped.body());
    return this;
  }

  /** Binds the account to the person by real name and face, and activates the insurance code with a face token. */
  public Resident bindAndActivate(io.yibao.sandbox.registry.Person person) {
    bind(person);
    HttpResponse<String> activated = post("/api/v1/insurance-code/activation",
        new JsonObject().put("faceToken", faceToken(person.psnNo())));
    assertEquals(200, activated.statusCode(), activated.body());
    return this;
  }

  /** A fresh insurance code (for a family member when psnNo is given). */
  public String code(String psnNo) {
    HttpResponse<String> r = psnNo == null ? post("/api/v1/insurance-code")
        : post("/api/v1/insurance-code", new JsonObject().put("psnNo", psnNo));
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("code");
  }

  /** A face-liveness result from the sandbox's face SDK stand-in. */
  public static String faceToken(String psnNo) {
    HttpResponse<String> r = TestSandbox.http().postJson("/_sandbox/identity/face",
        new JsonObject().put("psnNo", psnNo).encode());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("faceToken");
  }
}
