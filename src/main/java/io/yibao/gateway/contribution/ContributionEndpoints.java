package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.contribution.ContributionOrders.Status;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.core.CoreResponse;
import io.yibao.gateway.http.Validated;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.http.Responses;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.wechatpay.WechatPayClient;
import io.yibao.gateway.wechatpay.WechatPayRefused;
import io.yibao.gateway.privacy.Masking;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Contribution payment (参保缴费) under {@code /api/v1/contributions}: what the resident and the household members
 * they may pay for owe for a year (and any waiting period, shown before anyone pays), orders paid through the
 * payment channel or from an employee's personal account, and cancelling an unpaid order.
 */
public final class ContributionEndpoints {

  private final GatewayConfig.Contributions config;
  private final ContributionOrders orders;
  private final Idempotency idempotency;
  private final WechatPayClient channel;
  private final ContributionRecording recording;
  private final CoreClient registry;
  private final CoreClient collection;
  private final CoreClient personalAccounts;
  private final long redisStepMillis;
  private final long debitAnswerMillis;

  /**
   * @param redisStepMillis   how long one Redis step may take (the command timeout)
   * @param debitAnswerMillis how long a sent debit may still answer (the accounts client's timeout)
   */
  public ContributionEndpoints(GatewayConfig.Contributions config, ContributionOrders orders,
                               Idempotency idempotency, WechatPayClient channel, ContributionRecording recording,
                               CoreClients core, long redisStepMillis, long debitAnswerMillis) {
    this.redisStepMillis = redisStepMillis;
    this.debitAnswerMillis = debitAnswerMillis;
    this.config = config;
    this.orders = orders;
    this.idempotency = idempotency;
    this.channel = channel;
    this.recording = recording;
    this.registry = core.client("registry");
    this.collection = core.client("collection");
    this.personalAccounts = core.client("accounts");
  }

  public void register(Operations operations) {
    operations.on("getContributionOptions", this::options)
        .on("createContributionOrder", this::create)
        .on("getContributionOrder", this::get)
        .on("listContributionOrders", this::list)
        .on("cancelContributionOrder", this::cancel);
  }

  static LocalDate today() {
    return LocalDate.now(ContributionOrders.SHANGHAI);
  }


  /** Self and the household's close relatives: psn → {name, relation (null for self), insuType, birthDate}. */
  private Future<Map<String, JsonObject>> payable(String self) {
    return registry.get("/persons/" + self).compose(me -> registry.get("/persons/" + self + "/household").map(h -> {
      Map<String, JsonObject> out = new LinkedHashMap<>();
      out.put(self, me.json().put("relation", "SELF"));
      for (Object o : h.json().getJsonArray("members", new JsonArray())) {
        JsonObject m = (JsonObject) o;
        if (m.getString("relation") != null) {
          out.put(m.getString("psnNo"), m);
        }
      }
      return out;
    }));
  }

  private Future<JsonObject> contributionOf(String psnNo, int year) {
    return collection.get("/persons/" + psnNo + "?year=" + year).map(CoreResponse::json);
  }

  private void options(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    int year = Validated.queryInt(rc, "year", 0);
    LocalDate today = today();
    boolean open = config.inWindow(year, today);
    s.boundPerson().compose(this::payable).compose(people -> {
      List<Future<JsonObject>> rows = new ArrayList<>();
      people.forEach((psnNo, p) -> rows.add(option(psnNo, p, year, today, open)));
      return Future.all(rows).map(x -> {
        JsonArray items = new JsonArray();
        rows.forEach(f -> items.add(f.result()));
        return new JsonObject().put("year", year).put("windowOpen", open)
            .put("window", new JsonObject().put("opens", config.windowOpens().atYear(year - 1).toString())
                .put("closes", config.windowCloses().atYear(year - 1).toString()))
            .put("persons", items);
      });
    }).onComplete(r -> Responses.reply(rc, 200, r));
  }

  private Future<JsonObject> option(String psnNo, JsonObject person, int year, LocalDate today, boolean open) {
    JsonObject row = new JsonObject().put("psnNo", psnNo).put("name", Masking.name(person.getString("name")))
        .put("relation", person.getString("relation")).put("insuType", person.getString("insuType"));
    if (!"390".equals(person.getString("insuType"))) {
      return Future.succeededFuture(row.put("payable", false).put("reason", "Employees are insured through work"));
    }
    return contributionOf(psnNo, year).map(c -> {
      WaitingPeriods.Waiting w = WaitingPeriods.of(year, lastPaidBefore(c, year),
          LocalDate.parse(person.getString("birthDate")), open);
      return row.put("payable", !c.getBoolean("paid", false))
          .put("paid", c.getBoolean("paid", false))
          .put("amountFen", c.getLong("amountFen"))
          .put("dueFen", c.getLong("dueFen"))
          .put("lapsedYears", w.lapsedYears())
          .put("newborn", w.newborn())
          .put("waitingMonths", w.months())
          .put("waitingMonthsIfBackPaid", w.monthsIfBackPaid())
          .put("benefitsFrom", WaitingPeriods.benefitsFrom(year, today, w.months()).toString());
    });
  }

  /** The last paid year before {@code year}, from the collection system's paid years. */
  static int lastPaidBefore(JsonObject contribution, int year) {
    int last = 0;
    for (Object y : contribution.getJsonArray("paidYears", new JsonArray())) {
      int paid = ((Number) y).intValue();
      if (paid < year && paid > last) {
        last = paid;
      }
    }
    return last;
  }

  // --- orders --------------------------------------------------------------------------------------------------

  private void create(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    JsonObject body = rc.body().asJsonObject();
    idempotency.respond(rc, "contrib:" + s.accountId(), attempt -> createOnce(s, body));
  }

  private Future<Idempotency.Answer> createOnce(ResidentSession s, JsonObject body) {
    int year = body.getInteger("year");
    String method = body.getString("method");
    List<String> psnNos = new ArrayList<>(new java.util.LinkedHashSet<>(
        body.getJsonArray("psnNos").stream().map(String::valueOf).toList()));
    Future<Void> allowed = "PERSONAL_ACCOUNT".equals(method) ? StepUp.require(s) : Future.succeededFuture();
    return allowed.compose(x -> s.boundPerson()).compose(self -> payable(self).compose(people -> {
      for (String p : psnNos) {
        if (!people.containsKey(p)) {
          return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER, null, "psnNos", Map.of()));
        }
        if (!"390".equals(people.get(p).getString("insuType"))) {
          return Future.failedFuture(new ProblemException(ProblemCode.NOT_PAYABLE,
              "Only residents (390) pay contributions here", "psnNos", Map.of()));
        }
      }
      if ("PERSONAL_ACCOUNT".equals(method) && !"310".equals(people.get(self).getString("insuType"))) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_PAYABLE,
            "Only employees have a personal account", "method", Map.of()));
      }
      return lines(psnNos, year).compose(lines -> place(s, self, year, method, psnNos, lines));
    }));
  }

  /** What each person owes for the year; 409 ALREADY_PAID when one has paid. */
  private Future<JsonArray> lines(List<String> psnNos, int year) {
    List<Future<JsonObject>> all = new ArrayList<>();
    psnNos.forEach(p -> all.add(contributionOf(p, year)));
    return Future.all(all).compose(x -> {
      JsonArray lines = new JsonArray();
      for (int i = 0; i < psnNos.size(); i++) {
        JsonObject c = all.get(i).result();
        if (c.getBoolean("paid", false)) {
          return Future.failedFuture(new ProblemException(ProblemCode.ALREADY_PAID, null, "psnNos", Map.of()));
        }
        lines.add(new JsonObject().put("psnNo", psnNos.get(i)).put("amountFen", c.getLong("amountFen")));
      }
      return Future.succeededFuture(lines);
    });
  }

  private Future<Idempotency.Answer> place(ResidentSession s, String self, int year, String method,
                                           List<String> psnNos, JsonArray lines) {
    String id = Secrets.randomId(16);
    long now = System.currentTimeMillis();
    long expiry = config.orderExpiryMinutes() * 60_000L;
    long total = 0;
    for (Object l : lines) {
      total = Math.addExact(total, ((JsonObject) l).getLong("amountFen"));
    }
    Map<String, String> order = new HashMap<>();
    order.put("id", id);
    order.put("acct", s.accountId());
    order.put("payer", self);
    order.put("year", Integer.toString(year));
    order.put("method", method);
    order.put("total", Long.toString(total));
    order.put("lines", lines.encode());
    order.put("status", Status.AWAITING_PAYMENT.name());
    order.put("createdAt", Long.toString(now));
    order.put("expiresAt", Long.toString(now + expiry));
    if ("PERSONAL_ACCOUNT".equals(method)) {
      // Until then the follow-up leaves the order alone: the steps before the debit (holds, order, queue, PAYING:
      // at most fourteen Redis round trips for ten persons) and the debit may still be under way. Moved closer
      // once the debit is sent.
      order.put("settleBy", Long.toString(now + 15 * redisStepMillis + debitAnswerMillis));
    }
    long amount = total;
    return orders.hold(id, year, psnNos, expiry + 60_000).compose(conflict -> conflict >= 0
        ? Future.failedFuture(new ProblemException(ProblemCode.IN_ANOTHER_ORDER, null, "psnNos", Map.of()))
        : orders.create(order).compose(x -> "PERSONAL_ACCOUNT".equals(method)
            ? payFromAccount(order, psnNos, amount)
            : payByChannel(order, psnNos, amount)));
  }

  /**
   * Debits the employee's own account once (debit id = "contrib-" + order id). Intent before action: before the
   * debit is sent, the order's follow-up is queued (it will ask the ledger if no answer comes), its persons are
   * held for as long as the order lives, and the order is PAYING, which neither expires nor can be cancelled or
   * replaced. A known answer settles it here: 201 PAID (the follow-up then records it), or refused → FAILED and the
   * persons released. A lost answer → 202 PAYING; the follow-up resolves it (see {@link ContributionRecording}).
   */
  private Future<Idempotency.Answer> payFromAccount(Map<String, String> order, List<String> psnNos, long amount) {
    String id = order.get("id");
    int year = Integer.parseInt(order.get("year"));
    return recording.enqueue(id)
        .compose(x -> orders.keepHolds(id, year, psnNos))
        .compose(held -> held ? orders.transition(id, Status.AWAITING_PAYMENT, Status.PAYING, "debitAt",
                Long.toString(System.currentTimeMillis()), "settleBy",
                Long.toString(System.currentTimeMillis() + redisStepMillis + debitAnswerMillis))
            : Future.failedFuture(new ProblemException(ProblemCode.IN_ANOTHER_ORDER, null, "psnNos", Map.of())))
        .compose(paying -> !paying
            ? orders.get(id).map(o -> answer(201, o)) // cancelled before the debit was sent: nothing moved
            : personalAccounts.post("/debits", new JsonObject().put("id", ContributionRecording.debitId(id))
                    .put("psnNo", order.get("payer")).put("amountFen", amount).put("kind", "CONTRIBUTION")
                    .put("memo", "contribution " + year))
                .compose(debit -> debited(id, debit), failure -> debitUnanswered(id, failure)));
  }

  private Future<Idempotency.Answer> debited(String id, CoreResponse debit) {
    if (debit.ok()) {
      // Moved or not (the follow-up may have been first), the order as it stands: PAID or beyond.
      return orders.change(id, Status.PAYING, Status.PAID, "paidAt", Long.toString(System.currentTimeMillis()),
          "txn", "acct-" + id).map(c -> answer(201, c.order()));
    }
    String error = debit.json().getString("error", "REFUSED");
    return orders.change(id, Status.PAYING, Status.FAILED, "err", error)
        .compose(c -> c.moved() ? orders.release(c.order()) : Future.succeededFuture())
        .compose(x -> Future.failedFuture("INSUFFICIENT_BALANCE".equals(error)
            ? new ProblemException(ProblemCode.INSUFFICIENT_BALANCE, "Nothing was debited")
            : new ProblemException(ProblemCode.NOT_PAYABLE, "The account system refused: " + error)));
  }

  private Future<Idempotency.Answer> debitUnanswered(String id, Throwable failure) {
    if (failure instanceof CoreCallException lost && lost.mayHaveHappened()) {
      // Sent, no answer: the follow-up queued before the debit asks the ledger; the persons stay held until then.
      return orders.get(id).map(o -> answer(202, o));
    }
    if (failure instanceof CoreCallException) {
      // Never sent (breaker open, bulkhead full, no connection): nothing can have moved.
      return orders.change(id, Status.PAYING, Status.FAILED, "err", "the personal-account system is unavailable")
          .compose(c -> c.moved() ? orders.release(c.order()) : Future.succeededFuture())
          .compose(x -> Future.failedFuture(failure));
    }
    return Future.failedFuture(failure); // e.g. Redis: the order stays PAYING and the follow-up resolves it
  }

  private Future<Idempotency.Answer> payByChannel(Map<String, String> order, List<String> psnNos, long amount) {
    String id = order.get("id");
    return channel.prepay(id, "城乡居民医保缴费 " + order.get("year"), amount, "openid-" + order.get("acct"))
        .compose(prepayId -> orders.set(id, "prepay", prepayId).compose(x -> orders.get(id))
            .map(o -> {
              Idempotency.Answer a = answer(201, o);
              JsonObject body = a.body().toJsonObject()
                  .put("payment", channel.payParams(prepayId).toJson().put("prepayId", prepayId));
              return Idempotency.Answer.json(201, body, Map.of("Location", "/api/v1/contributions/orders/" + id));
            }))
        .recover(failure -> orders.transition(id, Status.AWAITING_PAYMENT, Status.FAILED, "err", "channel unavailable")
            .compose(x -> orders.release(id, Integer.parseInt(order.get("year")), psnNos))
            .compose(x -> Future.failedFuture(failure)));
  }

  private Future<Void> paidMeanwhile(Map<String, String> o) {
    return channel.query(o.get("id"))
        .compose(t -> "SUCCESS".equals(t.tradeState()) && t.totalFen() == Long.parseLong(o.get("total"))
            ? recording.paymentTaken(o, t.transactionId()) : Future.succeededFuture())
        .compose(x -> Future.failedFuture(new ProblemException(ProblemCode.ORDER_NOT_CANCELLABLE,
            "The order has been paid")));
  }

  static Idempotency.Answer answer(int status, Map<String, String> o) {
    return Idempotency.Answer.json(status, ContributionOrders.view(o, System.currentTimeMillis()),
        Map.of("Location", "/api/v1/contributions/orders/" + o.get("id")));
  }

  private Future<Map<String, String>> mine(ResidentSession s, String id) {
    return orders.get(id).compose(o -> o != null && s.accountId().equals(o.get("acct")) ? Future.succeededFuture(o)
        : Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null)));
  }

  private void get(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    mine(s, rc.pathParam("id")).map(o -> ContributionOrders.view(o, System.currentTimeMillis()))
        .onComplete(r -> Responses.reply(rc, 200, r));
  }

  private void list(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    int page = Validated.queryInt(rc, "page", 1);
    int size = Validated.queryInt(rc, "size", 20);
    orders.countOfAccount(s.accountId()).compose(total -> orders.ofAccount(s.accountId(), (page - 1) * size, size)
        .compose(ids -> {
          List<Future<Map<String, String>>> all = new ArrayList<>();
          ids.forEach(id -> all.add(orders.get(id)));
          return Future.all(all).map(x -> {
            JsonArray items = new JsonArray();
            all.forEach(f -> {
              if (f.result() != null) {
                items.add(ContributionOrders.view(f.result(), System.currentTimeMillis()));
              }
            });
            return new JsonObject().put("items", items).put("page", page).put("size", size).put("total", total);
          });
        })).onComplete(r -> Responses.reply(rc, 200, r));
  }

  /**
   * Only while unpaid (not while PAYING: a debit in flight is resolved first): the channel closes the prepay first,
   * so a payment cannot slip in after the cancel. When the channel answers that the order was paid (its notify has
   * not arrived yet), the payment is taken as its notify would be, and the cancel is refused.
   */
  private void cancel(RoutingContext rc) {
    ResidentSession s = ResidentSession.of(rc);
    mine(s, rc.pathParam("id")).compose(o -> {
      if (!Status.AWAITING_PAYMENT.name().equals(ContributionOrders.effectiveStatus(o, System.currentTimeMillis()))) {
        return Future.failedFuture(new ProblemException(ProblemCode.ORDER_NOT_CANCELLABLE, null));
      }
      Future<Void> closed = "WECHAT_PAY".equals(o.get("method"))
          ? channel.close(o.get("id")).recover(e -> e instanceof WechatPayRefused refused && refused.orderPaid()
              ? paidMeanwhile(o) : Future.failedFuture(e))
          : Future.succeededFuture();
      List<String> psnNos = new JsonArray(o.get("lines")).stream().map(l -> ((JsonObject) l).getString("psnNo")).toList();
      return closed.compose(x -> orders.transition(o.get("id"), Status.AWAITING_PAYMENT, Status.CANCELLED))
          .compose(moved -> moved ? orders.release(o.get("id"), Integer.parseInt(o.get("year")), psnNos)
              .compose(y -> orders.get(o.get("id")))
              : Future.failedFuture(new ProblemException(ProblemCode.ORDER_NOT_CANCELLABLE, null)));
    }).map(o -> ContributionOrders.view(o, System.currentTimeMillis())).onComplete(r -> Responses.reply(rc, 200, r));
  }
}
