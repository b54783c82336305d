package io.yibao.gateway.family;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.auth.ResidentSession;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.RegistryClient;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.family.WalletTransfer.Status;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.identity.StepUp;
import io.yibao.gateway.redis.Transition;
import io.yibao.gateway.time.BusinessTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Wallet transfers (医保钱包转账): an employee's personal account sends money to the insurance wallet of a relative
 * bound to it for that use (家庭共济), after a step-up, within the limits of {@code family.*}.
 *
 * <p>Checks, each its own problem, before anything is written: the amount (422 TRANSFER_AMOUNT_TOO_HIGH), the hour
 * (409 TRANSFER_QUIET_HOURS until their end), an ACTIVE binding with {@code uses.wallet} (422 FAMILY_NOT_BOUND),
 * the recipient insured (422 RECIPIENT_NOT_INSURED) with an opened wallet (422 WALLET_NOT_OPENED); then the day's
 * count is taken atomically with the transfer's record (409 TRANSFER_DAILY_LIMIT_REACHED until the next business
 * day), and given back whenever the transfer definitely did not move.
 *
 * <p>Intent before action: the record (PENDING) and its entry on the work queue {@code transfers} exist before the
 * transfer is sent, under a random id the accounts system deduplicates by. Known answers settle it here: moved
 * (201 SENT or RECEIVED), refused (the problem; FAILED, slot back), never sent (503; FAILED, slot back). A lost
 * answer is 202 PENDING, and {@link TransferResolution} finds out from the accounts system what happened — it never
 * sends again. A re-run of the same Idempotency-Key (its first answer lost with Redis) finds the transfer it made
 * and answers from it, instead of sending a second one.
 */
public final class WalletTransfers {

  private static final Logger LOG = LoggerFactory.getLogger(WalletTransfers.class);
  /** Outgoing and incoming transfers listed, each. */
  static final int LIST_MAX = 50;

  private final GatewayConfig.Family config;
  private final TransferCalendar calendar;
  private final WalletTransferRecords records;
  private final TransferResolution resolution;
  private final FamilySharingClient sharing;
  private final RegistryClient registry;

  public WalletTransfers(GatewayConfig.Family config, TransferCalendar calendar, WalletTransferRecords records,
                         TransferResolution resolution, FamilySharingClient sharing, RegistryClient registry) {
    this.config = config;
    this.calendar = calendar;
    this.records = records;
    this.resolution = resolution;
    this.sharing = sharing;
    this.registry = registry;
  }

  /**
   * Transfers {@code amountFen} from the bound person's account to {@code toPsnNo}'s wallet, once per
   * Idempotency-Key ({@code scope}, {@code idempotencyKey}). The transfer as it stands: PENDING when the answer was
   * lost, else SENT or RECEIVED (RETURNED for a re-run of an old key).
   */
  public Future<WalletTransfer> transfer(ResidentSession s, String scope, String idempotencyKey, String toPsnNo,
                                         long amountFen) {
    return StepUp.require(s).compose(x -> s.boundPerson()).compose(sharer ->
        records.ofKey(sharer, scope, idempotencyKey).compose(earlier -> {
          if (earlier != null && earlier.status() != Status.FAILED) {
            // This key's first run sent it; its answer was lost with Redis. Never a second one.
            return earlier.sameAs(toPsnNo, amountFen) ? Future.succeededFuture(earlier)
                : Future.failedFuture(new ProblemException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key belongs to another transfer", "Idempotency-Key", Map.of()));
          }
          return checked(sharer, toPsnNo, amountFen).compose(at -> open(sharer, toPsnNo, amountFen, at, scope,
              idempotencyKey));
        }));
  }

  /** The limits and the recipient, in that order; answers the time the transfer is made at. */
  private Future<ZonedDateTime> checked(String sharer, String toPsnNo, long amountFen) {
    if (amountFen > config.maxTransferFen()) {
      return Future.failedFuture(new ProblemException(ProblemCode.TRANSFER_AMOUNT_TOO_HIGH,
          "At most " + config.maxTransferFen() + " fen per transfer", "amountFen", Map.of(),
          new JsonObject().put("maxAmountFen", config.maxTransferFen())));
    }
    ZonedDateTime now = calendar.now();
    var quietUntil = calendar.quietUntil(now);
    if (quietUntil.isPresent()) {
      return Future.failedFuture(untilThen(ProblemCode.TRANSFER_QUIET_HOURS,
          "No transfers from " + config.quietHoursFrom() + " to " + config.quietHoursTo(), now, quietUntil.get()));
    }
    // Asked together, judged in order: one round trip instead of three.
    Future<List<FamilySharingClient.Binding>> bindings = sharing.bindings(sharer, true);
    Future<RegistryClient.Person> recipient = registry.person(toPsnNo);
    Future<FamilySharingClient.Wallet> wallet = sharing.wallet(toPsnNo);
    return Future.all(bindings, recipient, wallet).compose(x -> {
      boolean bound = bindings.result().stream().anyMatch(b -> b.active() && b.uses().wallet()
          && toPsnNo.equals(b.memberPsnNo()) && sharer.equals(b.sharerPsnNo()));
      if (!bound) {
        return Future.failedFuture(new ProblemException(ProblemCode.FAMILY_NOT_BOUND,
            "Bind the relative for wallet transfers first", "toPsnNo", Map.of()));
      }
      RegistryClient.Person p = recipient.result();
      if (p == null || !"ACTIVE".equals(p.status())) {
        return Future.failedFuture(new ProblemException(ProblemCode.RECIPIENT_NOT_INSURED, null, "toPsnNo",
            Map.of()));
      }
      if (wallet.result() == null || !wallet.result().opened()) {
        return Future.failedFuture(new ProblemException(ProblemCode.WALLET_NOT_OPENED, null, "toPsnNo", Map.of()));
      }
      return Future.succeededFuture(now);
    });
  }

  /** A limit that passes with time: Retry-After (seconds, rounded up) and {@code retryAt}. */
  private static ProblemException untilThen(ProblemCode code, String detail, ZonedDateTime now, ZonedDateTime then) {
    long millis = Duration.between(now, then).toMillis();
    long seconds = Math.max(1, (millis + 999) / 1000);
    return new ProblemException(code, detail, null, Map.of("Retry-After", Long.toString(seconds)),
        new JsonObject().put("retryAt", then.withZoneSameInstant(BusinessTime.ZONE).toOffsetDateTime().toString()));
  }

  private Future<WalletTransfer> open(String sharer, String toPsnNo, long amountFen, ZonedDateTime at, String scope,
                                      String idempotencyKey) {
    WalletTransfer t = WalletTransfer.intended(Secrets.randomId(16), sharer, toPsnNo, amountFen,
        TransferCalendar.businessDay(at).toString(), at.toInstant().toEpochMilli());
    return records.open(t, config.transfersPerDay(), scope, idempotencyKey).compose(opened -> {
      if (!opened) {
        return Future.failedFuture(untilThen(ProblemCode.TRANSFER_DAILY_LIMIT_REACHED,
            "At most " + config.transfersPerDay() + " transfers a day", at, TransferCalendar.nextBusinessDay(at)));
      }
      return resolution.expect(t)
          .recover(notQueued -> records.fail(t, Status.PENDING, "not queued").transform(x ->
              Future.failedFuture(notQueued))) // nothing was sent: not without its resolution queued
          .compose(x -> send(t));
    });
  }

  private Future<WalletTransfer> send(WalletTransfer t) {
    return sharing.send(t.id(), t.fromPsnNo(), t.toPsnNo(), t.amountFen()).transform(answer -> {
      if (answer.succeeded()) {
        FamilySharingClient.Transfer moved = answer.result();
        return records.settle(t, Status.PENDING, moved)
            .compose(c -> resolution.done(t).map(c.record() == null ? t.as(moved) : c.record()))
            // Moved, known, but not written: the queued resolution writes it; the answer is what moved.
            .recover(notWritten -> Future.succeededFuture(t.as(moved)));
      }
      Throwable failure = answer.cause();
      if (failure instanceof CoreCallException lost && lost.mayHaveHappened()) {
        LOG.info("wallet transfer answer lost; resolving it in the background", kv("transfer", t.id()));
        return Future.succeededFuture(t);
      }
      if (failure instanceof ProblemException refused) {
        // Refused by the accounts system, or never sent (CoreCallException NOT_SENT, 503): nothing moved.
        String why = failure instanceof CoreCallException ? "accounts system unavailable" : refused.code().name();
        return records.fail(t, Status.PENDING, why).compose(c -> resolution.done(t))
            .transform(x -> Future.failedFuture(failure));
      }
      // Anything else leaves the outcome to the queued resolution.
      LOG.warn("wallet transfer outcome unknown; resolving it in the background", kv("transfer", t.id()),
          kv("cause", failure.getClass().getSimpleName()));
      return Future.succeededFuture(t);
    });
  }

  // --- the list -------------------------------------------------------------------------------------------------

  /** One line of the list: the transfer, which way it went, and the other person's masked name (when known). */
  public record Line(String id, boolean outgoing, String fromPsnNo, String toPsnNo, String maskedName, long amountFen,
                     Status status, String createdAt, String receivedAt, String returnedAt) {
  }

  /**
   * My outgoing transfers (my records, newest {@value #LIST_MAX}, SENT and PENDING ones refreshed from the accounts
   * system and stored when changed) and those to my wallet (the accounts system's, newest {@value #LIST_MAX}),
   * newest first. Names come from one registry call (my close relatives), not one per line.
   */
  public Future<List<Line>> list(ResidentSession s) {
    return s.boundPerson().compose(me -> {
      Future<List<WalletTransfer>> mine = records.newest(me, LIST_MAX);
      Future<List<FamilySharingClient.Transfer>> atAccounts = sharing.transfersOf(me);
      Future<Map<String, String>> names = registry.kin(me).map(WalletTransfers::maskedNames)
          .otherwise(e -> Map.of()); // names are a courtesy: the list does not fail without them
      return Future.all(mine, atAccounts, names).compose(x -> {
        Map<String, FamilySharingClient.Transfer> byId = new HashMap<>();
        atAccounts.result().forEach(t -> byId.put(t.id(), t));
        List<Future<WalletTransfer>> outgoing = new ArrayList<>();
        mine.result().forEach(t -> outgoing.add(refreshed(t, byId.get(t.id()))));
        return Future.all(outgoing).map(y -> {
          List<Line> lines = new ArrayList<>();
          outgoing.forEach(f -> lines.add(line(f.result(), names.result())));
          atAccounts.result().stream()
              .filter(t -> me.equals(t.toPsnNo()) && !me.equals(t.fromPsnNo()) && !"VOIDED".equals(t.status()))
              .limit(LIST_MAX)
              .forEach(t -> lines.add(incoming(t, names.result())));
          lines.sort(Comparator.comparing(WalletTransfers::instant).reversed());
          return lines;
        });
      });
    });
  }

  /** A SENT (or PENDING) transfer as the accounts system now has it, stored when it changed. */
  private Future<WalletTransfer> refreshed(WalletTransfer t, FamilySharingClient.Transfer there) {
    if (there == null || !(t.status() == Status.SENT || t.status() == Status.PENDING)
        || "VOIDED".equals(there.status()) || Status.of(there) == t.status()) {
      return Future.succeededFuture(t); // a PENDING one not there is the resolution's to void
    }
    return records.settle(t, t.status(), there).map(Transition::record)
        .map(r -> r == null ? t.as(there) : r)
        .otherwise(e -> t.as(there));
  }

  private static Map<String, String> maskedNames(List<RegistryClient.Relative> kin) {
    Map<String, String> out = new HashMap<>();
    if (kin != null) {
      kin.forEach(r -> out.put(r.person().psnNo(), io.yibao.gateway.privacy.Masking.name(r.person().name())));
    }
    return out;
  }

  private static Line line(WalletTransfer t, Map<String, String> names) {
    return new Line(t.id(), true, t.fromPsnNo(), t.toPsnNo(), names.get(t.toPsnNo()), t.amountFen(), t.status(),
        BusinessTime.timestamp(t.createdAt()), timestamp(t.receivedAt()), timestamp(t.returnedAt()));
  }

  private static Line incoming(FamilySharingClient.Transfer t, Map<String, String> names) {
    return new Line(t.id(), false, t.fromPsnNo(), t.toPsnNo(), names.get(t.fromPsnNo()), t.amountFen(),
        Status.of(t), timestamp(t.at()), timestamp(t.receivedAt()), timestamp(t.returnedAt()));
  }

  private static java.time.Instant instant(Line l) {
    return l.createdAt() == null ? java.time.Instant.EPOCH : java.time.OffsetDateTime.parse(l.createdAt()).toInstant();
  }

  /** The accounts system's time in business time (+08:00), so that the list sorts and reads alike. */
  static String timestamp(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(iso).atZoneSameInstant(BusinessTime.ZONE).toOffsetDateTime().toString();
    } catch (java.time.format.DateTimeParseException e) {
      return iso;
    }
  }
}
