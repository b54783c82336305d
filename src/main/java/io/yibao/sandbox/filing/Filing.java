package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cross-region care filing (异地就医备案) as the filing system records it: who may be treated where, from when
 * until when ({@code endDate} null: until revoked), and every change made to it. Immutable: a change or a
 * revocation makes a new version with one more history entry.
 */
public record Filing(String id, String psnNo, String category, Kind kind, String destinationRegion,
                     LocalDate startDate, LocalDate endDate, Basis basis, String referralNo, Status status,
                     LocalDate revokedOn, ZonedDateTime createdAt, List<Entry> history) {

  /** Times in answers: ISO-8601 to the second, with the offset, in business time. */
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  /** 长期 (settled retirees, long-term residents, workers posted away) or 临时 (referrals, emergencies, other). */
  public enum Kind { LONG_TERM, TEMPORARY }

  /** Filed on documents, or on the person's own written commitment (个人承诺). */
  public enum Basis { DOCUMENTS, COMMITMENT }

  public enum Status { ACTIVE, REVOKED }

  public enum Action { FILED, CHANGED, REVOKED }

  /** One field's change: its value before and after (dates as text, null for open-ended). */
  public record Change(String from, String to) {
  }

  /** One line of a filing's history; {@code changes} names only the fields that changed. */
  public record Entry(ZonedDateTime at, Action action, String reason, Map<String, Change> changes) {

    JsonObject toJson() {
      JsonObject changed = new JsonObject();
      changes.forEach((field, c) -> changed.put(field, new JsonObject().put("from", c.from()).put("to", c.to())));
      return new JsonObject().put("at", TIME.format(at)).put("action", action.name()).put("reason", reason)
          .put("changes", changed);
    }
  }

  public Filing {
    history = List.copyOf(history);
  }

  /** A new, active filing with its FILED entry. */
  static Filing filed(String id, FilingRequest r, ZonedDateTime now) {
    return new Filing(id, r.psnNo(), r.category(), r.kind(), r.destinationRegion(), r.startDate(), r.endDate(),
        r.basis(), r.referralNo(), Status.ACTIVE, null, now,
        List.of(new Entry(now, Action.FILED, null, Map.of())));
  }

  /** This filing with a new destination and end; the same filing when neither differs. */
  Filing changed(String newDestination, LocalDate newEnd, String reason, ZonedDateTime now) {
    Map<String, Change> changes = new LinkedHashMap<>();
    if (!destinationRegion.equals(newDestination)) {
      changes.put("destinationRegion", new Change(destinationRegion, newDestination));
    }
    if (!Objects.equals(endDate, newEnd)) {
      changes.put("endDate", new Change(text(endDate), text(newEnd)));
    }
    if (changes.isEmpty()) {
      return this;
    }
    return new Filing(id, psnNo, category, kind, newDestination, startDate, newEnd, basis, referralNo, status,
        revokedOn, createdAt, append(new Entry(now, Action.CHANGED, reason, changes)));
  }

  /** This filing revoked today; no longer in force from today on. */
  Filing revoked(String reason, ZonedDateTime now) {
    return new Filing(id, psnNo, category, kind, destinationRegion, startDate, endDate, basis, referralNo,
        Status.REVOKED, now.toLocalDate(), createdAt, append(new Entry(now, Action.REVOKED, reason, Map.of())));
  }

  /** The last day in force: the end date, or the day before revocation if earlier; null while open-ended. */
  public LocalDate lastDay() {
    if (status != Status.REVOKED) {
      return endDate;
    }
    LocalDate beforeRevocation = revokedOn.minusDays(1);
    return endDate == null || beforeRevocation.isBefore(endDate) ? beforeRevocation : endDate;
  }

  /** Whether the filing is in force on {@code day}. */
  public boolean inForceOn(LocalDate day) {
    LocalDate last = lastDay();
    return !day.isBefore(startDate) && (last == null || !day.isAfter(last));
  }

  /** Whether the days it is in force meet [{@code from}, {@code to}] ({@code to} null: forever). */
  public boolean overlaps(LocalDate from, LocalDate to) {
    LocalDate last = lastDay();
    if (last != null && last.isBefore(startDate)) {
      return false; // revoked before it began
    }
    return (to == null || !startDate.isAfter(to)) && (last == null || !from.isAfter(last));
  }

  public JsonObject toJson() {
    JsonArray entries = new JsonArray();
    history.forEach(e -> entries.add(e.toJson()));
    return new JsonObject().put("id", id).put("psnNo", psnNo).put("category", category).put("kind", kind.name())
        .put("destinationRegion", destinationRegion).put("startDate", startDate.toString())
        .put("endDate", text(endDate)).put("basis", basis.name()).put("referralNo", referralNo)
        .put("status", status.name()).put("revokedOn", text(revokedOn)).put("createdAt", TIME.format(createdAt))
        .put("history", entries);
  }

  private List<Entry> append(Entry entry) {
    List<Entry> longer = new ArrayList<>(history);
    longer.add(entry);
    return longer;
  }

  private static String text(LocalDate day) {
    return day == null ? null : day.toString();
  }
}
