package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static io.yibao.sandbox.accounts.AccountsHttp.binding;
import static io.yibao.sandbox.accounts.AccountsHttp.error;
import static io.yibao.sandbox.accounts.AccountsHttp.expect;
import static io.yibao.sandbox.accounts.AccountsHttp.uses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Family-sharing bindings (家庭共济) in the accounts system: made once per id, one active per pair, ended for good. */
class SharingBindingsServiceTest {

  private static final String BINDINGS = "/accounts/sharing/bindings";

  private Sandbox sandbox;
  private AccountsHttp http;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(SandboxOptions.forTests());
    http = new AccountsHttp(sandbox.port());
  }

  @AfterEach
  void stop() {
    sandbox.close();
  }

  @Test
  void aBindingIsMadeOnceAndReplayedByItsId() {
    JsonObject body = binding("b-1", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE", uses(true, false, true));
    JsonObject made = expect(201, http.post(BINDINGS, body));
    assertEquals("b-1", made.getString("id"));
    assertEquals(Personas.EMPLOYEE, made.getString("sharerPsnNo"));
    assertEquals(Personas.SPOUSE, made.getString("memberPsnNo"));
    assertEquals("SPOUSE", made.getString("relation"));
    assertEquals(uses(true, false, true), made.getJsonObject("uses"));
    assertEquals("ACTIVE", made.getString("status"));
    assertNull(made.getString("endedAt"));
    OffsetDateTime since = OffsetDateTime.parse(made.getString("since"));
    assertEquals(ZoneOffset.ofHours(8), since.getOffset());
    assertEquals(0, since.getNano(), "to the second");

    assertEquals(made, expect(200, http.post(BINDINGS, body.copy())), "a replay answers the same binding");
    error(409, "ID_REUSED", http.post(BINDINGS, body.copy().put("relation", "SIBLING")));
    assertEquals(made, expect(200, http.get(BINDINGS + "/b-1")));
    error(404, "NOT_FOUND", http.get(BINDINGS + "/b-unknown"));
  }

  @Test
  void onlyOneActiveBindingPerPair() {
    http.bind("b-1", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE");
    JsonObject refused = error(409, "ALREADY_BOUND", http.post(BINDINGS,
        binding("b-2", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE", uses(true, true, true))));
    assertEquals("b-1", refused.getString("bindingId"));
    // Another sharer may share with the same member.
    http.bind("b-3", Personas.FATHER, Personas.SPOUSE, "CHILD");
    // Once ended, the pair may bind again under a new id.
    expect(200, http.delete(BINDINGS + "/b-1"));
    http.bind("b-2", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE");
  }

  @Test
  void refusalsNameWhatIsWrong() {
    error(404, "NO_ACCOUNT", http.post(BINDINGS,
        binding("b-1", Personas.SPOUSE, Personas.CHILD, "CHILD", uses(true, true, true))));
    error(404, "NOT_FOUND", http.post(BINDINGS,
        binding("b-1", Personas.EMPLOYEE, "11999999999999999999", "CHILD", uses(true, true, true))));
    error(400, "BAD_REQUEST", http.post(BINDINGS,
        binding("b-1", Personas.EMPLOYEE, Personas.EMPLOYEE, "SPOUSE", uses(true, true, true))));
    error(400, "BAD_REQUEST", http.post(BINDINGS,
        binding("b-1", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE", null)));
    error(400, "BAD_REQUEST", http.post(BINDINGS,
        binding("b-1", Personas.EMPLOYEE, Personas.SPOUSE, null, uses(true, true, true))));
    error(400, "BAD_REQUEST", http.post(BINDINGS, binding("b-1", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE",
        new JsonObject().put("institutions", true).put("wallet", true))));
    error(404, "NOT_FOUND", http.get(BINDINGS + "/b-1")); // a refused request bound nothing
  }

  @Test
  void listsShowActiveBindingsOldestFirst() {
    http.bind("b-1", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE");
    http.bind("b-2", Personas.EMPLOYEE, Personas.SISTER, "SIBLING");
    http.bind("b-3", Personas.EMPLOYEE, Personas.CHILD, "CHILD");
    http.bind("b-4", Personas.FATHER, Personas.CHILD, "GRANDCHILD");
    expect(200, http.delete(BINDINGS + "/b-3"));

    assertEquals(JsonArray.of("b-1", "b-2"), ids(http.get(BINDINGS + "?sharer=" + Personas.EMPLOYEE)));
    assertEquals(JsonArray.of("b-4"), ids(http.get(BINDINGS + "?member=" + Personas.CHILD)));
    assertEquals(new JsonArray(), ids(http.get(BINDINGS + "?member=" + Personas.FATHER)));
    error(400, "BAD_REQUEST", http.get(BINDINGS));
  }

  @Test
  void usesChangeUntilTheBindingEnds() {
    http.bind("b-1", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE");
    JsonObject changed = expect(200, http.put(BINDINGS + "/b-1/uses", uses(false, true, false)));
    assertEquals(uses(false, true, false), changed.getJsonObject("uses"));
    assertEquals(changed, expect(200, http.get(BINDINGS + "/b-1")));
    error(400, "BAD_REQUEST", http.put(BINDINGS + "/b-1/uses", new JsonObject().put("wallet", "yes")));
    error(404, "NOT_FOUND", http.put(BINDINGS + "/b-9/uses", uses(true, true, true)));

    JsonObject ended = expect(200, http.delete(BINDINGS + "/b-1"));
    assertEquals("ENDED", ended.getString("status"));
    assertNotNull(ended.getString("endedAt"));
    assertEquals(ended, expect(200, http.delete(BINDINGS + "/b-1")), "ending again changes nothing");
    assertEquals(ended, expect(200, http.get(BINDINGS + "/b-1")), "an ended binding is still found by its id");
    error(409, "ENDED", http.put(BINDINGS + "/b-1/uses", uses(true, true, true)));
    error(404, "NOT_FOUND", http.delete(BINDINGS + "/b-9"));
  }

  private static JsonArray ids(java.net.http.HttpResponse<String> response) {
    JsonArray out = new JsonArray();
    expect(200, response).getJsonArray("bindings").forEach(b -> out.add(((JsonObject) b).getString("id")));
    return out;
  }
}
