package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;

import java.util.ArrayList;
import java.util.List;

/**
 * The contribution collection system (征缴), over the {@code collection} core client: what a resident owes for a year,
 * and recording a paid order.
 *
 * <p>Outcomes: {@link #contribution} is a read, retried by the core client. {@link #record} is sent once and
 * answers what the collection system decided; the collection system deduplicates by order id, so repeating it after
 * {@link CoreCallException} (NOT_SENT or UNKNOWN) is safe.
 */
public final class CollectionClient {

  /** The core system ({@code core.collection} in the configuration). */
  public static final String SYSTEM = "collection";

  /**
   * A person's contribution for a year. Amounts are null when the collection system gave none (it does not collect
   * the year, or the person is an employee).
   */
  public record Contribution(boolean paid, Long amountFen, Long dueFen, List<Integer> paidYears) {

    /** The last paid year before {@code year}, 0 when none. */
    public int lastPaidBefore(int year) {
      int last = 0;
      for (int paid : paidYears) {
        if (paid < year && paid > last) {
          last = paid;
        }
      }
      return last;
    }
  }

  /** The collection system's decision on a paid order: recorded, or refused with its error code. */
  public record Decision(boolean recorded, String error) {
  }

  private final CoreClient collection;

  public CollectionClient(CoreClients clients) {
    this(clients.client(SYSTEM));
  }

  public CollectionClient(CoreClient collection) {
    this.collection = collection;
  }

  public Future<Contribution> contribution(String psnNo, int year) {
    return collection.get("/persons/" + psnNo + "?year=" + year).map(answer -> {
      JsonObject c = answer.json();
      List<Integer> years = new ArrayList<>();
      for (Object y : c.getJsonArray("paidYears", new JsonArray())) {
        years.add(((Number) y).intValue());
      }
      return new Contribution(c.getBoolean("paid", false), c.getLong("amountFen"), c.getLong("dueFen"),
          List.copyOf(years));
    });
  }

  /**
   * Records the paid order: the year, how it was paid, and what each person paid. Refused e.g. {@code ALREADY_PAID}
   * (the year was paid by another payment), {@code WINDOW_NOT_OPEN}, {@code YEAR_NOT_COLLECTED}.
   */
  public Future<Decision> record(ContributionOrder order) {
    JsonObject payment = new JsonObject().put("orderId", order.id()).put("year", order.year())
        .put("channel", order.method().name()).put("lines", ContributionOrder.linesJson(order.lines()));
    return collection.post("/payments", payment).map(answer -> answer.ok() ? new Decision(true, null)
        : new Decision(false, answer.json().getString("error", "HTTP_" + answer.status())));
  }
}
