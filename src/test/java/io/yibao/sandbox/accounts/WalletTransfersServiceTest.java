package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.Sandbox;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.yibao.sandbox.accounts.AccountsHttp.binding;
import static io.yibao.sandbox.accounts.AccountsHttp.error;
import static io.yibao.sandbox.accounts.AccountsHttp.expect;
import static io.yibao.sandbox.accounts.AccountsHttp.uses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Wallet transfers (医保钱包): from the sharer's account into a bound relative's wallet, at most once, never lost. */
class WalletTransfersServiceTest {

  private static final String TRANSFERS = "/accounts/wallet-transfers";
  private static final String EMPLOYEE = Personas.EMPLOYEE;
  private static final String SPOUSE = Personas.SPOUSE;

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
  void walletsOfThePersonasAreOpenAndTheLapsedResidentHasNone() {
    JsonObject wallet = expect(200, http.get("/accounts/wallets/" + SPOUSE));
    assertEquals(SPOUSE, wallet.getString("psnNo"));
    assertEquals("OPEN", wallet.getString("status"));
    assertEquals(0, wallet.getLong("balanceFen"));
    for (String psnNo : List.of(EMPLOYEE, Personas.CHILD, Personas.FATHER, Personas.SISTER)) {
      assertEquals("OPEN", expect(200, http.get("/accounts/wallets/" + psnNo)).getString("status"), psnNo);
    }
    assertEquals("NONE", expect(200, http.get("/accounts/wallets/" + Personas.LAPSED_RESIDENT)).getString("status"));
    error(404, "NOT_FOUND", http.get("/accounts/wallets/11999999999999999999"));
  }

  @Test
  void anOpenWalletReceivesAtOnce() {
    http.bind("b-1", EMPLOYEE, SPOUSE, "SPOUSE");
    JsonObject t = expect(201, http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 20_000)));
    assertEquals("RECEIVED", t.getString("status"));
    assertEquals(20_000, t.getLong("amountFen"));
    assertNotNull(t.getString("at"));
    assertEquals(t.getString("at"), t.getString("receivedAt"));
    assertNull(t.getString("returnedAt"));
    assertEquals(Personas.EMPLOYEE_BALANCE - 20_000, http.balance(EMPLOYEE));
    assertEquals(20_000, expect(200, http.get("/accounts/wallets/" + SPOUSE)).getLong("balanceFen"));

    JsonObject entry = expect(200, http.get("/accounts/" + EMPLOYEE)).getJsonArray("entries").getJsonObject(0);
    assertEquals("WALLET_TRANSFER", entry.getString("kind"));
    assertEquals(-20_000, entry.getLong("amountFen"));
    assertEquals(SPOUSE, entry.getString("counterpartPsnNo"));
    assertEquals(t, expect(200, http.get(TRANSFERS + "/t-1")));
  }

  @Test
  void aFrozenWalletLeavesTheMoneyInTransitUntilItIsReturned() {
    http.bind("b-1", EMPLOYEE, SPOUSE, "SPOUSE");
    expect(200, http.post("/_sandbox/accounts/wallets/" + SPOUSE, new JsonObject().put("status", "FROZEN")));
    JsonObject sent = expect(201, http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 12_345)));
    assertEquals("SENT", sent.getString("status"));
    assertNull(sent.getString("receivedAt"));
    assertEquals(Personas.EMPLOYEE_BALANCE - 12_345, http.balance(EMPLOYEE), "taken from the account");
    assertEquals(0, expect(200, http.get("/accounts/wallets/" + SPOUSE)).getLong("balanceFen"));

    assertEquals(new JsonObject().put("returned", 1),
        expect(200, http.post("/_sandbox/accounts/wallet-returns", new JsonObject())));
    JsonObject returned = expect(200, http.get(TRANSFERS + "/t-1"));
    assertEquals("RETURNED", returned.getString("status"));
    assertNotNull(returned.getString("returnedAt"));
    assertEquals(Personas.EMPLOYEE_BALANCE, http.balance(EMPLOYEE), "given back exactly");
    JsonObject entry = expect(200, http.get("/accounts/" + EMPLOYEE)).getJsonArray("entries").getJsonObject(0);
    assertEquals("WALLET_RETURN", entry.getString("kind"));
    assertEquals(12_345, entry.getLong("amountFen"));
    assertEquals(SPOUSE, entry.getString("counterpartPsnNo"));

    assertEquals(new JsonObject().put("returned", 0),
        expect(200, http.post("/_sandbox/accounts/wallet-returns", new JsonObject())), "returned once");
    assertEquals(Personas.EMPLOYEE_BALANCE, http.balance(EMPLOYEE));
    assertEquals(returned, expect(200, http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 12_345))),
        "a replay answers the transfer as it stands and moves nothing");
    assertEquals(Personas.EMPLOYEE_BALANCE, http.balance(EMPLOYEE));
  }

  @Test
  void aWalletTakesNothingBeyondItsCap() {
    http.bind("b-1", EMPLOYEE, SPOUSE, "SPOUSE");
    JsonObject wallet = expect(200, http.post("/_sandbox/accounts/wallets/" + SPOUSE,
        new JsonObject().put("capFen", 30_000)));
    assertEquals(30_000, wallet.getLong("capFen"));
    assertEquals("RECEIVED", expect(201, http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 30_000)))
        .getString("status"));
    assertEquals("SENT", expect(201, http.post(TRANSFERS, transfer("t-2", EMPLOYEE, SPOUSE, 1)))
        .getString("status"), "one fen over the cap");
    assertEquals(30_000, expect(200, http.get("/accounts/wallets/" + SPOUSE)).getLong("balanceFen"));
    String admin = "/_sandbox/accounts/wallets/" + SPOUSE;
    error(409, "NOT_EMPTY", http.post(admin, new JsonObject().put("status", "NONE")));
    error(400, "BAD_REQUEST", http.post(admin, new JsonObject().put("status", "SHUT")));
  }

  @Test
  void refusalsMoveNothing() {
    error(422, "NOT_BOUND", http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 100)));
    expect(201, http.post("/accounts/sharing/bindings",
        binding("b-1", EMPLOYEE, SPOUSE, "SPOUSE", uses(true, true, false))));
    refused(422, "NOT_BOUND", http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 100)), "wallet not allowed");
    refused(422, "NOT_BOUND", http.post(TRANSFERS, transfer("t-1", SPOUSE, EMPLOYEE, 100)),
        "bindings have a direction");

    http.bind("b-2", EMPLOYEE, Personas.LAPSED_RESIDENT, "SIBLING");
    error(422, "NO_WALLET", http.post(TRANSFERS, transfer("t-1", EMPLOYEE, Personas.LAPSED_RESIDENT, 100)));

    http.bind("b-3", EMPLOYEE, Personas.SISTER, "SIBLING");
    error(422, "INSUFFICIENT_BALANCE", http.post(TRANSFERS,
        transfer("t-1", EMPLOYEE, Personas.SISTER, Personas.EMPLOYEE_BALANCE + 1)));
    error(400, "BAD_AMOUNT", http.post(TRANSFERS, transfer("t-1", EMPLOYEE, Personas.SISTER, 0)));
    error(400, "BAD_AMOUNT", http.post(TRANSFERS,
        transfer("t-1", EMPLOYEE, Personas.SISTER, 0).put("amountFen", 1.5)));
    error(400, "BAD_REQUEST", http.post(TRANSFERS, new JsonObject().put("id", "t-1").put("fromPsnNo", EMPLOYEE)));
    assertEquals(Personas.EMPLOYEE_BALANCE, http.balance(EMPLOYEE));
    error(404, "NOT_FOUND", http.get(TRANSFERS + "/t-1")); // a refused transfer leaves no trace

    expect(200, http.delete("/accounts/sharing/bindings/b-3"));
    refused(422, "NOT_BOUND", http.post(TRANSFERS, transfer("t-1", EMPLOYEE, Personas.SISTER, 100)), "ended");
  }

  @Test
  void theSameIdMovesMoneyOnce() {
    http.bind("b-1", EMPLOYEE, SPOUSE, "SPOUSE");
    JsonObject first = expect(201, http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 5_000)));
    for (int i = 0; i < 3; i++) {
      assertEquals(first, expect(200, http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 5_000))));
    }
    error(409, "ID_REUSED", http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 5_001)));
    assertEquals(Personas.EMPLOYEE_BALANCE - 5_000, http.balance(EMPLOYEE));
    assertEquals(5_000, expect(200, http.get("/accounts/wallets/" + SPOUSE)).getLong("balanceFen"));
    assertEquals(first, expect(200, http.post(TRANSFERS + "/t-1/void", new JsonObject())),
        "too late to void: it happened, and stays");
  }

  @Test
  void aTransferVoidedBeforeItArrivesIsRefusedForGood() {
    http.bind("b-1", EMPLOYEE, SPOUSE, "SPOUSE");
    assertEquals(new JsonObject().put("id", "t-1").put("status", "VOIDED"),
        expect(200, http.post(TRANSFERS + "/t-1/void", new JsonObject())));
    error(409, "VOIDED", http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 5_000)));
    assertEquals(new JsonObject().put("id", "t-1").put("status", "VOIDED"),
        expect(200, http.post(TRANSFERS + "/t-1/void", new JsonObject())), "voiding again is fine");
    error(404, "NOT_FOUND", http.get(TRANSFERS + "/t-1"));
    assertEquals(Personas.EMPLOYEE_BALANCE, http.balance(EMPLOYEE));
  }

  @Test
  void aPersonsTransfersAreListedNewestFirst() {
    http.bind("b-1", EMPLOYEE, SPOUSE, "SPOUSE");
    http.bind("b-2", EMPLOYEE, Personas.SISTER, "SIBLING");
    expect(201, http.post(TRANSFERS, transfer("t-1", EMPLOYEE, SPOUSE, 100)));
    expect(201, http.post(TRANSFERS, transfer("t-2", EMPLOYEE, Personas.SISTER, 200)));
    expect(201, http.post(TRANSFERS, transfer("t-3", EMPLOYEE, SPOUSE, 300)));
    assertEquals(JsonArray.of("t-3", "t-2", "t-1"), ids(EMPLOYEE));
    assertEquals(JsonArray.of("t-3", "t-1"), ids(SPOUSE));
    assertEquals(new JsonArray(), ids(Personas.FATHER));
  }

  @Test
  void tenTransfersAtOnceAgainstABalanceForThreeMoveExactlyThree() throws Exception {
    http.bind("b-1", EMPLOYEE, SPOUSE, "SPOUSE");
    long amount = Personas.EMPLOYEE_BALANCE / 3; // three fit, a fourth does not
    Http raw = new Http(sandbox.port());
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(raw.sendAsync(raw.request(TRANSFERS).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(transfer("t-" + i, EMPLOYEE, SPOUSE, amount).encode())).build()));
    }
    int created = 0;
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> r = answer.get();
      if (r.statusCode() == 201) {
        created++;
      } else {
        error(422, "INSUFFICIENT_BALANCE", r);
      }
    }
    assertEquals(3, created);
    assertEquals(Personas.EMPLOYEE_BALANCE - 3 * amount, http.balance(EMPLOYEE));
    assertEquals(3 * amount, expect(200, http.get("/accounts/wallets/" + SPOUSE)).getLong("balanceFen"));
  }

  private JsonArray ids(String psnNo) {
    JsonArray out = new JsonArray();
    expect(200, http.get(TRANSFERS + "?psnNo=" + psnNo)).getJsonArray("transfers")
        .forEach(t -> out.add(((JsonObject) t).getString("id")));
    return out;
  }

  private static JsonObject transfer(String id, String from, String to, long amountFen) {
    return new JsonObject().put("id", id).put("fromPsnNo", from).put("toPsnNo", to).put("amountFen", amountFen);
  }

  private static JsonObject refused(int status, String code, HttpResponse<String> response, String why) {
    assertEquals(status, response.statusCode(), why + ": " + response.body());
    return AccountsHttp.error(status, code, response);
  }
}
