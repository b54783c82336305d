package io.yibao.sandbox.collection;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import io.yibao.sandbox.registry.Population;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollectionServiceTest {

  private static final int YEAR = Population.currentYear();

  private static Sandbox sandbox;
  private static Http http;
  /** Residents of the generated population who paid last year but not this year, handed out one per use. */
  private static Iterator<Person> unpaidResidents;

  @BeforeAll
  static void start() throws Exception {
    sandbox = Sandbox.start(SandboxOptions.forTests());
    http = new Http(sandbox.port());
    List<Person> unpaid = sandbox.world().registry().psnNos().stream()
        .filter(p -> !p.startsWith("110000000000000000")) // not the personas
        .map(sandbox.world().registry()::person)
        .filter(p -> !p.employee() && p.lastPaidYear() == YEAR - 1)
        .toList();
    assertTrue(unpaid.size() >= 10, "the seeded population has residents a year behind");
    unpaidResidents = unpaid.iterator();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static JsonObject status(String psnNo, int year) {
    HttpResponse<String> r = http.get("/collection/persons/" + psnNo + "?year=" + year);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static long due(int year) {
    return new JsonObject(http.get("/collection/config").body()).getJsonObject("amountsByYear")
        .getLong(String.valueOf(year));
  }

  private static HttpResponse<String> pay(String orderId, int year, JsonObject... lines) {
    return http.postJson("/collection/payments", new JsonObject().put("orderId", orderId).put("year", year)
        .put("channel", "WECHAT").put("lines", new JsonArray(List.of((Object[]) lines))).encode());
  }

  private static JsonObject line(String psnNo, long amountFen) {
    return new JsonObject().put("psnNo", psnNo).put("amountFen", amountFen);
  }

  private static String orderId() {
    return "ORD" + UUID.randomUUID().toString().replace("-", "");
  }

  @Test
  void theConfigGivesAmountsByYearAndTheWindow() {
    JsonObject config = new JsonObject(http.get("/collection/config").body());
    JsonObject amounts = config.getJsonObject("amountsByYear");
    assertEquals(40_000L, amounts.getLong("2020"));
    assertEquals(38_000L, amounts.getLong("2025"));
    assertEquals(40_000L, amounts.getLong("2026"));
    assertTrue(amounts.containsKey(String.valueOf(YEAR)));
    assertEquals("09-01", config.getString("windowOpens"));
    assertEquals("12-31", config.getString("windowCloses"));
    int collecting = config.getInteger("collectingYear");
    assertTrue(collecting == YEAR || collecting == YEAR + 1);
    assertEquals((collecting - 1) + "-09-01", config.getJsonObject("window").getString("opensOn"));
  }

  @Test
  void aLapsedResidentOwesThisYear() {
    JsonObject lapsed = status(Personas.LAPSED_RESIDENT, YEAR);
    assertEquals(false, lapsed.getBoolean("paid"));
    assertEquals(due(YEAR), lapsed.getLong("dueFen"));
    assertEquals(due(YEAR), lapsed.getLong("amountFen"));
    assertEquals(YEAR - 1, lapsed.getInteger("lastPaidYear"));
    assertEquals(new JsonArray(List.of(YEAR - 3, YEAR - 2, YEAR - 1)), lapsed.getJsonArray("paidYears"));
    assertEquals("390", lapsed.getString("insuType"));
    assertEquals("1979-12-09", lapsed.getString("birthDate"));
    assertEquals(Personas.LAPSED_RESIDENT, lapsed.getString("psnNo"));
    assertEquals(YEAR, lapsed.getInteger("year"));
  }

  @Test
  void withoutAYearThePersonIsShownForTheYearBeingCollected() {
    int collecting = new JsonObject(http.get("/collection/config").body()).getInteger("collectingYear");
    JsonObject status = new JsonObject(http.get("/collection/persons/" + Personas.SPOUSE).body());
    assertEquals(collecting, status.getInteger("year"));
    assertEquals((collecting - 1) + "-12-31", status.getJsonObject("window").getString("closesOn"));
  }

  @Test
  void theSpouseAndTheChildHavePaidThisYear() {
    for (String psnNo : List.of(Personas.SPOUSE, Personas.CHILD)) {
      JsonObject status = status(psnNo, YEAR);
      assertEquals(true, status.getBoolean("paid"), psnNo);
      assertEquals(0L, status.getLong("dueFen"), psnNo);
      assertEquals(YEAR, status.getInteger("lastPaidYear"), psnNo);
      assertEquals(new JsonArray(List.of(YEAR - 2, YEAR - 1, YEAR)), status.getJsonArray("paidYears"), psnNo);
    }
  }

  @Test
  void employeesAreNotInResidentCollectionAndUnknownPersonsAreNotFound() {
    HttpResponse<String> employee = http.get("/collection/persons/" + Personas.EMPLOYEE + "?year=" + YEAR);
    assertEquals(422, employee.statusCode());
    assertEquals("NOT_RESIDENT", new JsonObject(employee.body()).getString("error"));
    assertEquals(404, http.get("/collection/persons/11999999999999999999?year=" + YEAR).statusCode());
    assertEquals(422, http.get("/collection/persons/" + Personas.SPOUSE + "?year=2019").statusCode());
    assertEquals(400, http.get("/collection/persons/" + Personas.SPOUSE + "?year=next").statusCode());
  }

  @Test
  void aReplayedOrderIsRecordedOnce() {
    String orderId = orderId();
    HttpResponse<String> first = pay(orderId, YEAR, line(Personas.LAPSED_RESIDENT, due(YEAR)));
    assertEquals(200, first.statusCode(), first.body());
    JsonObject recorded = new JsonObject(first.body());
    assertEquals(false, recorded.getBoolean("duplicate"));
    assertEquals(due(YEAR), recorded.getLong("totalFen"));

    HttpResponse<String> replay = pay(orderId, YEAR, line(Personas.LAPSED_RESIDENT, due(YEAR)));
    assertEquals(200, replay.statusCode(), replay.body());
    JsonObject replayed = new JsonObject(replay.body());
    assertEquals(true, replayed.getBoolean("duplicate"));
    assertEquals(recorded.getString("recordedAt"), replayed.getString("recordedAt"), "the first recording stands");

    JsonObject order = new JsonObject(http.get("/collection/payments/" + orderId).body());
    assertEquals(1, order.getJsonArray("lines").size());
    assertEquals(recorded.getString("recordedAt"), order.getString("recordedAt"));
    JsonObject lapsed = status(Personas.LAPSED_RESIDENT, YEAR);
    assertEquals(true, lapsed.getBoolean("paid"));
    assertEquals(0L, lapsed.getLong("dueFen"));
    assertEquals(YEAR, lapsed.getInteger("lastPaidYear"));
    assertEquals(new JsonArray(List.of(YEAR - 3, YEAR - 2, YEAR - 1, YEAR)), lapsed.getJsonArray("paidYears"));

    HttpResponse<String> reused = pay(orderId, YEAR, line(Personas.LAPSED_RESIDENT, due(YEAR) + 1));
    assertEquals(409, reused.statusCode());
    assertEquals("ORDER_ID_REUSED", new JsonObject(reused.body()).getString("error"));
  }

  @Test
  void aWrongAmountIsRefusedAndNothingIsRecorded() {
    Person resident = unpaidResidents.next();
    String orderId = orderId();
    HttpResponse<String> r = pay(orderId, YEAR, line(resident.psnNo(), due(YEAR) - 100));
    assertEquals(422, r.statusCode(), r.body());
    JsonObject error = new JsonObject(r.body());
    assertEquals("AMOUNT_MISMATCH", error.getString("error"));
    assertEquals(resident.psnNo(), error.getString("psnNo"));
    assertEquals(false, status(resident.psnNo(), YEAR).getBoolean("paid"));
    assertEquals(404, http.get("/collection/payments/" + orderId).statusCode());
  }

  @Test
  void someoneAlreadyPaidByAnotherOrderIsAConflict() {
    HttpResponse<String> r = pay(orderId(), YEAR, line(Personas.SPOUSE, due(YEAR)));
    assertEquals(409, r.statusCode(), r.body());
    JsonObject error = new JsonObject(r.body());
    assertEquals("ALREADY_PAID", error.getString("error"));
    assertEquals(Personas.SPOUSE, error.getString("psnNo"));
  }

  @Test
  void aFamilyOrderIsAllOrNothing() {
    Person a = unpaidResidents.next();
    Person b = unpaidResidents.next();
    String orderId = orderId();
    HttpResponse<String> refused = pay(orderId, YEAR, line(a.psnNo(), due(YEAR)), line(Personas.CHILD, due(YEAR)));
    assertEquals(409, refused.statusCode(), refused.body());
    assertFalse(status(a.psnNo(), YEAR).getBoolean("paid"), "the good line was not recorded either");

    // nothing was recorded under the refused orderId, so it can carry the corrected order
    HttpResponse<String> paid = pay(orderId, YEAR, line(a.psnNo(), due(YEAR)), line(b.psnNo(), due(YEAR)));
    assertEquals(200, paid.statusCode(), paid.body());
    assertEquals(2 * due(YEAR), new JsonObject(paid.body()).getLong("totalFen"));
    assertTrue(status(a.psnNo(), YEAR).getBoolean("paid"));
    assertTrue(status(b.psnNo(), YEAR).getBoolean("paid"));
  }

  @Test
  void employeesUnknownPersonsAndUncollectedYearsCannotBePaidFor() {
    assertEquals("NOT_RESIDENT", refusal(pay(orderId(), YEAR, line(Personas.EMPLOYEE, due(YEAR))), 422));
    assertEquals("NOT_FOUND", refusal(pay(orderId(), YEAR, line("11999999999999999999", due(YEAR))), 404));
    assertEquals("YEAR_NOT_COLLECTED", refusal(pay(orderId(), 2019, line(Personas.LAPSED_RESIDENT, 40_000)), 422));
    // the window for the year after next opens next September at the earliest
    assertEquals("WINDOW_NOT_OPEN", refusal(pay(orderId(), YEAR + 2, line(Personas.SPOUSE, 40_000)), 422));
    Person resident = unpaidResidents.next();
    assertEquals("DUPLICATE_LINE", refusal(pay(orderId(), YEAR,
        line(resident.psnNo(), due(YEAR)), line(resident.psnNo(), due(YEAR))), 422));
    assertEquals(400, http.postJson("/collection/payments", new JsonObject().put("orderId", orderId())
        .put("year", YEAR).put("channel", "WECHAT").put("lines", new JsonArray()).encode()).statusCode());
    assertEquals(400, pay(orderId(), YEAR, line(resident.psnNo(), -1)).statusCode());
    assertEquals(404, http.get("/collection/payments/" + orderId()).statusCode());
  }

  private static String refusal(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("error");
  }
}
