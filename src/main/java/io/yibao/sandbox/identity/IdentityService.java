package io.yibao.sandbox.identity;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Registry;

import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * Identity checks (实名 + 实人):
 * <pre>
 * POST /identity/real-name-checks   {name, idNumber} → {match: true, psnNo} | {match: false}
 * POST /_sandbox/identity/face      {psnNo, result?: PASS|FAIL} → {faceToken, expiresAt}   (plays the face SDK)
 * </pre>
 * A real-name check answers only match or no match: saying which of name and ID number was wrong would let a caller
 * probe the registry one field at a time. A deceased person's identity does not match, as the public-security check
 * it stands for would report the ID number cancelled.
 */
public final class IdentityService implements SandboxService {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  private final Registry registry;
  private final FaceTokens faceTokens;

  public IdentityService(Registry registry, DemoKeys keys) {
    this.registry = registry;
    this.faceTokens = new FaceTokens(keys.face().privateKey(), DemoKeys.FACE_TOKEN_KID);
  }

  @Override
  public String name() {
    return "identity";
  }

  @Override
  public void mount(Router router) {
    router.post("/identity/real-name-checks").handler(this::realNameCheck);
  }

  @Override
  public void mountAdmin(Router router) {
    router.post("/_sandbox/identity/face").handler(this::face);
  }

  private void realNameCheck(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    String name = body.getValue("name") instanceof String s ? s.strip() : null;
    String idNumber = body.getValue("idNumber") instanceof String s ? s.strip() : null;
    if (name == null || name.isEmpty() || idNumber == null || idNumber.isEmpty()) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "name and idNumber are required");
      return;
    }
    Person person = registry.byIdNumber(idNumber); // the registry upper-cases a trailing x
    if (person == null || !person.name().equals(name) || "DECEASED".equals(person.status())) {
      SandboxHttp.ok(rc, new JsonObject().put("match", false));
      return;
    }
    SandboxHttp.ok(rc, new JsonObject().put("match", true).put("psnNo", person.psnNo()));
  }

  private void face(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    String psnNo = body.getValue("psnNo") instanceof String s ? s : null;
    if (psnNo == null) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "psnNo is required");
      return;
    }
    FaceTokens.Result result;
    try {
      result = FaceTokens.Result.valueOf(body.getString("result", "PASS"));
    } catch (RuntimeException e) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "result must be PASS or FAIL");
      return;
    }
    if (registry.person(psnNo) == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
      return;
    }
    FaceTokens.Issued issued = faceTokens.issue(psnNo, result, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    SandboxHttp.ok(rc, new JsonObject().put("faceToken", issued.token())
        .put("expiresAt", issued.expiresAt().atZone(SHANGHAI).toOffsetDateTime().toString()));
  }
}
