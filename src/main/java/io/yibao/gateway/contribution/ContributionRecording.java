package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.contribution.ContributionOrders.Status;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Gets every paid order recorded at the collection system: at least once through the durable outbox (a Redis
 * stream, retried with back-off, surviving restarts), and exactly once there because the collection system
 * deduplicates by order id. A recorded order moves from PAID to RECORDED.
 */
public final class ContributionRecording {

  private static final Logger LOG = LoggerFactory.getLogger(ContributionRecording.class);

  private final Outbox outbox;
  private final ContributionOrders orders;
  private final CoreClient collection;

  public ContributionRecording(Outbox outbox, ContributionOrders orders, CoreClient collection) {
    this.outbox = outbox;
    this.orders = orders;
    this.collection = collection;
  }

  /** Durable before it returns: the caller may report the order paid. */
  public Future<Void> enqueue(String orderId) {
    return outbox.enqueue(orderId, new JsonObject().put("orderId", orderId)).mapEmpty();
  }

  public void start() {
    outbox.start(message -> deliver(message.payload().getString("orderId")));
  }

  public void stop() {
    outbox.stop();
  }

  Future<Outbox.Delivery> deliver(String orderId) {
    return orders.get(orderId).compose(o -> {
      if (o == null) {
        return Future.succeededFuture(Outbox.Delivery.DEAD);
      }
      if (!Status.PAID.name().equals(o.get("status"))) {
        return Future.succeededFuture(Outbox.Delivery.OK); // already recorded (or refunded): nothing to do
      }
      JsonObject payment = new JsonObject().put("orderId", orderId).put("year", Integer.parseInt(o.get("year")))
          .put("channel", o.get("method")).put("lines", new JsonArray(o.get("lines")));
      return collection.post("/payments", payment).compose(answer -> {
        if (answer.ok()) {
          return orders.transition(orderId, Status.PAID, Status.RECORDED, "recordedAt",
              Long.toString(System.currentTimeMillis())).map(Outbox.Delivery.OK);
        }
        // A refusal will not change by retrying; the money is taken, so this needs a person: say so loudly.
        LOG.error("collection refused a paid contribution order", kv("order", orderId), kv("status", answer.status()),
            kv("error", answer.json().getString("error")));
        return orders.set(orderId, "err", "collection refused: " + answer.json().getString("error"))
            .map(Outbox.Delivery.DEAD);
      }, unavailable -> Future.succeededFuture(Outbox.Delivery.RETRY));
    });
  }
}
