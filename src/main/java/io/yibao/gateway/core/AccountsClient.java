package io.yibao.gateway.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Employees' personal accounts (个人账户) at the ledger, over the {@code accounts} core client. Every movement is
 * named by the caller's id and the ledger deduplicates by it, so repeating a movement with the same id is safe.
 *
 * <p>Outcomes: reads ({@link #balance}, {@link #debitState}) are retried by the core client. Writes ({@link #debit},
 * {@link #credit}, {@link #voidDebit}) are sent once and answer what the ledger decided; when no usable answer
 * came they fail with {@link CoreCallException}: {@link CoreCallException.Outcome#NOT_SENT} (nothing can have
 * moved) or {@link CoreCallException.Outcome#UNKNOWN} (ask {@link #debitState}, or repeat with the same id).
 */
public final class AccountsClient {

  /** The core system ({@code core.accounts} in the configuration). */
  public static final String SYSTEM = "accounts";

  /** A movement to or from an account: its id at the ledger, whose account, how much, and what for. */
  public record Movement(String id, String psnNo, long amountFen, String kind, String memo) {
  }

  /** The ledger's decision on a movement: done, or refused with the ledger's error code (null when it gave none). */
  public record Decision(boolean done, String error) {
  }

  /** What the ledger says about a debit id. */
  public enum DebitState {
    /** The money was taken. */
    DEBITED,
    /** Not taken: the ledger has no such debit, or it was voided. */
    NOT_DEBITED,
    /** The ledger refused to say (a 4xx other than "no such debit"): ask again later. */
    UNDECIDED
  }

  private final CoreClient accounts;

  public AccountsClient(CoreClients clients) {
    this(clients.client(SYSTEM));
  }

  public AccountsClient(CoreClient accounts) {
    this.accounts = accounts;
  }

  /** The account's balance in fen, or null when the person has no personal account. */
  public Future<Long> balance(String psnNo) {
    return accounts.get("/" + psnNo).map(balance -> balance.ok() ? balance.json().getLong("balanceFen") : null);
  }

  /** Takes money from the account; refused e.g. {@code INSUFFICIENT_BALANCE}, {@code NO_ACCOUNT}. */
  public Future<Decision> debit(Movement debit) {
    return accounts.post("/debits", body(debit)).map(AccountsClient::decision);
  }

  /** Puts money into the account (a refund); refused e.g. {@code NO_ACCOUNT}. */
  public Future<Decision> credit(Movement credit) {
    return accounts.post("/credits", body(credit)).map(AccountsClient::decision);
  }

  /** Whether the debit id took money. */
  public Future<DebitState> debitState(String debitId) {
    return accounts.get("/debits/" + debitId).map(found -> {
      if (found.ok()) {
        return "DEBITED".equals(found.json().getString("status")) ? DebitState.DEBITED : DebitState.NOT_DEBITED;
      }
      return found.status() == 404 ? DebitState.NOT_DEBITED : DebitState.UNDECIDED;
    });
  }

  /**
   * Makes "not taken" final: a debit id voided is refused if its request still arrives. Answers the debit as it
   * stands afterwards: {@link DebitState#DEBITED} when it had taken the money before the void (nothing is undone).
   */
  public Future<DebitState> voidDebit(String debitId) {
    return accounts.post("/debits/" + debitId + "/void", new JsonObject()).map(voided -> !voided.ok()
        ? DebitState.UNDECIDED
        : "DEBITED".equals(voided.json().getString("status")) ? DebitState.DEBITED : DebitState.NOT_DEBITED);
  }

  private static JsonObject body(Movement m) {
    return new JsonObject().put("id", m.id()).put("psnNo", m.psnNo()).put("amountFen", m.amountFen())
        .put("kind", m.kind()).put("memo", m.memo());
  }

  private static Decision decision(CoreResponse answer) {
    return answer.ok() ? new Decision(true, null) : new Decision(false, answer.json().getString("error"));
  }
}
