package io.yibao.sandbox.collection;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Registry;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.TreeSet;

/**
 * Resident contribution collection (城乡居民参保缴费), the tax bureau's collection system as the gateway sees it:
 * <pre>
 * GET  /collection/config                    amounts by year and the collection window
 * GET  /collection/persons/{psnNo}?year=Y    {psnNo, year, amountFen, dueFen, paid, paidYears, lastPaidYear,
 *                                             insuType, birthDate, status, window}
 * POST /collection/payments                  {orderId, year, channel, lines: [{psnNo, amountFen}]}
 * GET  /collection/payments/{orderId}        the recorded order
 * </pre>
 * {@code year} defaults to the year being collected for ({@link CollectionPolicy#collectingYear}). Payments are
 * all-or-nothing and deduplicated by orderId: a replay answers 200 with {@code duplicate: true} and records nothing.
 * Errors: 404 NOT_FOUND, 422 NOT_RESIDENT (employees, 310, are insured through their employer), 422 AMOUNT_MISMATCH,
 * 409 ALREADY_PAID (by another order), 409 ORDER_ID_REUSED (same orderId, other content), 422 YEAR_NOT_COLLECTED,
 * 422 WINDOW_NOT_OPEN, 422 DUPLICATE_LINE, 422 NOT_ACTIVE; errors about one line name its {@code psnNo}.
 */
public final class CollectionService implements SandboxService {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  private final Registry registry;
  private final CollectionPolicy policy;
  private final Clock clock;
  private final Contributions contributions;

  public CollectionService(Registry registry) {
    this(registry, CollectionPolicy.defaults(), Clock.system(SHANGHAI));
  }

  /** {@code clock} must be in business time (Asia/Shanghai): the window is a matter of calendar days there. */
  public CollectionService(Registry registry, CollectionPolicy policy, Clock clock) {
    this.registry = registry;
    this.policy = policy;
    this.clock = clock;
    this.contributions = new Contributions(registry, policy);
  }

  @Override
  public String name() {
    return "collection";
  }

  @Override
  public void mount(Router router) {
    router.get("/collection/config").handler(this::config);
    router.get("/collection/persons/:psnNo").handler(this::person);
    router.post("/collection/payments").handler(this::pay);
    router.get("/collection/payments/:orderId").handler(rc -> {
      Contributions.Order order = contributions.order(rc.pathParam("orderId"));
      if (order == null) {
        SandboxHttp.error(rc, 404, "NOT_FOUND", "no such order");
      } else {
        SandboxHttp.ok(rc, order.toJson());
      }
    });
  }

  private void config(RoutingContext rc) {
    LocalDate today = LocalDate.now(clock);
    int collecting = policy.collectingYear(today);
    SandboxHttp.ok(rc, new JsonObject()
        .put("amountsByYear", policy.amountsJson(collecting + 1))
        .put("defaultFen", policy.defaultFen())
        .put("firstYear", policy.firstYear())
        .put("windowOpens", policy.windowOpens().toString().substring(2))   // "09-01"
        .put("windowCloses", policy.windowCloses().toString().substring(2)) // "12-31"
        .put("collectingYear", collecting)
        .put("window", policy.windowJson(collecting, today)));
  }

  private void person(RoutingContext rc) {
    LocalDate today = LocalDate.now(clock);
    Integer year = year(rc, today);
    if (year == null) {
      return;
    }
    Person person = registry.person(rc.pathParam("psnNo"));
    if (person == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
      return;
    }
    if (person.employee()) {
      SandboxHttp.error(rc, 422, "NOT_RESIDENT", "employees are insured through their employer");
      return;
    }
    long amount = policy.amountFen(year);
    if (amount < 0) {
      SandboxHttp.error(rc, 422, "YEAR_NOT_COLLECTED", "no contribution is collected for " + year);
      return;
    }
    TreeSet<Integer> paidYears = contributions.paidYears(person);
    boolean paid = paidYears.contains(year);
    SandboxHttp.ok(rc, new JsonObject()
        .put("psnNo", person.psnNo()).put("year", year)
        .put("amountFen", amount).put("dueFen", paid ? 0L : amount).put("paid", paid)
        .put("paidYears", new JsonArray(List.copyOf(paidYears)))
        .put("lastPaidYear", paidYears.isEmpty() ? 0 : paidYears.last())
        .put("insuType", person.insuType()).put("birthDate", person.birthDate().toString())
        .put("status", person.status())
        .put("window", policy.windowJson(year, today)));
  }

  private void pay(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    String orderId = body.getValue("orderId") instanceof String s && !s.isBlank() ? s : null;
    String channel = body.getValue("channel") instanceof String s && !s.isBlank() ? s : null;
    Object year = body.getValue("year");
    List<Contributions.Line> lines = body.getValue("lines") instanceof JsonArray a && !a.isEmpty()
        ? Contributions.lines(a) : null;
    if (orderId == null || channel == null || !(year instanceof Integer) || lines == null) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST",
          "orderId, channel, year and lines [{psnNo, amountFen > 0 in whole fen}] are required");
      return;
    }
    Contributions.Outcome outcome = contributions.pay(orderId, (Integer) year, channel, lines,
        LocalDate.now(clock), OffsetDateTime.now(clock));
    if (outcome.refusal() != null) {
      SandboxHttp.json(rc, outcome.refusal().status(), outcome.refusal().toJson());
    } else {
      SandboxHttp.ok(rc, outcome.order().toJson().put("duplicate", outcome.duplicate()));
    }
  }

  /** The {@code year} query parameter, the collecting year when absent, or null after answering 400. */
  private Integer year(RoutingContext rc, LocalDate today) {
    String text = rc.queryParams().get("year");
    if (text == null) {
      return policy.collectingYear(today);
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "year must be a number");
      return null;
    }
  }
}
