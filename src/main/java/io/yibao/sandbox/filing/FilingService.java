package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;
import io.yibao.sandbox.SandboxWorld;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The cross-region filing system (异地就医备案), the source of truth for filings. The gateway applies the policy
 * (categories, dates, the 6-month lock, regions); this system checks only what needs its own records:
 * <pre>
 * POST /filing/filings               {requestId (16-64 of A-Z a-z 0-9 . _ ~ : -), psnNo, category,
 *                                     kind LONG_TERM|TEMPORARY, destinationRegion (6 digits), startDate,
 *                                     endDate (null: open-ended, LONG_TERM only), basis DOCUMENTS|COMMITMENT,
 *                                     referralNo (required for category REFERRAL on DOCUMENTS, else null)}
 *                                    → 201 the filing; 200 the same filing + {replayed: true} for a requestId
 *                                      seen with the same body; 409 REQUEST_ID_REUSED with another body;
 *                                      404 NOT_FOUND (person); 422 REFERRAL_UNKNOWN (not issued, or not theirs);
 *                                      409 OVERLAP + conflictingFilingId (same kind, days in common)
 * GET  /filing/requests/{requestId}  the filing made under that requestId, or 404 NOT_FOUND (nothing was filed)
 * GET  /filing/filings?psnNo=A,B     {filings: [...]} of 1-10 persons, newest first
 * GET  /filing/filings/{id}          the filing, or 404
 * POST /filing/filings/{id}/change   {destinationRegion?, endDate? (null only for LONG_TERM), reason} → 200 the
 *                                    filing, one CHANGED entry when something differs; 409 NOT_ACTIVE (revoked);
 *                                    409 OVERLAP; 404
 * POST /filing/filings/{id}/revoke   {reason} → 200 the filing REVOKED, revokedOn today (in force until the day
 *                                    before); a revoked filing answers as it is; 404
 * POST /_sandbox/hospital/referrals  {psnNo, destinationRegion, fromHospital?} → 201 a new referral document
 *                                    {referralNo, psnNo, fromHospital, destinationRegion, issuedOn} (admin: the
 *                                    hospital system issuing one, for tests)
 * </pre>
 * A filing: {@code {id, psnNo, category, kind, destinationRegion, startDate, endDate, basis, referralNo, status
 * ACTIVE|REVOKED, revokedOn, createdAt, history: [{at, action FILED|CHANGED|REVOKED, reason, changes:
 * {destinationRegion?: {from, to}, endDate?: {from, to}}}]}}. A malformed body or field answers 400 BAD_REQUEST.
 */
public final class FilingService implements SandboxService {

  private static final int MAX_PERSONS_PER_QUERY = 10;

  private final SandboxWorld world;
  private final Filings filings;
  private final Clock clock;

  public FilingService(SandboxWorld world) {
    this(world, Clock.system(Filings.BUSINESS_ZONE));
  }

  public FilingService(SandboxWorld world, Clock clock) {
    this.world = world;
    this.filings = world.filings();
    this.clock = clock;
  }

  @Override
  public String name() {
    return "filing";
  }

  @Override
  public void mount(Router router) {
    router.post("/filing/filings").handler(this::file);
    router.get("/filing/filings").handler(this::ofPersons);
    router.get("/filing/requests/:requestId").handler(rc -> found(rc, filings.byRequest(rc.pathParam("requestId"))));
    router.get("/filing/filings/:id").handler(rc -> found(rc, filings.filing(rc.pathParam("id"))));
    router.post("/filing/filings/:id/change").handler(rc -> {
      JsonObject body = SandboxHttp.body(rc);
      FilingChange change = body == null ? null : parsed(rc, () -> FilingChange.parse(body));
      if (change != null) {
        answer(rc, filings.change(rc.pathParam("id"), change, now()));
      }
    });
    router.post("/filing/filings/:id/revoke").handler(rc -> {
      JsonObject body = SandboxHttp.body(rc);
      String reason = body == null ? null : parsed(rc, () -> Fields.text(body, "reason"));
      if (reason != null) {
        answer(rc, filings.revoke(rc.pathParam("id"), reason, now()));
      }
    });
  }

  @Override
  public void mountAdmin(Router router) {
    router.post("/_sandbox/hospital/referrals").handler(this::issueReferral);
  }

  private void file(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    FilingRequest request = body == null ? null : parsed(rc, () -> FilingRequest.parse(body));
    if (request != null) {
      answer(rc, filings.file(request, now()));
    }
  }

  private void ofPersons(RoutingContext rc) {
    String param = rc.queryParams().get("psnNo");
    List<String> psnNos = param == null ? List.of()
        : Arrays.stream(param.split(",", -1)).map(String::trim).toList();
    if (psnNos.isEmpty() || psnNos.size() > MAX_PERSONS_PER_QUERY || psnNos.stream().anyMatch(String::isEmpty)) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", "psnNo must list 1-" + MAX_PERSONS_PER_QUERY + " persons, comma-separated");
      return;
    }
    JsonArray out = new JsonArray();
    filings.of(psnNos).forEach(f -> out.add(f.toJson()));
    SandboxHttp.ok(rc, new JsonObject().put("filings", out));
  }

  /** What the admin route asks the hospital to issue. */
  private record ReferralOrder(String psnNo, String destinationRegion, String fromHospital) {
  }

  private void issueReferral(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    ReferralOrder order = body == null ? null : parsed(rc, () -> new ReferralOrder(Fields.text(body, "psnNo"),
        Fields.region(body, "destinationRegion"),
        Objects.requireNonNullElse(Fields.optionalText(body, "fromHospital"), Personas.DEMO_HOSPITAL)));
    if (order == null) {
      return;
    }
    Person person = world.registry().person(order.psnNo());
    if (person == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such person");
      return;
    }
    Referral referral = world.referrals().issue(person.psnNo(), person.insuAdmdvs(), order.fromHospital(),
        order.destinationRegion(), now().toLocalDate());
    SandboxHttp.json(rc, 201, referral.toJson());
  }

  /** The parsed value, or null after answering 400 naming the field. */
  private static <T> T parsed(RoutingContext rc, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (Fields.Invalid e) {
      SandboxHttp.error(rc, 400, "BAD_REQUEST", e.getMessage());
      return null;
    }
  }

  private static void answer(RoutingContext rc, Filings.Answer answer) {
    SandboxHttp.json(rc, answer.status(), answer.toJson());
  }

  private static void found(RoutingContext rc, Filing filing) {
    if (filing == null) {
      SandboxHttp.error(rc, 404, "NOT_FOUND", "no such filing");
    } else {
      SandboxHttp.ok(rc, filing.toJson());
    }
  }

  private ZonedDateTime now() {
    return ZonedDateTime.now(clock).withZoneSameInstant(Filings.BUSINESS_ZONE);
  }
}
