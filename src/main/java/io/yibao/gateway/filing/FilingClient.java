package io.yibao.gateway.filing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.core.CoreResponse;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cross-region filing system (异地就医备案), over the {@code filing} core client. It is the source of truth for
 * filings; the gateway decides the category rules before it calls, the filing system checks what needs its records
 * (the person, the hospital's referral documents, overlap) and keeps each filing's history.
 *
 * <p>Outcomes: reads are retried by the core client and answer null for "no such filing". {@link #file} is sent once
 * under the caller's request id, which the filing system deduplicates: after {@link CoreCallException} (NOT_SENT or
 * UNKNOWN) the caller asks {@link #filedUnder} what became of it, and sending it again under the same id can never
 * file twice. {@link #change} and {@link #revoke} are safe to repeat (a change to what already is, or revoking a
 * revoked filing, changes nothing). The filing system's refusals are the problems the resident sees:
 * FILING_OVERLAP (with {@code conflictingFilingId}), FILING_REFERRAL_UNKNOWN, FILING_NOT_ACTIVE, NOT_FOUND.
 */
public final class FilingClient {

  /** The core system ({@code core.filing} in the configuration). */
  public static final String SYSTEM = "filing";

  /** A filing to be made, as the gateway's rules settled it. {@code endDate} null: open-ended. */
  public record NewFiling(String requestId, String psnNo, FilingCategory category, String destinationRegion,
                          LocalDate startDate, LocalDate endDate, Filing.Basis basis, String referralNo) {

    JsonObject toJson() {
      return new JsonObject().put("requestId", requestId).put("psnNo", psnNo).put("category", category.name())
          .put("kind", category.kind().name()).put("destinationRegion", destinationRegion)
          .put("startDate", startDate.toString()).put("endDate", endDate == null ? null : endDate.toString())
          .put("basis", basis.name()).put("referralNo", referralNo);
    }
  }

  private final CoreClient filing;

  public FilingClient(CoreClients clients) {
    this(clients.client(SYSTEM));
  }

  public FilingClient(CoreClient filing) {
    this.filing = filing;
  }

  /** Files it: the new filing, or the one filed before under the same request id. */
  public Future<Filing> file(NewFiling request) {
    return filing.post("/filings", request.toJson()).map(answer -> filingOrRefusal(answer, "referral"));
  }

  /** The filing made under {@code requestId}, or null when none was (what a lost answer became). */
  public Future<Filing> filedUnder(String requestId) {
    return filing.get("/requests/" + requestId).map(FilingClient::filingOrNull);
  }

  /** Every filing of these persons (at most 10), newest first, as the filing system's JSON list. */
  public Future<JsonObject> filingsOf(List<String> psnNos) {
    return filing.get("/filings?psnNo=" + String.join(",", psnNos)).map(answer -> {
      if (!answer.ok()) {
        throw refusal(answer, null);
      }
      return new JsonObject().put("filings", answer.json().getJsonArray("filings", new JsonArray()));
    });
  }

  /** The filings of a list as {@link #filingsOf} answers it. */
  public static List<Filing> parse(JsonObject list) {
    List<Filing> out = new ArrayList<>();
    for (Object o : list.getJsonArray("filings", new JsonArray())) {
      out.add(Filing.fromJson((JsonObject) o));
    }
    return out;
  }

  /** One filing, or null when the filing system has none of that id. */
  public Future<Filing> filing(String id) {
    return filing.get("/filings/" + id).map(FilingClient::filingOrNull);
  }

  /**
   * Changes the destination and/or the end date; {@code endDate} is sent only when {@code changeEnd} (null then
   * means open-ended). Kept in the filing's history with {@code reason} (OTHER when none was given).
   */
  public Future<Filing> change(String id, String destinationRegion, boolean changeEnd, LocalDate endDate,
                               String reason) {
    JsonObject body = new JsonObject().put("reason", reason == null ? "OTHER" : reason);
    if (destinationRegion != null) {
      body.put("destinationRegion", destinationRegion);
    }
    if (changeEnd) {
      body.put("endDate", endDate == null ? null : endDate.toString());
    }
    return filing.post("/filings/" + id + "/change", body).map(answer -> filingOrRefusal(answer, null));
  }

  public Future<Filing> revoke(String id, String reason) {
    return filing.post("/filings/" + id + "/revoke", new JsonObject().put("reason", reason == null ? "OTHER" : reason))
        .map(answer -> filingOrRefusal(answer, null));
  }

  private static Filing filingOrNull(CoreResponse answer) {
    if (answer.status() == 404) {
      return null;
    }
    if (!answer.ok()) {
      throw refusal(answer, null);
    }
    return Filing.fromJson(answer.json());
  }

  private static Filing filingOrRefusal(CoreResponse answer, String referralField) {
    if (!answer.ok()) {
      throw refusal(answer, referralField);
    }
    return Filing.fromJson(answer.json());
  }

  /** The filing system's refusal as the resident's problem; anything else it refuses is a gateway bug. */
  private static RuntimeException refusal(CoreResponse answer, String referralField) {
    JsonObject body = answer.json();
    String error = body == null ? null : body.getString("error");
    if ("OVERLAP".equals(error)) {
      String conflicting = body.getString("conflictingFilingId");
      return new ProblemException(ProblemCode.FILING_OVERLAP, "Overlaps filing " + conflicting, null, Map.of(),
          new JsonObject().put("conflictingFilingId", conflicting));
    }
    if ("REFERRAL_UNKNOWN".equals(error)) {
      return new ProblemException(ProblemCode.FILING_REFERRAL_UNKNOWN, null, referralField, Map.of());
    }
    if ("NOT_ACTIVE".equals(error)) {
      return new ProblemException(ProblemCode.FILING_NOT_ACTIVE, null);
    }
    if (answer.status() == 404) {
      return new ProblemException(ProblemCode.NOT_FOUND, null);
    }
    return new IllegalStateException("the filing system refused a request the gateway built: HTTP " + answer.status()
        + " " + error);
  }
}
