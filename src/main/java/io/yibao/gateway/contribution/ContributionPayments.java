package io.yibao.gateway.contribution;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.contribution.ContributionOrder.Line;
import io.yibao.gateway.contribution.ContributionOrder.Method;
import io.yibao.gateway.contribution.ContributionOrder.Status;
import io.yibao.gateway.core.AccountsClient;
import io.yibao.gateway.family.FamilySharingClient;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.InsuranceType;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.core.RegistryClient.Person;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.privacy.Masking;
import io.yibao.gateway.time.BusinessTime;
import io.yibao.gateway.wechatpay.JsapiPayParams;
import io.yibao.gateway.wechatpay.WechatPayClient;
import io.yibao.gateway.wechatpay.WechatPayRefused;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The resident's side of contribution payment (参保缴费): what the resident and the household members they may pay
 * for owe for a year (and any waiting period, shown before anyone pays), placing an order paid through the payment
 * channel or from an employee's personal account, and cancelling an unpaid order. What happens to an order's money
 * after that is {@link ContributionRecording}'s.
 */
public final class ContributionPayments {

  /** A placed order: {@code settled} false while a debit's answer is outstanding; {@code payment} for the channel. */
  public record Placed(ContributionOrder order, boolean settled, JsapiPayParams payment, String prepayId) {
  }

  /**
   * Who may be paid for: the payer (relation SELF), the close relatives in their household, and the relatives bound
   * to the payer's personal account by family sharing (家庭共济) for contributions.
   */
  private record Payable(Person person, String relation) {
  }

  private final GatewayConfig.Contributions config;
  private final ContributionOrders orders;
  private final WechatPayClient channel;
  private final ContributionRecording recording;
  private final RegistryClient registry;
  private final CollectionClient collection;
  private final AccountsClient accounts;
  private final FamilySharingClient familySharing;
  private final long redisStepMillis;
  private final long debitAnswerMillis;

  /**
   * @param redisStepMillis   how long one Redis step may take (the command timeout)
   * @param debitAnswerMillis how long a sent debit may still answer (the accounts client's timeout)
   */
  public ContributionPayments(GatewayConfig.Contributions config, ContributionOrders orders, WechatPayClient channel,
                              ContributionRecording recording, RegistryClient registry, CollectionClient collection,
                              AccountsClient accounts, FamilySharingClient familySharing, long redisStepMillis,
                              long debitAnswerMillis) {
    this.config = config;
    this.orders = orders;
    this.channel = channel;
    this.recording = recording;
    this.registry = registry;
    this.collection = collection;
    this.accounts = accounts;
    this.familySharing = familySharing;
    this.redisStepMillis = redisStepMillis;
    this.debitAnswerMillis = debitAnswerMillis;
  }

  /** Self, the household's close relatives and the family-sharing members for contributions, by psn_no. */
  private Future<Map<String, Payable>> payable(String self) {
    // Bindings are asked for beside the household; without an answer only the household is payable.
    Future<List<FamilySharingClient.Binding>> bound = familySharing.bindings(self, true)
        .otherwise(List.<FamilySharingClient.Binding>of());
    return registry.known(self).compose(me -> registry.closeRelatives(self).compose(relatives -> {
        Map<String, Payable> out = new LinkedHashMap<>();
        out.put(self, new Payable(me, "SELF"));
        for (RegistryClient.Relative r : relatives == null ? List.<RegistryClient.Relative>of() : relatives) {
          out.put(r.person().psnNo(), new Payable(r.person(), r.relation()));
        }
        return bound.compose(bindings -> {
          List<Future<Void>> members = new ArrayList<>();
          for (FamilySharingClient.Binding b : bindings) {
            if (b.uses().contributions() && !out.containsKey(b.memberPsnNo())) {
              members.add(registry.person(b.memberPsnNo()).map(p -> {
                if (p != null) {
                  out.put(p.psnNo(), new Payable(p, b.relation()));
                }
                return null;
              }));
            }
          }
          return Future.all(members).map(out);
        });
      }));
  }

  /** What the resident and the members they may pay for owe for {@code year}, and any waiting period. */
  public Future<JsonObject> options(ResidentSession s, int year) {
    LocalDate today = BusinessTime.today();
    boolean open = config.inWindow(year, today);
    return s.boundPerson().compose(this::payable).compose(people -> {
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
    });
  }

  private Future<JsonObject> option(String psnNo, Payable p, int year, LocalDate today, boolean open) {
    InsuranceType type = p.person().insuType();
    JsonObject row = new JsonObject().put("psnNo", psnNo).put("name", Masking.name(p.person().name()))
        .put("relation", p.relation()).put("insuType", type == null ? null : type.code());
    if (type != InsuranceType.RESIDENT) {
      return Future.succeededFuture(row.put("payable", false).put("reason", "Employees are insured through work"));
    }
    return collection.contribution(psnNo, year).map(c -> {
      WaitingPeriods.Waiting w = WaitingPeriods.of(year, c.lastPaidBefore(year), p.person().birthDate(), open);
      return row.put("payable", !c.paid())
          .put("paid", c.paid())
          .put("amountFen", c.amountFen())
          .put("dueFen", c.dueFen())
          .put("lapsedYears", w.lapsedYears())
          .put("newborn", w.newborn())
          .put("waitingMonths", w.months())
          .put("waitingMonthsIfBackPaid", w.monthsIfBackPaid())
          .put("benefitsFrom", WaitingPeriods.benefitsFrom(year, today, w.months()).toString());
    });
  }

  // --- orders --------------------------------------------------------------------------------------------------

  /** Places and pays an order for the persons (duplicates ignored) for the year. */
  public Future<Placed> place(ResidentSession s, int year, Method method, List<String> requested) {
    List<String> psnNos = new ArrayList<>(new LinkedHashSet<>(requested));
    Future<Void> allowed = method == Method.PERSONAL_ACCOUNT ? StepUp.require(s) : Future.succeededFuture();
    return allowed.compose(x -> s.boundPerson()).compose(self -> payable(self).compose(people -> {
      for (String p : psnNos) {
        if (!people.containsKey(p)) {
          return Future.failedFuture(new ProblemException(ProblemCode.NOT_A_FAMILY_MEMBER, null, "psnNos", Map.of()));
        }
        if (people.get(p).person().insuType() != InsuranceType.RESIDENT) {
          return Future.failedFuture(new ProblemException(ProblemCode.NOT_PAYABLE,
              "Only residents (" + InsuranceType.RESIDENT.code() + ") pay contributions here", "psnNos", Map.of()));
        }
      }
      if (method == Method.PERSONAL_ACCOUNT && people.get(self).person().insuType() != InsuranceType.EMPLOYEE) {
        return Future.failedFuture(new ProblemException(ProblemCode.NOT_PAYABLE,
            "Only employees have a personal account", "method", Map.of()));
      }
      return lines(psnNos, year).compose(lines -> place(s, self, year, method, lines));
    }));
  }

  /** What each person owes for the year; 409 ALREADY_PAID when one has paid. */
  private Future<List<Line>> lines(List<String> psnNos, int year) {
    List<Future<CollectionClient.Contribution>> all = new ArrayList<>();
    psnNos.forEach(p -> all.add(collection.contribution(p, year)));
    return Future.all(all).compose(x -> {
      List<Line> lines = new ArrayList<>();
      for (int i = 0; i < psnNos.size(); i++) {
        CollectionClient.Contribution c = all.get(i).result();
        if (c.paid()) {
          return Future.failedFuture(new ProblemException(ProblemCode.ALREADY_PAID, null, "psnNos", Map.of()));
        }
        lines.add(new Line(psnNos.get(i), c.amountFen()));
      }
      return Future.succeededFuture(lines);
    });
  }

  private Future<Placed> place(ResidentSession s, String self, int year, Method method, List<Line> lines) {
    long now = System.currentTimeMillis();
    long expiry = config.orderExpiryMinutes() * 60_000L;
    // Until settleBy the follow-up leaves a personal-account order alone: the steps before the debit (holds, order,
    // queue, PAYING: at most fourteen Redis round trips for ten persons) and the debit may still be under way. Moved
    // closer once the debit is sent.
    Long settleBy = method == Method.PERSONAL_ACCOUNT ? now + 15 * redisStepMillis + debitAnswerMillis : null;
    ContributionOrder order = ContributionOrder.placed(Secrets.randomId(16), s.accountId(), self, year, method, lines,
        now, now + expiry, settleBy);
    return orders.hold(order.id(), year, order.persons(), expiry + 60_000).compose(conflict -> conflict >= 0
        ? Future.failedFuture(new ProblemException(ProblemCode.IN_ANOTHER_ORDER, null, "psnNos", Map.of()))
        : orders.create(order).compose(x -> method == Method.PERSONAL_ACCOUNT
            ? payFromAccount(order)
            : payByChannel(order)));
  }

  /**
   * Debits the employee's own account once (debit id = "contrib-" + order id). Intent before action: before the
   * debit is sent, the order's follow-up is queued (it will ask the ledger if no answer comes), its persons are
   * held for as long as the order lives, and the order is PAYING, which neither expires nor can be cancelled or
   * replaced. A known answer settles it here: PAID (the follow-up then records it), or refused → FAILED and the
   * persons released. A lost answer → PAYING, not settled; the follow-up resolves it (see
   * {@link ContributionRecording}).
   */
  private Future<Placed> payFromAccount(ContributionOrder order) {
    String id = order.id();
    return recording.enqueue(id)
        .compose(x -> orders.keepHolds(order))
        .compose(held -> held ? orders.transition(id, Status.AWAITING_PAYMENT, Status.PAYING, ContributionOrder.DEBIT_AT,
                Long.toString(System.currentTimeMillis()), ContributionOrder.SETTLE_BY,
                Long.toString(System.currentTimeMillis() + redisStepMillis + debitAnswerMillis))
            : Future.failedFuture(new ProblemException(ProblemCode.IN_ANOTHER_ORDER, null, "psnNos", Map.of())))
        .compose(paying -> !paying
            ? orders.get(id).map(o -> new Placed(o, true, null, null)) // cancelled before the debit: nothing moved
            : accounts.debit(new AccountsClient.Movement(ContributionRecording.debitId(id), order.payer(),
                    order.totalFen(), "CONTRIBUTION", "contribution " + order.year()))
                .compose(debit -> debited(id, debit), failure -> debitUnanswered(id, failure)));
  }

  private Future<Placed> debited(String id, AccountsClient.Decision debit) {
    if (debit.done()) {
      // Moved or not (the follow-up may have been first), the order as it stands: PAID or beyond.
      return orders.change(id, Status.PAYING, Status.PAID, ContributionOrder.PAID_AT,
          Long.toString(System.currentTimeMillis()), ContributionOrder.TXN, ContributionRecording.accountTransaction(id))
          .map(c -> new Placed(c.record(), true, null, null));
    }
    String error = debit.error() == null ? "REFUSED" : debit.error();
    return orders.change(id, Status.PAYING, Status.FAILED, ContributionOrder.ERR, error)
        .compose(c -> c.moved() ? orders.release(c.record()) : Future.succeededFuture())
        .compose(x -> Future.failedFuture("INSUFFICIENT_BALANCE".equals(error)
            ? new ProblemException(ProblemCode.INSUFFICIENT_BALANCE, "Nothing was debited")
            : new ProblemException(ProblemCode.NOT_PAYABLE, "The account system refused: " + error)));
  }

  private Future<Placed> debitUnanswered(String id, Throwable failure) {
    if (failure instanceof CoreCallException lost && lost.mayHaveHappened()) {
      // Sent, no answer: the follow-up queued before the debit asks the ledger; the persons stay held until then.
      return orders.get(id).map(o -> new Placed(o, false, null, null));
    }
    if (failure instanceof CoreCallException) {
      // Never sent (breaker open, bulkhead full, no connection): nothing can have moved.
      return orders.change(id, Status.PAYING, Status.FAILED, ContributionOrder.ERR,
              "the personal-account system is unavailable")
          .compose(c -> c.moved() ? orders.release(c.record()) : Future.succeededFuture())
          .compose(x -> Future.failedFuture(failure));
    }
    return Future.failedFuture(failure); // e.g. Redis: the order stays PAYING and the follow-up resolves it
  }

  private Future<Placed> payByChannel(ContributionOrder order) {
    String id = order.id();
    return channel.prepay(id, "城乡居民医保缴费 " + order.year(), order.totalFen(), "openid-" + order.accountId())
        .compose(prepayId -> orders.prepaid(id, prepayId).compose(x -> orders.get(id))
            .map(o -> new Placed(o, true, channel.payParams(prepayId), prepayId)))
        .recover(failure -> orders.transition(id, Status.AWAITING_PAYMENT, Status.FAILED, ContributionOrder.ERR,
                "channel unavailable")
            .compose(x -> orders.release(order))
            .compose(x -> Future.failedFuture(failure)));
  }

  /** The resident's own order; 404 for anyone else's, as for none. */
  public Future<ContributionOrder> mine(ResidentSession s, String id) {
    return orders.get(id).compose(o -> o != null && s.accountId().equals(o.accountId()) ? Future.succeededFuture(o)
        : Future.failedFuture(new ProblemException(ProblemCode.NOT_FOUND, null)));
  }

  /** A page of the resident's orders, newest first, and how many there are. */
  public Future<Page> list(ResidentSession s, int offset, int count) {
    return orders.countOfAccount(s.accountId()).compose(total -> orders.ofAccount(s.accountId(), offset, count)
        .compose(ids -> {
          List<Future<ContributionOrder>> all = new ArrayList<>();
          ids.forEach(id -> all.add(orders.get(id)));
          return Future.all(all).map(x -> new Page(all.stream().map(Future::result)
              .filter(java.util.Objects::nonNull).toList(), total));
        }));
  }

  /** Some of the resident's orders, and how many they have in all. */
  public record Page(List<ContributionOrder> items, long total) {
  }

  /**
   * Only while unpaid (not while PAYING: a debit in flight is resolved first): the channel closes the prepay first,
   * so a payment cannot slip in after the cancel. When the channel answers that the order was paid (its notify has
   * not arrived yet), the payment is taken as its notify would be, and the cancel is refused.
   */
  public Future<ContributionOrder> cancel(ResidentSession s, String id) {
    return mine(s, id).compose(o -> {
      if (o.effectiveStatus(System.currentTimeMillis()) != Status.AWAITING_PAYMENT) {
        return Future.failedFuture(new ProblemException(ProblemCode.ORDER_NOT_CANCELLABLE, null));
      }
      Future<Void> closed = o.method() == Method.WECHAT_PAY
          ? channel.close(o.id()).recover(e -> e instanceof WechatPayRefused refused && refused.orderPaid()
              ? paidMeanwhile(o) : Future.failedFuture(e))
          : Future.succeededFuture();
      return closed.compose(x -> orders.transition(o.id(), Status.AWAITING_PAYMENT, Status.CANCELLED))
          .compose(moved -> moved ? orders.release(o).compose(y -> orders.get(o.id()))
              : Future.failedFuture(new ProblemException(ProblemCode.ORDER_NOT_CANCELLABLE, null)));
    });
  }

  private Future<Void> paidMeanwhile(ContributionOrder o) {
    return channel.query(o.id())
        .compose(t -> "SUCCESS".equals(t.tradeState()) && t.totalFen() == o.totalFen()
            ? recording.paymentTaken(o, t.transactionId()) : Future.succeededFuture())
        .compose(x -> Future.failedFuture(new ProblemException(ProblemCode.ORDER_NOT_CANCELLABLE,
            "The order has been paid")));
  }
}
