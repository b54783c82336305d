package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Employees' personal accounts (个人账户): balances and entries in fen. Every movement carries a caller-supplied
 * id and is idempotent: the same id with the same parameters returns the first result, with other parameters
 * it is refused. Methods are synchronized: settlement, transfers and contribution debits touch balances from
 * different requests, and a movement must be atomic.
 */
public final class Ledger {

  /**
   * One line of an account's history. {@code amountFen} is negative for money going out; {@code counterpartPsnNo}
   * is the other person of a family movement (the relative a sharing use or a wallet transfer was for), else null.
   */
  public record Entry(String id, String psnNo, long amountFen, long balanceAfterFen, String kind, String memo,
                      OffsetDateTime at, String counterpartPsnNo) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", id).put("amountFen", amountFen)
          .put("balanceAfterFen", balanceAfterFen).put("kind", kind).put("memo", memo).put("at", at.toString());
      return counterpartPsnNo == null ? json : json.put("counterpartPsnNo", counterpartPsnNo);
    }
  }

  /** One debit of {@link #debitTogether}: which account, how much, and how it reads in the history. */
  public record Debit(String id, String psnNo, long amountFen, String kind, String memo, String counterpartPsnNo) {
  }

  /** The outcome of a movement. */
  public record Result(boolean ok, String error, List<Entry> entries) {
    static Result failed(String error) {
      return new Result(false, error, List.of());
    }
  }

  private static final int HISTORY = 50;

  private final Map<String, Long> balances = new HashMap<>();
  private final Map<String, Deque<Entry>> history = new HashMap<>();
  private final Map<String, Movement> movements = new HashMap<>();

  private record Movement(String fingerprint, Result result) {
  }

  public synchronized void open(String psnNo, long balanceFen) {
    balances.put(psnNo, balanceFen);
  }

  public synchronized boolean has(String psnNo) {
    return balances.containsKey(psnNo);
  }

  /** Balance in fen, or -1 when the person has no personal account. */
  public synchronized long balance(String psnNo) {
    return balances.getOrDefault(psnNo, -1L);
  }

  public synchronized List<Entry> entries(String psnNo) {
    return new ArrayList<>(history.getOrDefault(psnNo, new ArrayDeque<>()));
  }

  /** Takes {@code amountFen} from the account; fails with INSUFFICIENT_BALANCE and moves nothing when short. */
  public synchronized Result debit(String id, String psnNo, long amountFen, String kind, String memo) {
    return debit(id, psnNo, amountFen, kind, memo, null);
  }

  /** A debit on a relative's behalf: {@code counterpartPsnNo} is whom it was for. */
  public synchronized Result debit(String id, String psnNo, long amountFen, String kind, String memo,
                                   String counterpartPsnNo) {
    return once(id, "debit|" + psnNo + "|" + amountFen, () -> {
      Long balance = balances.get(psnNo);
      if (balance == null) {
        return Result.failed("NO_ACCOUNT");
      }
      if (amountFen <= 0) {
        return Result.failed("BAD_AMOUNT");
      }
      if (balance < amountFen) {
        return Result.failed("INSUFFICIENT_BALANCE");
      }
      return new Result(true, null, List.of(move(id, psnNo, -amountFen, kind, memo, counterpartPsnNo)));
    });
  }

  /**
   * Several debits as one: all of them, or none when any would fail (a settlement paid from the person's own
   * account and a relative's sharing account). Each keeps its own id, so each is found and replayed alone.
   */
  public synchronized Result debitTogether(List<Debit> debits) {
    Map<String, Long> wanted = new HashMap<>();
    for (Debit d : debits) {
      if (movements.containsKey(d.id())) {
        return Result.failed(VOID.equals(movements.get(d.id()).fingerprint()) ? "VOIDED" : "ID_REUSED");
      }
      if (!balances.containsKey(d.psnNo())) {
        return Result.failed("NO_ACCOUNT");
      }
      if (d.amountFen() <= 0) {
        return Result.failed("BAD_AMOUNT");
      }
      if (balances.get(d.psnNo()) < wanted.merge(d.psnNo(), d.amountFen(), Long::sum)) {
        return Result.failed("INSUFFICIENT_BALANCE");
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (Debit d : debits) {
      entries.addAll(debit(d.id(), d.psnNo(), d.amountFen(), d.kind(), d.memo(), d.counterpartPsnNo()).entries());
    }
    return new Result(true, null, List.copyOf(entries));
  }

  /** Puts money back (a cancelled or reversed settlement, a refund). */
  public synchronized Result credit(String id, String psnNo, long amountFen, String kind, String memo) {
    return credit(id, psnNo, amountFen, kind, memo, null);
  }

  /** Puts money back that was paid on a relative's behalf ({@code counterpartPsnNo}). */
  public synchronized Result credit(String id, String psnNo, long amountFen, String kind, String memo,
                                    String counterpartPsnNo) {
    return once(id, "credit|" + psnNo + "|" + amountFen, () -> {
      if (!balances.containsKey(psnNo)) {
        return Result.failed("NO_ACCOUNT");
      }
      return new Result(true, null, List.of(move(id, psnNo, amountFen, kind, memo, counterpartPsnNo)));
    });
  }

  /** Moves money between two accounts atomically (family sharing, 家庭共济). */
  public synchronized Result transfer(String id, String from, String to, long amountFen, String memo) {
    return once(id, "transfer|" + from + "|" + to + "|" + amountFen, () -> {
      if (!balances.containsKey(from) || !balances.containsKey(to)) {
        return Result.failed("NO_ACCOUNT");
      }
      if (amountFen <= 0 || from.equals(to)) {
        return Result.failed("BAD_AMOUNT");
      }
      if (balances.get(from) < amountFen) {
        return Result.failed("INSUFFICIENT_BALANCE");
      }
      return new Result(true, null, List.of(move(id, from, -amountFen, "TRANSFER_OUT", memo, to),
          move(id, to, amountFen, "TRANSFER_IN", memo, from)));
    });
  }

  /**
   * What became of the debit {@code id}: {@code DEBITED}, {@code VOIDED}, or null when the ledger never took it
   * (a refused debit moves nothing and leaves no trace, so it is null too).
   */
  public synchronized String debitState(String id) {
    Movement seen = movements.get(id);
    if (seen == null) {
      return null;
    }
    return VOID.equals(seen.fingerprint()) ? "VOIDED" : seen.fingerprint().startsWith("debit|") ? "DEBITED" : null;
  }

  /**
   * Makes sure the debit {@code id} never happens: a debit with that id arriving later (a copy that was on its way)
   * is refused with VOIDED. Returns {@code DEBITED} when it had happened already (then nothing changes), else
   * {@code VOIDED}. Lets a caller whose debit answer was lost settle the question for good.
   */
  public synchronized String voidDebit(String id) {
    String state = debitState(id);
    if (state != null) {
      return state;
    }
    movements.put(id, new Movement(VOID, Result.failed("VOIDED")));
    return "VOIDED";
  }

  private static final String VOID = "void";

  private Result once(String id, String fingerprint, java.util.function.Supplier<Result> action) {
    Movement seen = movements.get(id);
    if (seen != null && VOID.equals(seen.fingerprint())) {
      return Result.failed("VOIDED");
    }
    if (seen != null) {
      return seen.fingerprint().equals(fingerprint) ? seen.result() : Result.failed("ID_REUSED");
    }
    Result result = action.get();
    if (result.ok()) {
      movements.put(id, new Movement(fingerprint, result));
    }
    return result;
  }

  private Entry move(String id, String psnNo, long amountFen, String kind, String memo, String counterpartPsnNo) {
    long after = balances.get(psnNo) + amountFen;
    balances.put(psnNo, after);
    Entry entry = new Entry(id, psnNo, amountFen, after, kind, memo, OffsetDateTime.now(ZoneId.of("Asia/Shanghai")),
        counterpartPsnNo);
    Deque<Entry> lines = history.computeIfAbsent(psnNo, k -> new ArrayDeque<>());
    lines.addFirst(entry);
    if (lines.size() > HISTORY) {
      lines.removeLast();
    }
    return entry;
  }
}
