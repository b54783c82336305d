package io.yibao.sandbox.identity;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SignatureException;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityServiceTest {

  private static Sandbox sandbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    sandbox = Sandbox.start(SandboxOptions.forTests());
    http = new Http(sandbox.port());
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static JsonObject realNameCheck(String name, String idNumber) {
    HttpResponse<String> r = http.postJson("/identity/real-name-checks",
        new JsonObject().put("name", name).put("idNumber", idNumber).encode());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static Person persona(String psnNo) {
    return sandbox.world().registry().person(psnNo);
  }

  @Test
  void realNameMatchesNameAndIdNumberOfTheRegistry() {
    Person employee = persona(Personas.EMPLOYEE);
    assertEquals(new JsonObject().put("match", true).put("psnNo", Personas.EMPLOYEE),
        realNameCheck(employee.name(), employee.idNumber()));
  }

  @Test
  void aLowerCaseCheckCharacterStillMatches() {
    Person withX = sandbox.world().registry().psnNos().stream().map(sandbox.world().registry()::person)
        .filter(p -> p.idNumber().endsWith("X")).findFirst().orElseThrow();
    JsonObject answer = realNameCheck(withX.name(), withX.idNumber().toLowerCase());
    assertEquals(true, answer.getBoolean("match"));
    assertEquals(withX.psnNo(), answer.getString("psnNo"));
  }

  @Test
  void aMismatchSaysOnlyNoMatchWhicheverPartIsWrong() {
    Person employee = persona(Personas.EMPLOYEE);
    Person father = persona(Personas.FATHER);
    JsonObject noMatch = new JsonObject().put("match", false);
    assertEquals(noMatch, realNameCheck("李秀", employee.idNumber()), "wrong name");
    assertEquals(noMatch, realNameCheck(employee.name(), father.idNumber()), "someone else's ID number");
    assertEquals(noMatch, realNameCheck(employee.name(), "110105198803150000"), "unknown ID number");
    assertEquals(noMatch, realNameCheck(employee.name(), "not-an-id"), "malformed ID number");
  }

  @Test
  void aRealNameCheckWithoutBothFieldsIsABadRequest() {
    HttpResponse<String> r = http.postJson("/identity/real-name-checks", new JsonObject().put("name", "李秀英").encode());
    assertEquals(400, r.statusCode());
  }

  @Test
  void theFaceTokenVerifiesWithTheCommittedPublicKeyAndCarriesTheClaims() throws IOException {
    JsonObject answer = face(new JsonObject().put("psnNo", Personas.SPOUSE));
    PublicKey committed = DemoKeys.publicKey(resource(DemoKeys.FACE_PUBLIC_PEM));

    Jws<Claims> jws = Jwts.parser().verifyWith(committed)
        .requireIssuer("sandbox-identity").requireAudience("yibao-gateway").requireSubject(Personas.SPOUSE)
        .build().parseSignedClaims(answer.getString("faceToken"));

    assertEquals("RS256", jws.getHeader().getAlgorithm());
    assertEquals("DEMO-ONLY-face-1", jws.getHeader().getKeyId());
    Claims claims = jws.getPayload();
    assertEquals(Set.of("yibao-gateway"), claims.getAudience());
    assertEquals("PASS", claims.get("result", String.class));
    assertEquals(300, (claims.getExpiration().getTime() - claims.getIssuedAt().getTime()) / 1000);
    assertTrue(Math.abs(claims.getIssuedAt().getTime() - System.currentTimeMillis()) < 60_000);
    assertEquals(claims.getExpiration().toInstant(), OffsetDateTime.parse(answer.getString("expiresAt")).toInstant());
    assertNotNull(claims.getId());

    String another = face(new JsonObject().put("psnNo", Personas.SPOUSE)).getString("faceToken");
    String otherId = Jwts.parser().verifyWith(committed).build().parseSignedClaims(another).getPayload().getId();
    assertNotEquals(claims.getId(), otherId, "every token has its own jti, so a replay can be refused");
  }

  @Test
  void theKeysEndpointServesTheCommittedPublicKey() throws IOException {
    JsonObject keys = new JsonObject(http.get("/_sandbox/keys").body());
    assertEquals("DEMO-ONLY-face-1", keys.getString("faceTokenKid"));
    assertEquals(DemoKeys.publicKey(resource(DemoKeys.FACE_PUBLIC_PEM)),
        DemoKeys.publicKey(keys.getString("faceTokenPublicKeyPem")));
    assertTrue(keys.getString("faceTokenPublicKeyPem").startsWith("-----BEGIN PUBLIC KEY-----"),
        "served without the DEMO-ONLY preamble, so any PEM reader takes it");
  }

  @Test
  void aFailedLivenessCheckGivesATokenThatSaysFail() {
    String token = face(new JsonObject().put("psnNo", Personas.CHILD).put("result", "FAIL")).getString("faceToken");
    Claims claims = Jwts.parser().verifyWith(faceKey()).build().parseSignedClaims(token).getPayload();
    assertEquals("FAIL", claims.get("result", String.class));
  }

  @Test
  void aTokenSignedByAnotherKeyDoesNotVerify() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair forger = generator.generateKeyPair();
    Instant now = Instant.now();
    String forged = Jwts.builder().header().keyId("DEMO-ONLY-face-1").and()
        .issuer("sandbox-identity").audience().add("yibao-gateway").and().subject(Personas.SPOUSE)
        .claim("result", "PASS").issuedAt(Date.from(now)).expiration(Date.from(now.plusSeconds(300))).id("forged")
        .signWith(forger.getPrivate(), Jwts.SIG.RS256).compact();

    assertThrows(SignatureException.class, () -> Jwts.parser().verifyWith(faceKey()).build().parseSignedClaims(forged));

    String genuine = face(new JsonObject().put("psnNo", Personas.SPOUSE)).getString("faceToken");
    assertThrows(JwtException.class,
        () -> Jwts.parser().verifyWith(forger.getPublic()).build().parseSignedClaims(genuine));
  }

  @Test
  void faceTokensAreOnlyForKnownPersons() {
    HttpResponse<String> r = http.postJson("/_sandbox/identity/face",
        new JsonObject().put("psnNo", "11999999999999999999").encode());
    assertEquals(404, r.statusCode());
    HttpResponse<String> badResult = http.postJson("/_sandbox/identity/face",
        new JsonObject().put("psnNo", Personas.SPOUSE).put("result", "MAYBE").encode());
    assertEquals(400, badResult.statusCode());
  }

  private static JsonObject face(JsonObject body) {
    HttpResponse<String> r = http.postJson("/_sandbox/identity/face", body.encode());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static PublicKey faceKey() {
    return DemoKeys.publicKey(new JsonObject(http.get("/_sandbox/keys").body()).getString("faceTokenPublicKeyPem"));
  }

  static String resource(String path) throws IOException {
    try (InputStream in = IdentityServiceTest.class.getClassLoader().getResourceAsStream(path)) {
      assertNotNull(in, path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
