package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonObject;
import io.yibao.sandbox.registry.Registry;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The filing system's book: every filing, by id, by person and by the request that made it. It checks only what
 * needs its own records — the person exists, a referral is known and theirs, no two filings of one kind overlap,
 * a request id is not reused — and leaves policy to the caller. The settlement center asks it which filing
 * covers a purchase. Not thread-safe: it is touched only on the sandbox's single event loop (and by tests).
 */
public final class Filings {

  public static final ZoneId BUSINESS_ZONE = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter ID_DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final int ID_PREFIX_LENGTH = 2 + 8;

  /** Why the filing system said no: HTTP status, stable code, and the filing in the way for OVERLAP. */
  public record Refusal(int status, String code, String message, String conflictingFilingId) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("error", code).put("message", message);
      return conflictingFilingId == null ? json : json.put("conflictingFilingId", conflictingFilingId);
    }
  }

  /** A filing (made, replayed, changed or as it was) with its HTTP status, or a refusal. */
  public record Answer(int status, Filing filing, boolean replayed, Refusal refusal) {
    static Answer of(int status, Filing filing) {
      return new Answer(status, filing, false, null);
    }

    static Answer refused(int status, String code, String message) {
      return new Answer(status, null, false, new Refusal(status, code, message, null));
    }

    public JsonObject toJson() {
      if (refusal != null) {
        return refusal.toJson();
      }
      JsonObject json = filing.toJson();
      return replayed ? json.put("replayed", true) : json;
    }
  }

  /** What a request id filed, and the request as first made (a replay must match it). */
  private record Made(FilingRequest request, String filingId) {
  }

  private final Registry registry;
  private final Referrals referrals;
  private final Map<String, Filing> byId = new HashMap<>();
  private final Map<String, List<String>> idsByPerson = new HashMap<>();
  private final Map<String, Made> byRequestId = new HashMap<>();
  private long sequence;

  public Filings(Registry registry, Referrals referrals) {
    this.registry = registry;
    this.referrals = referrals;
  }

  /** Files {@code r} at {@code now}: 201, or 200 replayed for a request id seen with the same request. */
  public Answer file(FilingRequest r, ZonedDateTime now) {
    Made made = byRequestId.get(r.requestId());
    if (made != null) {
      return made.request().equals(r)
          ? new Answer(200, byId.get(made.filingId()), true, null)
          : Answer.refused(409, "REQUEST_ID_REUSED", "requestId was used for a different filing");
    }
    if (registry.person(r.psnNo()) == null) {
      return Answer.refused(404, "NOT_FOUND", "no such person");
    }
    if (r.referralNo() != null) {
      Referral referral = referrals.referral(r.referralNo());
      if (referral == null || !referral.psnNo().equals(r.psnNo())) {
        return Answer.refused(422, "REFERRAL_UNKNOWN", "no referral document with that number for this person");
      }
    }
    Answer overlap = overlap(r.psnNo(), r.kind(), r.startDate(), r.endDate(), null);
    if (overlap != null) {
      return overlap;
    }
    ZonedDateTime at = business(now);
    String id = "BA" + ID_DAY.format(at) + String.format("%08d", ++sequence);
    Filing filing = Filing.filed(id, r, at);
    byId.put(id, filing);
    idsByPerson.computeIfAbsent(r.psnNo(), p -> new ArrayList<>()).add(id);
    byRequestId.put(r.requestId(), new Made(r, id));
    return Answer.of(201, filing);
  }

  /** The filing made under {@code requestId}, or null: what a caller whose answer was lost asks. */
  public Filing byRequest(String requestId) {
    Made made = byRequestId.get(requestId);
    return made == null ? null : byId.get(made.filingId());
  }

  public Filing filing(String id) {
    return byId.get(id);
  }

  /** Every filing of these persons, newest first. */
  public List<Filing> of(Collection<String> psnNos) {
    List<Filing> out = new ArrayList<>();
    for (String psnNo : new LinkedHashSet<>(psnNos)) {
      idsByPerson.getOrDefault(psnNo, List.of()).forEach(id -> out.add(byId.get(id)));
    }
    out.sort(Comparator.comparingLong((Filing f) -> sequenceOf(f.id())).reversed());
    return out;
  }

  /** Changes destination and/or end; 200 with the filing as it is now, unchanged when nothing differs. */
  public Answer change(String id, FilingChange c, ZonedDateTime now) {
    Filing filing = byId.get(id);
    if (filing == null) {
      return Answer.refused(404, "NOT_FOUND", "no such filing");
    }
    if (filing.status() != Filing.Status.ACTIVE) {
      return Answer.refused(409, "NOT_ACTIVE", "the filing is revoked");
    }
    String destination = c.destinationRegion() == null ? filing.destinationRegion() : c.destinationRegion();
    LocalDate end = c.endDateGiven() ? c.endDate() : filing.endDate();
    try {
      FilingRequest.checkPeriod(filing.kind(), filing.startDate(), end);
    } catch (Fields.Invalid e) {
      return Answer.refused(400, "BAD_REQUEST", e.getMessage());
    }
    Filing changed = filing.changed(destination, end, c.reason(), business(now));
    if (changed == filing) {
      return Answer.of(200, filing);
    }
    Answer overlap = overlap(filing.psnNo(), filing.kind(), filing.startDate(), end, id);
    if (overlap != null) {
      return overlap;
    }
    byId.put(id, changed);
    return Answer.of(200, changed);
  }

  /** Revokes from today on; a revoked filing answers as it is. */
  public Answer revoke(String id, String reason, ZonedDateTime now) {
    Filing filing = byId.get(id);
    if (filing == null) {
      return Answer.refused(404, "NOT_FOUND", "no such filing");
    }
    if (filing.status() == Filing.Status.REVOKED) {
      return Answer.of(200, filing);
    }
    Filing revoked = filing.revoked(reason, business(now));
    byId.put(id, revoked);
    return Answer.of(200, revoked);
  }

  /**
   * A filing of {@code psnNo} in force on {@code day} whose destination covers {@code region}, or null: what
   * makes care away from home "filed" for the settlement center. The newest, when several do.
   */
  public Filing covering(String psnNo, String region, LocalDate day) {
    List<String> ids = idsByPerson.getOrDefault(psnNo, List.of());
    for (int i = ids.size() - 1; i >= 0; i--) {
      Filing f = byId.get(ids.get(i));
      if (f.inForceOn(day) && Areas.covers(f.destinationRegion(), region)) {
        return f;
      }
    }
    return null;
  }

  /** 409 OVERLAP naming the oldest filing of that kind (other than {@code self}) in force on any of those days. */
  private Answer overlap(String psnNo, Filing.Kind kind, LocalDate from, LocalDate to, String self) {
    for (String id : idsByPerson.getOrDefault(psnNo, List.of())) {
      Filing f = byId.get(id);
      if (!id.equals(self) && f.kind() == kind && f.overlaps(from, to)) {
        return new Answer(409, null, false, new Refusal(409, "OVERLAP",
            "the person already has a " + kind + " filing for some of those days", id));
      }
    }
    return null;
  }

  private static ZonedDateTime business(ZonedDateTime now) {
    return now.withZoneSameInstant(BUSINESS_ZONE);
  }

  /** Ids are {@code BA + yyyyMMdd + sequence}; the sequence orders them whatever the clock said. */
  private static long sequenceOf(String id) {
    return Long.parseLong(id.substring(ID_PREFIX_LENGTH));
  }
}
