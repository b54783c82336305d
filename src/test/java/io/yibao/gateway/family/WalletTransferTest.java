package io.yibao.gateway.family;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Http;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.gateway.time.BusinessTime;
import io.yibao.sandbox.registry.Household;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wallet transfers end to end, against the sandbox's accounts system: the money moves once and exactly, every
 * limit is its own problem, and a lost answer becomes what the accounts system did — also across a restart.
 * Bindings are made directly at the sandbox (the invitation flow is another feature's). Every test takes a sharer
 * and relative of its own: employees of the generated population whose psn_no ends in 3 or 7, one household each
 * (other test classes pick by position from the start and the end of the population), their balance set here.
 */
class WalletTransferTest {

  /** Never quiet: the tests must pass at any hour (the quiet hours have their own gateway below). */
  static final Map<String, String> ANY_HOUR = Map.of("family.quietHoursFrom", "00:00", "family.quietHoursTo", "00:00",
      "identity.otp.perPhone.limit", "1000", "identity.otp.perPhoneDaily.limit", "1000");
  /** Fault tests: a short accounts timeout, and the breaker out of the way. */
  static final Map<String, String> FAULTS = Map.of("core.accounts.timeoutMillis", "1000",
      "core.accounts.breaker.minimumCalls", "10000", "core.accounts.breaker.slidingWindowSize", "10000");
  static final long BALANCE = 500_000;

  static TestRedis redis;
  static TestGateway gateway;
  static final Set<String> households = new HashSet<>();

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    gateway = TestGateway.start(redis, ANY_HOUR);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new HashMap<>(a);
    all.putAll(b);
    return all;
  }

  // --- people and the sandbox -----------------------------------------------------------------------------------

  /** A sharer and a close relative of a household no other test here uses: {sharer, relative, relation}. */
  record Pair(Person sharer, Person relative, String relation) {
  }

  static synchronized Pair pair(boolean relativeWithPhone) {
    Registry registry = TestSandbox.shared().world().registry();
    for (String psnNo : registry.psnNos()) {
      Person p = registry.person(psnNo);
      if (!p.employee() || p.mobile() == null || !"ACTIVE".equals(p.status()) || psnNo.startsWith("1100000000000000000")
          || !(psnNo.endsWith("3") || psnNo.endsWith("7")) || households.contains(p.householdId())) {
        continue;
      }
      for (Map.Entry<Person, Household.Relation> e : registry.relatives(psnNo).entrySet()) {
        Person r = e.getKey();
        if (e.getValue() != null && "ACTIVE".equals(r.status()) && (!relativeWithPhone || r.mobile() != null)) {
          households.add(p.householdId());
          TestSandbox.shared().world().ledger().open(psnNo, BALANCE);
          wallet(r.psnNo(), new JsonObject().put("status", "OPEN"));
          return new Pair(p, r, e.getValue().name());
        }
      }
    }
    throw new IllegalStateException("no sharer left in the test population");
  }

  static String bind(Pair pair, boolean wallet) {
    String id = "B" + Secrets.randomId(12).replace('-', 'x').replace('_', 'y');
    HttpResponse<String> bound = TestSandbox.http().postJson("/accounts/sharing/bindings", new JsonObject()
        .put("id", id).put("sharerPsnNo", pair.sharer().psnNo()).put("memberPsnNo", pair.relative().psnNo())
        .put("relation", pair.relation())
        .put("uses", new JsonObject().put("institutions", true).put("contributions", true).put("wallet", wallet))
        .encode());
    assertEquals(201, bound.statusCode(), bound.body());
    return new JsonObject(bound.body()).getString("id", id);
  }

  static void wallet(String psnNo, JsonObject change) {
    HttpResponse<String> r = TestSandbox.http().postJson("/_sandbox/accounts/wallets/" + psnNo, change.encode());
    assertEquals(200, r.statusCode(), r.body());
  }

  static long walletBalance(String psnNo) {
    return new JsonObject(TestSandbox.http().get("/accounts/wallets/" + psnNo).body()).getLong("balanceFen");
  }

  static long balance(String psnNo) {
    return new JsonObject(TestSandbox.http().get("/accounts/" + psnNo).body()).getLong("balanceFen");
  }

  /** The sharer's ledger entries of this transfer (its id), money going out. */
  static long moved(String psnNo, String transferId) {
    JsonArray entries = new JsonObject(TestSandbox.http().get("/accounts/" + psnNo).body()).getJsonArray("entries");
    return entries.stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("id").endsWith(transferId) && "WALLET_TRANSFER".equals(e.getString("kind"))).count();
  }

  static Resident sharer(Http http, Pair pair, String device) {
    return Resident.signIn(http, pair.sharer().mobile(), device).bind(pair.sharer()).stepUp(pair.sharer());
  }

  static HttpRequest.Builder transferRequest(Resident r, String to, long amountFen, String key) {
    return r.request("/api/v1/family/transfers").header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("toPsnNo", to).put("amountFen", amountFen)
            .encode()));
  }

  static HttpResponse<String> transfer(Resident r, String to, long amountFen, String key) {
    return r.send(transferRequest(r, to, amountFen, key).build());
  }

  static HttpResponse<String> transfer(Resident r, String to, long amountFen) {
    return transfer(r, to, amountFen, UUID.randomUUID().toString());
  }

  static JsonArray list(Resident r) {
    HttpResponse<String> listed = r.get("/api/v1/family/transfers");
    assertEquals(200, listed.statusCode(), listed.body());
    return new JsonObject(listed.body()).getJsonArray("items");
  }

  static JsonObject listed(Resident r, String id) {
    return list(r).stream().map(JsonObject.class::cast).filter(t -> id.equals(t.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("transfer not listed"));
  }

  static String status(Resident r, String id) {
    return listed(r, id).getString("status");
  }

  // --- moving money ---------------------------------------------------------------------------------------------

  @Test
  void aTransferIsReceivedOnceTheSharerPaysExactlyAndTheRecipientSeesItComeIn() {
    Pair pair = pair(true);
    bind(pair, true);
    Resident r = sharer(gateway.http(), pair, "transfer-1");
    long walletBefore = walletBalance(pair.relative().psnNo());
    String key = UUID.randomUUID().toString();

    HttpResponse<String> sent = transfer(r, pair.relative().psnNo(), 12_345, key);
    assertEquals(201, sent.statusCode(), sent.body());
    JsonObject t = new JsonObject(sent.body());
    assertEquals("RECEIVED", t.getString("status"));
    assertEquals("OUT", t.getString("direction"));
    assertEquals(12_345L, t.getLong("amountFen"));
    assertEquals(BALANCE - 12_345, balance(pair.sharer().psnNo()));
    assertEquals(walletBefore + 12_345, walletBalance(pair.relative().psnNo()));

    // The same key again: the same answer, nothing moved again.
    HttpResponse<String> again = transfer(r, pair.relative().psnNo(), 12_345, key);
    assertEquals(201, again.statusCode());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
    assertEquals(t.getString("id"), new JsonObject(again.body()).getString("id"));
    assertEquals(BALANCE - 12_345, balance(pair.sharer().psnNo()));
    assertEquals(1, moved(pair.sharer().psnNo(), t.getString("id")));

    JsonObject mine = listed(r, t.getString("id"));
    assertEquals("OUT", mine.getString("direction"));
    assertEquals("RECEIVED", mine.getString("status"));
    assertEquals(Masking.name(pair.relative().name()), mine.getString("name"));

    Resident recipient = Resident.signIn(gateway.http(), pair.relative().mobile(), "transfer-1-recipient")
        .bind(pair.relative());
    JsonObject in = listed(recipient, t.getString("id"));
    assertEquals("IN", in.getString("direction"));
    assertEquals(pair.sharer().psnNo(), in.getString("fromPsnNo"));
    assertEquals("RECEIVED", in.getString("status"));
    assertEquals(12_345L, in.getLong("amountFen"));
    assertEquals(Masking.name(pair.sharer().name()), in.getString("name"));
  }

  @Test
  void tenAtOnceAgainstABalanceForThreeMoveExactlyThree() {
    try (TestGateway many = TestGateway.start(redis, with(ANY_HOUR, Map.of("family.transfersPerDay", "100")))) {
      Pair pair = pair(false);
      bind(pair, true);
      TestSandbox.shared().world().ledger().open(pair.sharer().psnNo(), 3 * 50_000 + 77);
      Resident r = sharer(many.http(), pair, "transfer-10");

      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        all.add(many.http().sendAsync(transferRequest(r, pair.relative().psnNo(), 50_000,
            UUID.randomUUID().toString()).build()));
      }
      int created = 0;
      List<String> ids = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> f : all) {
        HttpResponse<String> answer = f.join();
        if (answer.statusCode() == 201) {
          created++;
          ids.add(new JsonObject(answer.body()).getString("id"));
        } else {
          assertProblem(answer, 422, "INSUFFICIENT_BALANCE");
        }
      }
      assertEquals(3, created);
      assertEquals(77, balance(pair.sharer().psnNo()), "exactly three moved");
      ids.forEach(id -> assertEquals(1, moved(pair.sharer().psnNo(), id)));
      JsonArray items = list(r);
      assertEquals(10, items.size());
      assertEquals(7, items.stream().map(JsonObject.class::cast).filter(t -> "FAILED".equals(t.getString("status")))
          .count());
    }
  }

  // --- limits ---------------------------------------------------------------------------------------------------

  @Test
  void threeADayThenNotUntilTomorrowAndARefusalDoesNotCount() {
    Pair pair = pair(false);
    bind(pair, true);
    TestSandbox.shared().world().ledger().open(pair.sharer().psnNo(), 1_000);
    Resident r = sharer(gateway.http(), pair, "transfer-day");
    String to = pair.relative().psnNo();

    assertProblem(transfer(r, to, 2_000), 422, "INSUFFICIENT_BALANCE"); // refused: its slot is given back
    for (int i = 0; i < 3; i++) {
      assertEquals(201, transfer(r, to, 100).statusCode());
    }
    HttpResponse<String> fourth = transfer(r, to, 100);
    JsonObject problem = assertProblem(fourth, 409, "TRANSFER_DAILY_LIMIT_REACHED");
    long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 86_400, "until midnight: " + retryAfter);
    ZonedDateTime tomorrow = LocalDate.now(BusinessTime.ZONE).plusDays(1).atStartOfDay(BusinessTime.ZONE);
    assertEquals(tomorrow.toOffsetDateTime().toString(), problem.getString("retryAt"));
    assertEquals(1_000 - 300, balance(pair.sharer().psnNo()));
  }

  @Test
  void oneTransferMovesAtMostTheConfiguredAmount() {
    Pair pair = pair(false);
    bind(pair, true);
    Resident r = sharer(gateway.http(), pair, "transfer-cap");
    JsonObject problem = assertProblem(transfer(r, pair.relative().psnNo(), 200_001), 422,
        "TRANSFER_AMOUNT_TOO_HIGH");
    assertEquals(200_000L, problem.getLong("maxAmountFen"));
    assertEquals(BALANCE, balance(pair.sharer().psnNo()));
    assertEquals(201, transfer(r, pair.relative().psnNo(), 200_000).statusCode());
  }

  @Test
  void noTransfersInTheQuietHoursUntilTheyEnd() {
    ZonedDateTime now = ZonedDateTime.now(BusinessTime.ZONE);
    DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
    ZonedDateTime end = now.plusHours(1).truncatedTo(ChronoUnit.MINUTES);
    Map<String, String> quietNow = Map.of("family.quietHoursFrom", now.minusHours(1).format(hhmm),
        "family.quietHoursTo", end.format(hhmm));
    try (TestGateway night = TestGateway.start(redis, with(ANY_HOUR, quietNow))) {
      Pair pair = pair(false);
      bind(pair, true);
      Resident r = sharer(night.http(), pair, "transfer-quiet");
      String key = UUID.randomUUID().toString();
      HttpResponse<String> refused = transfer(r, pair.relative().psnNo(), 100, key);
      JsonObject problem = assertProblem(refused, 409, "TRANSFER_QUIET_HOURS");
      // Not remembered for the key: the same request after the quiet hours runs, it is not this refusal replayed.
      HttpResponse<String> retried = transfer(r, pair.relative().psnNo(), 100, key);
      assertProblem(retried, 409, "TRANSFER_QUIET_HOURS");
      assertFalse(retried.headers().firstValue("Idempotent-Replayed").isPresent());
      assertEquals(end.toOffsetDateTime().toString(), problem.getString("retryAt"));
      long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter > 3_000 && retryAfter <= 3_600, "about an hour: " + retryAfter);
      assertEquals(BALANCE, balance(pair.sharer().psnNo()));
    }
  }

  @Test
  void onlyToARelativeBoundForTheWallet() {
    Pair pair = pair(false);
    Resident r = sharer(gateway.http(), pair, "transfer-bound");
    String to = pair.relative().psnNo();
    assertProblem(transfer(r, to, 100), 422, "FAMILY_NOT_BOUND");

    String binding = bind(pair, false);
    assertProblem(transfer(r, to, 100), 422, "FAMILY_NOT_BOUND");

    HttpResponse<String> uses = TestSandbox.http().send(TestSandbox.http().request("/accounts/sharing/bindings/"
            + binding + "/uses").header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("institutions", true).put("contributions", true)
            .put("wallet", true).encode())).build());
    assertEquals(200, uses.statusCode(), uses.body());
    assertEquals(201, transfer(r, to, 100).statusCode());

    assertEquals(200, TestSandbox.http().send(TestSandbox.http().request("/accounts/sharing/bindings/" + binding)
        .DELETE().build()).statusCode());
    assertProblem(transfer(r, to, 100), 422, "FAMILY_NOT_BOUND");
    assertEquals(BALANCE - 100, balance(pair.sharer().psnNo()));
  }

  @Test
  void theRecipientMustBeInsuredWithAnOpenedWallet() {
    Pair pair = pair(false);
    bind(pair, true);
    Resident r = sharer(gateway.http(), pair, "transfer-wallet");
    String to = pair.relative().psnNo();
    wallet(to, new JsonObject().put("status", "NONE"));
    assertProblem(transfer(r, to, 100), 422, "WALLET_NOT_OPENED");
    wallet(to, new JsonObject().put("status", "OPEN"));

    Registry registry = TestSandbox.shared().world().registry();
    registry.setStatus(to, "SUSPENDED");
    try {
      assertProblem(transfer(r, to, 100), 422, "RECIPIENT_NOT_INSURED");
    } finally {
      registry.setStatus(to, "ACTIVE");
    }
    assertEquals(BALANCE, balance(pair.sharer().psnNo()));
  }

  @Test
  void aStepUpIsRequired() {
    Pair pair = pair(false);
    bind(pair, true);
    Resident r = Resident.signIn(gateway.http(), pair.sharer().mobile(), "transfer-no-step-up").bind(pair.sharer());
    assertProblem(transfer(r, pair.relative().psnNo(), 100), 403, "STEP_UP_REQUIRED");
  }

  @Test
  void aTransferTheWalletDoesNotTakeIsSentThenReturned() {
    Pair pair = pair(false);
    bind(pair, true);
    wallet(pair.relative().psnNo(), new JsonObject().put("status", "FROZEN"));
    Resident r = sharer(gateway.http(), pair, "transfer-frozen");
    HttpResponse<String> sent = transfer(r, pair.relative().psnNo(), 30_000);
    assertEquals(201, sent.statusCode(), sent.body());
    String id = new JsonObject(sent.body()).getString("id");
    assertEquals("SENT", new JsonObject(sent.body()).getString("status"));
    assertEquals(BALANCE - 30_000, balance(pair.sharer().psnNo()));
    assertEquals("SENT", status(r, id));

    HttpResponse<String> returns = TestSandbox.http().postJson("/_sandbox/accounts/wallet-returns", "{}");
    assertEquals(200, returns.statusCode(), returns.body());
    JsonObject back = listed(r, id);
    assertEquals("RETURNED", back.getString("status"));
    assertTrue(back.getString("returnedAt") != null);
    assertEquals(BALANCE, balance(pair.sharer().psnNo()), "the money is back");
    // Stored: the record says RETURNED, without asking the accounts system again.
    String holder = new Pseudonyms(gateway.gateway().config().security().pepper()).person(pair.sharer().psnNo());
    assertEquals("RETURNED", redis.command("HGET", WalletTransferRecords.transferKey(holder, id), "status"));
  }

  // --- lost answers ---------------------------------------------------------------------------------------------

  @Test
  void aTransferDoneButUnansweredIsFoundAndMovedOnce() {
    // A Redis of its own: no other gateway works this queue.
    try (TestRedis own = TestRedis.started(); TestGateway lossy = TestGateway.start(own, with(ANY_HOUR, FAULTS))) {
      Pair pair = pair(false);
      bind(pair, true);
      Resident r = sharer(lossy.http(), pair, "transfer-lost-1");
      TestSandbox.fault("accounts", new JsonObject().put("hang", true).put("hangAfterWork", true)
          .put("methods", new JsonArray(List.of("POST"))));
      HttpResponse<String> pending = transfer(r, pair.relative().psnNo(), 40_000);
      assertEquals(202, pending.statusCode(), pending.body());
      String id = new JsonObject(pending.body()).getString("id");
      assertEquals("PENDING", new JsonObject(pending.body()).getString("status"));
      assertEquals(BALANCE - 40_000, balance(pair.sharer().psnNo()), "the accounts system did it");

      // Reads still work: the resolution finds it without a void (a POST, which would hang).
      Await.until("received", Duration.ofSeconds(30), () -> "RECEIVED".equals(status(r, id)));
      TestSandbox.clearFaults();
      assertEquals(BALANCE - 40_000, balance(pair.sharer().psnNo()), "moved once");
      assertEquals(1, moved(pair.sharer().psnNo(), id));
    }
  }

  @Test
  void aTransferNeverTakenFailsMovesNothingAndGivesItsSlotBack() {
    try (TestRedis own = TestRedis.started(); TestGateway lossy = TestGateway.start(own, with(with(ANY_HOUR, FAULTS),
        Map.of("family.transfersPerDay", "1")))) {
      Pair pair = pair(false);
      bind(pair, true);
      Resident r = sharer(lossy.http(), pair, "transfer-lost-2");
      TestSandbox.fault("accounts", new JsonObject().put("hang", true).put("methods", new JsonArray(List.of("POST"))));
      HttpResponse<String> pending = transfer(r, pair.relative().psnNo(), 40_000);
      assertEquals(202, pending.statusCode(), pending.body());
      String id = new JsonObject(pending.body()).getString("id");
      TestSandbox.clearFaults();

      Await.until("failed", Duration.ofSeconds(30), () -> "FAILED".equals(status(r, id)));
      assertEquals(BALANCE, balance(pair.sharer().psnNo()), "nothing moved");
      // Voided at the accounts system: a late copy of the request moves nothing.
      HttpResponse<String> late = TestSandbox.http().postJson("/accounts/wallet-transfers", new JsonObject()
          .put("id", id).put("fromPsnNo", pair.sharer().psnNo()).put("toPsnNo", pair.relative().psnNo())
          .put("amountFen", 40_000).encode());
      assertEquals(409, late.statusCode(), late.body());
      assertEquals(BALANCE, balance(pair.sharer().psnNo()));
      // The day's only transfer was given back.
      assertEquals(201, transfer(r, pair.relative().psnNo(), 100).statusCode());
      assertProblem(transfer(r, pair.relative().psnNo(), 100), 409, "TRANSFER_DAILY_LIMIT_REACHED");
    }
  }

  @Test
  void aPendingTransferIsResolvedByTheNextGatewayAfterARestart() {
    Pair pair = pair(false);
    bind(pair, true);
    Resident r;
    String id;
    // A Redis of its own: only these two gateways, one after the other, work its queue.
    TestRedis own = TestRedis.started();
    try (TestGateway first = TestGateway.start(own, with(ANY_HOUR, FAULTS))) {
      r = sharer(first.http(), pair, "transfer-restart");
      TestSandbox.fault("accounts", new JsonObject().put("hang", true).put("hangAfterWork", true)
          .put("methods", new JsonArray(List.of("POST"))));
      HttpResponse<String> pending = transfer(r, pair.relative().psnNo(), 25_000);
      assertEquals(202, pending.statusCode(), pending.body());
      id = new JsonObject(pending.body()).getString("id");
      // This gateway cannot find out before it stops: every call to the accounts system hangs now.
      TestSandbox.fault("accounts", new JsonObject().put("hang", true));
    }
    String holder = new Pseudonyms(gateway.gateway().config().security().pepper()).person(pair.sharer().psnNo());
    assertEquals("PENDING", own.command("HGET", WalletTransferRecords.transferKey(holder, id), "status"));
    TestSandbox.clearFaults();

    try (own; TestGateway second = TestGateway.start(own, with(ANY_HOUR, FAULTS))) {
      Resident again = r.via(second.http());
      Await.until("resolved by the second gateway", Duration.ofSeconds(30),
          () -> "RECEIVED".equals(own.command("HGET", WalletTransferRecords.transferKey(holder, id), "status")));
      assertEquals("RECEIVED", status(again, id));
      assertEquals(BALANCE - 25_000, balance(pair.sharer().psnNo()));
      assertEquals(1, moved(pair.sharer().psnNo(), id));
    }
  }

  @Test
  void theListNamesTheOtherPersonMaskedOnly() {
    Pair pair = pair(false);
    bind(pair, true);
    Resident r = sharer(gateway.http(), pair, "transfer-names");
    String id = new JsonObject(transfer(r, pair.relative().psnNo(), 100).body()).getString("id");
    JsonObject item = listed(r, id);
    assertEquals(Masking.name(pair.relative().name()), item.getString("name"));
    assertFalse(item.encode().contains(pair.relative().name()), "never the full name");
    assertNull(item.getValue("returnedAt"));
  }
}
