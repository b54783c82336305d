package io.yibao.sandbox.collection;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Registry;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who has paid for which benefit year, and the payment orders that recorded it. The seeded history is derived from
 * the registry on demand ({@link Person#lastPaidYear()} and the two years before it) rather than copied, so a
 * million-person population costs nothing here; only payments made in the sandbox are stored. Used only on the
 * sandbox's event loop.
 */
final class Contributions {

  /** One person's share of an order. */
  record Line(String psnNo, long amountFen) {
  }

  /** A recorded payment order: every line was recorded together, exactly once. */
  record Order(String orderId, int year, String channel, List<Line> lines, OffsetDateTime recordedAt) {

    long totalFen() {
      return lines.stream().mapToLong(Line::amountFen).sum();
    }

    /** What a replay must match to count as the same order. */
    String fingerprint() {
      StringBuilder sb = new StringBuilder().append(year).append('|').append(channel);
      lines.stream().sorted(java.util.Comparator.comparing(Line::psnNo))
          .forEach(l -> sb.append('|').append(l.psnNo()).append('=').append(l.amountFen()));
      return sb.toString();
    }

    JsonObject toJson() {
      JsonArray lineJson = new JsonArray();
      lines.forEach(l -> lineJson.add(new JsonObject().put("psnNo", l.psnNo()).put("amountFen", l.amountFen())));
      return new JsonObject().put("orderId", orderId).put("year", year).put("channel", channel)
          .put("totalFen", totalFen()).put("lines", lineJson).put("recordedAt", recordedAt.toString());
    }
  }

  /** A refused payment: HTTP status, stable code, and the person it concerns when there is one. */
  record Refusal(int status, String code, String message, String psnNo) {
    JsonObject toJson() {
      JsonObject json = new JsonObject().put("error", code).put("message", message);
      return psnNo == null ? json : json.put("psnNo", psnNo);
    }
  }

  /** Either the order (new or replayed) or why nothing was recorded. */
  record Outcome(Order order, boolean duplicate, Refusal refusal) {
  }

  private final Registry registry;
  private final CollectionPolicy policy;
  /** psnNo → year → id of the order that paid it (payments made in the sandbox only). */
  private final Map<String, Map<Integer, String>> paidHere = new HashMap<>();
  private final Map<String, Order> orders = new HashMap<>();

  Contributions(Registry registry, CollectionPolicy policy) {
    this.registry = registry;
    this.policy = policy;
  }

  /** Years {@code person} has paid for: the seeded history, then what was paid here. */
  TreeSet<Integer> paidYears(Person person) {
    TreeSet<Integer> years = new TreeSet<>();
    int last = person.lastPaidYear();
    if (last > 0) {
      // nobody paid for a year before they were born
      for (int year = Math.max(last - 2, person.birthDate().getYear()); year <= last; year++) {
        years.add(year);
      }
    }
    years.addAll(paidHere.getOrDefault(person.psnNo(), Map.of()).keySet());
    return years;
  }

  Order order(String orderId) {
    return orders.get(orderId);
  }

  /**
   * Records {@code lines} for {@code year} under {@code orderId}, all or nothing. The same orderId again with the same
   * content is a replay (the payment channel retries, the gateway retries) and records nothing.
   */
  Outcome pay(String orderId, int year, String channel, List<Line> lines, LocalDate today, OffsetDateTime now) {
    Order candidate = new Order(orderId, year, channel, List.copyOf(lines), now);
    Order seen = orders.get(orderId);
    if (seen != null) {
      return seen.fingerprint().equals(candidate.fingerprint())
          ? new Outcome(seen, true, null)
          : refused(409, "ORDER_ID_REUSED", "orderId was used for a different payment", null);
    }
    long due = policy.amountFen(year);
    if (due < 0) {
      return refused(422, "YEAR_NOT_COLLECTED", "no contribution is collected for " + year, null);
    }
    if (!policy.accepts(year, today)) {
      return refused(422, "WINDOW_NOT_OPEN", "collection for " + year + " opens on " + policy.opensOn(year), null);
    }
    Set<String> seenPersons = new HashSet<>();
    for (Line line : lines) {
      Refusal refusal = check(line, year, due, seenPersons);
      if (refusal != null) {
        return new Outcome(null, false, refusal);
      }
    }
    for (Line line : lines) {
      paidHere.computeIfAbsent(line.psnNo(), p -> new TreeMap<>()).put(year, orderId);
    }
    orders.put(orderId, candidate);
    return new Outcome(candidate, false, null);
  }

  private Refusal check(Line line, int year, long due, Set<String> seenPersons) {
    Person person = registry.person(line.psnNo());
    if (person == null) {
      return new Refusal(404, "NOT_FOUND", "no such person", line.psnNo());
    }
    if (!seenPersons.add(line.psnNo())) {
      return new Refusal(422, "DUPLICATE_LINE", "a person appears twice in the order", line.psnNo());
    }
    if (person.employee()) {
      return new Refusal(422, "NOT_RESIDENT", "employees are insured through their employer", line.psnNo());
    }
    if ("DECEASED".equals(person.status())) {
      return new Refusal(422, "NOT_ACTIVE", "the person's insurance has ended", line.psnNo());
    }
    if (paidYears(person).contains(year)) {
      return new Refusal(409, "ALREADY_PAID", "already paid for " + year, line.psnNo());
    }
    if (line.amountFen() != due) {
      return new Refusal(422, "AMOUNT_MISMATCH", "the contribution for " + year + " is " + due + " fen",
          line.psnNo());
    }
    return null;
  }

  private static Outcome refused(int status, String code, String message, String psnNo) {
    return new Outcome(null, false, new Refusal(status, code, message, psnNo));
  }

  static List<Line> lines(JsonArray json) {
    List<Line> lines = new ArrayList<>();
    for (Object o : json) {
      if (!(o instanceof JsonObject line) || !(line.getValue("psnNo") instanceof String psnNo)
          || !(line.getValue("amountFen") instanceof Number amount) || amount.doubleValue() != amount.longValue()
          || amount.longValue() <= 0) {
        return null;
      }
      lines.add(new Line(psnNo, amount.longValue()));
    }
    return lines;
  }
}
