package io.yibao.sandbox.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;

import java.util.Map;

/**
 * The person registry (人员信息):
 * <pre>
 * GET /registry/persons/{psnNo}                     a person
 * GET /registry/persons?mobile=… | ?idNumber=…      look a person up
 * GET /registry/persons/{psnNo}/household           household members and what each is to the person
 * GET /registry/persons/{psnNo}/kin                 {psnNo, members: [person + relation]}: close relatives
 *                                                   (近亲属) in the household and across households
 * GET /registry/pharmacies/{fixmedinsCode}          a designated pharmacy and its terminals
 * POST /_sandbox/registry/persons/{psnNo}/status    {"status": "SUSPENDED"} (admin, for tests and the demo)
 * </pre>
 */
public final class RegistryService implements SandboxService {

  private final Registry registry;

  public RegistryService(Registry registry) {
    this.registry = registry;
  }

  @Override
  public String name() {
    return "registry";
  }

  @Override
  public void mount(Router router) {
    router.get("/registry/persons/:psnNo/household").handler(this::household);
    router.get("/registry/persons/:psnNo/kin").handler(this::kin);
    router.get("/registry/persons/:psnNo").handler(rc -> found(rc, registry.person(rc.pathParam("psnNo"))));
    router.get("/registry/persons").handler(this::lookup);
    router.get("/registry/pharmacies/:code").handler(rc -> {
      Pharmacy p = registry.pharmacy(rc.pathParam("code"));
      if (p == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such pharmacy");
      } else {
        SandboxHttp.ok(rc, p.toJson());
      }
    });
  }

  @Override
  public void mountAdmin(Router router) {
    router.post("/_sandbox/registry/persons/:psnNo/status").handler(rc -> {
      JsonObject body = SandboxHttp.body(rc);
      if (body == null) {
        return;
      }
      if (registry.person(rc.pathParam("psnNo")) == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
        return;
      }
      registry.setStatus(rc.pathParam("psnNo"), body.getString("status", "ACTIVE"));
      found(rc, registry.person(rc.pathParam("psnNo")));
    });
  }

  private void lookup(RoutingContext rc) {
    String mobile = rc.queryParams().get("mobile");
    String idNumber = rc.queryParams().get("idNumber");
    if (mobile != null) {
      found(rc, registry.byMobile(mobile));
    } else if (idNumber != null) {
      found(rc, registry.byIdNumber(idNumber));
    } else {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "mobile or idNumber is required");
    }
  }

  private void household(RoutingContext rc) {
    Person self = registry.person(rc.pathParam("psnNo"));
    if (self == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
      return;
    }
    JsonArray members = new JsonArray();
    for (Map.Entry<Person, Household.Relation> e : registry.relatives(self.psnNo()).entrySet()) {
      members.add(e.getKey().toJson().put("relation", e.getValue() == null ? null : e.getValue().name()));
    }
    SandboxHttp.ok(rc, new JsonObject().put("householdId", self.householdId()).put("psnNo", self.psnNo())
        .put("members", members));
  }

  private void kin(RoutingContext rc) {
    Person self = registry.person(rc.pathParam("psnNo"));
    if (self == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
      return;
    }
    JsonArray members = new JsonArray();
    registry.kin(self.psnNo()).forEach((p, relation) -> members.add(p.toJson().put("relation", relation.name())));
    SandboxHttp.ok(rc, new JsonObject().put("psnNo", self.psnNo()).put("members", members));
  }

  private static void found(RoutingContext rc, Person person) {
    if (person == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
    } else {
      SandboxHttp.ok(rc, person.toJson());
    }
  }
}
