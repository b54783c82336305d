package io.yibao.sandbox.registry;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Close relatives across households: the registry records kinship both ways and the kin endpoint shows it. */
class KinshipTest {

  @Test
  void kinshipIsRecordedWithTheInverseRelation() {
    Registry registry = new Registry();
    Personas.add(registry);
    registry.addKinship(Personas.LAPSED_RESIDENT, Personas.SISTER, Household.Relation.PARENT);
    assertEquals(Household.Relation.PARENT,
        registry.kin(Personas.LAPSED_RESIDENT).get(registry.person(Personas.SISTER)));
    assertEquals(Household.Relation.CHILD,
        registry.kin(Personas.SISTER).get(registry.person(Personas.LAPSED_RESIDENT)));
    for (Household.Relation r : Household.Relation.values()) {
      assertEquals(r, r.inverse().inverse(), r.name());
    }
    assertEquals(Household.Relation.GRANDCHILD, Household.Relation.GRANDPARENT.inverse());
    assertEquals(Household.Relation.SIBLING, Household.Relation.SIBLING.inverse());
  }

  @Test
  void theKinEndpointShowsTheHouseholdAndTheSisterElsewhere() throws Exception {
    try (Sandbox sandbox = Sandbox.start(SandboxOptions.forTests())) {
      Http http = new Http(sandbox.port());
      Map<String, String> kin = kin(http, Personas.EMPLOYEE);
      assertEquals(Map.of(Personas.SPOUSE, "SPOUSE", Personas.CHILD, "CHILD", Personas.FATHER, "PARENT",
          Personas.SISTER, "SIBLING"), kin);
      assertEquals(Map.of(Personas.EMPLOYEE, "SIBLING"), kin(http, Personas.SISTER));
      assertFalse(kin(http, Personas.SPOUSE).containsKey(Personas.FATHER), "in-laws are not close relatives");

      JsonObject sister = new JsonObject(http.get("/registry/persons/" + Personas.SISTER).body());
      assertEquals("李秀兰", sister.getString("name"));
      assertEquals("13800000006", sister.getString("mobile"));
      assertEquals("390", sister.getString("insuType"));
      assertEquals("H-DEMO-3", sister.getString("householdId"));
      assertTrue(IdNumbers.valid(sister.getString("idNumber")));
      assertEquals(404, http.get("/registry/persons/11999999999999999999/kin").statusCode());

      JsonObject personas = new JsonObject(http.get("/_sandbox/personas").body());
      assertTrue(personas.getJsonArray("persons").stream()
          .anyMatch(p -> Personas.SISTER.equals(((JsonObject) p).getString("psnNo"))));
    }
  }

  @Test
  void theGeneratedPopulationHasSomeKinAcrossHouseholds() {
    Registry registry = new Registry();
    Population.generate(7, 2_000, registry);
    int across = 0;
    for (String psnNo : registry.psnNos()) {
      Person self = registry.person(psnNo);
      for (Person other : registry.kin(psnNo).keySet()) {
        if (!other.householdId().equals(self.householdId())) {
          across++;
        }
      }
    }
    assertTrue(across >= 4, "kin across households, both ways: " + across);
    Registry again = new Registry();
    Population.generate(7, 2_000, again);
    for (String psnNo : registry.psnNos()) {
      assertEquals(registry.kin(psnNo), again.kin(psnNo), "deterministic from the seed");
    }
  }

  private static Map<String, String> kin(Http http, String psnNo) {
    HttpResponse<String> r = http.get("/registry/persons/" + psnNo + "/kin");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(psnNo, body.getString("psnNo"));
    Map<String, String> out = new HashMap<>();
    body.getJsonArray("members").forEach(m -> out.put(((JsonObject) m).getString("psnNo"),
        ((JsonObject) m).getString("relation")));
    return out;
  }
}
