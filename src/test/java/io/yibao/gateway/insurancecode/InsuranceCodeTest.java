package io.yibao.gateway.insurancecode;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Activation, family proxies and the code's image, as the resident's app uses them. */
class InsuranceCodeTest {

  static TestRedis redis;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, Map.of("identity.otp.perPhone.limit", "1000", "insuranceCode.maxProxies", "2"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  static Person person(String psnNo) {
    return TestSandbox.shared().world().registry().person(psnNo);
  }

  @Test
  void noCodeBeforeActivationAndActivationNeedsTheFace() {
    var registry = TestSandbox.shared().world().registry();
    Person p = registry.psnNos().stream().map(registry::person).filter(x -> x.mobile() != null).skip(500)
        .findFirst().orElseThrow();
    Resident r = Resident.signIn(gateway.http(), p.mobile(), "code-dev-1");
    assertProblem(r.post("/api/v1/insurance-code"), 403, "REAL_NAME_REQUIRED");
    assertEquals(200, r.post("/api/v1/me/real-name", new JsonObject().put("name", p.name())
        .put("idNumber", p.idNumber()).put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
    assertProblem(r.post("/api/v1/insurance-code"), 403, "CODE_NOT_ACTIVATED");
    assertProblem(r.post("/api/v1/insurance-code/activation", new JsonObject().put("faceToken",
        Resident.faceToken(Personas.FATHER))), 422, "FACE_TOKEN_INVALID");
    assertEquals(200, r.post("/api/v1/insurance-code/activation", new JsonObject().put("faceToken",
        Resident.faceToken(p.psnNo()))).statusCode());
    assertTrue(new JsonObject(r.get("/api/v1/insurance-code/activation").body()).getBoolean("activated"));

    HttpResponse<String> issued = r.post("/api/v1/insurance-code");
    assertEquals(201, issued.statusCode(), issued.body());
    String code = new JsonObject(issued.body()).getString("code");
    assertTrue(code.matches("YB[0-9A-HJKMNP-TV-Z]{26}"), code);
  }

  @Test
  void theImageDecodesToTheCodeAndOnlyItsOwnerSeesIt() throws Exception {
    Person p = person(Personas.SPOUSE);
    Resident r = Resident.signIn(gateway.http(), p.mobile(), "code-dev-2").bindAndActivate(p);
    String code = r.code(null);
    HttpResponse<byte[]> png = gateway.http().sendBytes(r.request("/api/v1/insurance-code/" + code).header("Accept", "image/png").GET().build());
    assertEquals(200, png.statusCode());
    assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
    var image = ImageIO.read(new ByteArrayInputStream(png.body()));
    String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
        new BufferedImageLuminanceSource(image)))).getText();
    assertEquals(code, decoded);

    Person q = person(Personas.LAPSED_RESIDENT);
    Resident other = Resident.signIn(gateway.http(), q.mobile(), "code-dev-3");
    assertProblem(other.get("/api/v1/insurance-code/" + code), 410, "CODE_EXPIRED");
  }

  @Test
  void familyProxies() {
    Person mother = person(Personas.EMPLOYEE);
    Resident r = Resident.signIn(gateway.http(), mother.mobile(), "code-dev-4").bindAndActivate(mother);
    // The child (8) is added on the household relation, after a step-up.
    assertProblem(r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.CHILD)), 403,
        "STEP_UP_REQUIRED");
    assertEquals(200, r.post("/api/v1/auth/step-up", new JsonObject().put("faceToken",
        Resident.faceToken(mother.psnNo()))).statusCode());
    assertEquals(201, r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.CHILD)).statusCode());
    // The father (68) consents with his own face.
    assertProblem(r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.FATHER)), 403,
        "FACE_VERIFICATION_REQUIRED");
    assertEquals(201, r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.FATHER)
        .put("faceToken", Resident.faceToken(Personas.FATHER))).statusCode());
    // The limit (2 here) and strangers.
    assertProblem(r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.SPOUSE)
        .put("faceToken", Resident.faceToken(Personas.SPOUSE))), 409, "PROXY_LIMIT_REACHED");
    assertEquals(204, r.delete("/api/v1/insurance-code/proxies/" + Personas.FATHER).statusCode());
    assertProblem(r.post("/api/v1/insurance-code/proxies", new JsonObject().put("psnNo", Personas.LAPSED_RESIDENT)
        .put("faceToken", Resident.faceToken(Personas.LAPSED_RESIDENT))), 422, "NOT_A_FAMILY_MEMBER");

    String childCode = r.code(Personas.CHILD);
    assertTrue(childCode.startsWith("YB"));
    assertProblem(r.post("/api/v1/insurance-code", new JsonObject().put("psnNo", Personas.FATHER)), 422,
        "NOT_A_FAMILY_MEMBER");
    assertEquals(2, new JsonObject(r.get("/api/v1/insurance-code/proxies").body()).getInteger("max"));
  }
}
