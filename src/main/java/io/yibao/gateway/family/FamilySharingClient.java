package io.yibao.gateway.family;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.core.CoreResponse;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Family sharing (家庭共济) and insurance wallets (医保钱包) at the accounts system, over the {@code accounts} core
 * client: the bindings between a sharer and their relatives (the source of truth: the settlement center reads them
 * for {@code acct_mulaid_pay}), the relatives' wallets, wallet transfers and the sharer's account entries.
 *
 * <p>Outcomes: reads are retried by the core client. Writes are sent once under the caller's id, which the accounts
 * system deduplicates: repeating one with the same id after {@link CoreCallException} is safe. A transfer whose answer
 * was lost is asked for with {@link #transfer} and made final with {@link #voidTransfer} (a late copy is then
 * refused), never sent twice under another id. Refusals become the resident's problems (ALREADY_BOUND,
 * FAMILY_NOT_BOUND, WALLET_NOT_OPENED, INSUFFICIENT_BALANCE, NOT_A_SHARER); anything else the accounts system
 * refuses is a request the gateway should not have built.
 */
public final class FamilySharingClient {

  /** What a bound relative may use of the sharer's account. */
  public record Uses(boolean institutions, boolean contributions, boolean wallet) {
    public static final Uses ALL = new Uses(true, true, true);

    public static Uses from(JsonObject j) {
      return j == null ? ALL : new Uses(j.getBoolean("institutions", false), j.getBoolean("contributions", false),
          j.getBoolean("wallet", false));
    }

    public JsonObject toJson() {
      return new JsonObject().put("institutions", institutions).put("contributions", contributions)
          .put("wallet", wallet);
    }
  }

  /** A binding sharer → member, as the accounts system keeps it. */
  public record Binding(String id, String sharerPsnNo, String memberPsnNo, String relation, Uses uses,
                        boolean active, String since) {
    static Binding from(JsonObject j) {
      return new Binding(j.getString("id"), j.getString("sharerPsnNo"), j.getString("memberPsnNo"),
          j.getString("relation"), Uses.from(j.getJsonObject("uses")), "ACTIVE".equals(j.getString("status")),
          j.getString("since"));
    }
  }

  /** A relative's insurance wallet: OPEN, FROZEN or NONE (not opened). */
  public record Wallet(String status, long balanceFen) {
    public boolean opened() {
      return !"NONE".equals(status);
    }
  }

  /**
   * A wallet transfer as the accounts system has it: SENT, RECEIVED, RETURNED (or VOIDED: never taken); {@code at}
   * when it took it (ISO-8601, null for VOIDED).
   */
  public record Transfer(String id, String fromPsnNo, String toPsnNo, long amountFen, String status,
                         String receivedAt, String returnedAt, String at) {
    static Transfer from(JsonObject j) {
      return new Transfer(j.getString("id"), j.getString("fromPsnNo"), j.getString("toPsnNo"),
          j.getLong("amountFen", 0L), j.getString("status"), j.getString("receivedAt"), j.getString("returnedAt"),
          j.getString("at"));
    }
  }

  private final CoreClient accounts;

  public FamilySharingClient(CoreClients clients) {
    this(clients.client(io.yibao.gateway.core.AccountsClient.SYSTEM));
  }

  public FamilySharingClient(CoreClient accounts) {
    this.accounts = accounts;
  }

  // --- bindings -----------------------------------------------------------------------------------------------------

  /** Binds the member to the sharer's account under {@code id} (repeatable: the same id answers the same binding). */
  public Future<Binding> bind(String id, String sharerPsnNo, String memberPsnNo, String relation, Uses uses) {
    JsonObject body = new JsonObject().put("id", id).put("sharerPsnNo", sharerPsnNo).put("memberPsnNo", memberPsnNo)
        .put("relation", relation).put("uses", uses.toJson());
    return accounts.post("/sharing/bindings", body).map(FamilySharingClient::binding);
  }

  /** The ACTIVE bindings where the person is the sharer ({@code asSharer}) or the member, oldest first. */
  public Future<List<Binding>> bindings(String psnNo, boolean asSharer) {
    return accounts.get("/sharing/bindings?" + (asSharer ? "sharer=" : "member=") + psnNo).map(answer -> {
      List<Binding> out = new ArrayList<>();
      if (!answer.ok()) {
        throw refusal(answer);
      }
      for (Object o : answer.json().getJsonArray("bindings", new JsonArray())) {
        out.add(Binding.from((JsonObject) o));
      }
      return out;
    });
  }

  public Future<Binding> setUses(String bindingId, Uses uses) {
    return accounts.call(io.vertx.core.http.HttpMethod.PUT, "/sharing/bindings/" + bindingId + "/uses", uses.toJson())
        .map(FamilySharingClient::binding);
  }

  /** Ends the binding (repeatable). */
  public Future<Void> end(String bindingId) {
    return accounts.call(io.vertx.core.http.HttpMethod.DELETE, "/sharing/bindings/" + bindingId, null)
        .map(answer -> {
          if (!answer.ok() && answer.status() != 404) {
            throw refusal(answer);
          }
          return null;
        });
  }

  // --- wallets and transfers ----------------------------------------------------------------------------------------

  /** The person's wallet; null when the accounts system does not know the person. */
  public Future<Wallet> wallet(String psnNo) {
    return accounts.get("/wallets/" + psnNo).map(answer -> answer.status() == 404 ? null : answer.ok()
        ? new Wallet(answer.json().getString("status", "NONE"), answer.json().getLong("balanceFen", 0L))
        : (Wallet) throwing(refusal(answer)));
  }

  /** Moves money from the sharer's account to the member's wallet under {@code id}, once. */
  public Future<Transfer> send(String id, String fromPsnNo, String toPsnNo, long amountFen) {
    JsonObject body = new JsonObject().put("id", id).put("fromPsnNo", fromPsnNo).put("toPsnNo", toPsnNo)
        .put("amountFen", amountFen);
    return accounts.post("/wallet-transfers", body).map(answer -> {
      if (!answer.ok()) {
        throw refusal(answer);
      }
      return Transfer.from(answer.json());
    });
  }

  /** The transfer as the accounts system has it, or null when it never took one under this id. */
  public Future<Transfer> transfer(String id) {
    return accounts.get("/wallet-transfers/" + id).map(answer -> answer.status() == 404 ? null : answer.ok()
        ? Transfer.from(answer.json()) : (Transfer) throwing(refusal(answer)));
  }

  /**
   * Makes "never taken" final (a late copy of the request is refused): the transfer as it stands when it had been
   * taken, else one with status VOIDED.
   */
  public Future<Transfer> voidTransfer(String id) {
    return accounts.post("/wallet-transfers/" + id + "/void", new JsonObject()).map(answer -> {
      if (!answer.ok()) {
        throw refusal(answer);
      }
      JsonObject j = answer.json();
      return "VOIDED".equals(j.getString("status")) ? new Transfer(id, null, null, 0, "VOIDED", null, null, null)
          : Transfer.from(j);
    });
  }

  /** Every transfer from or to the person, newest first. */
  public Future<List<Transfer>> transfersOf(String psnNo) {
    return accounts.get("/wallet-transfers?psnNo=" + psnNo).map(answer -> {
      if (!answer.ok()) {
        throw refusal(answer);
      }
      List<Transfer> out = new ArrayList<>();
      for (Object o : answer.json().getJsonArray("transfers", new JsonArray())) {
        out.add(Transfer.from((JsonObject) o));
      }
      return out;
    });
  }

  /** The sharer's recent account entries (newest first), as the accounts system gives them; null: no account. */
  public Future<JsonArray> entries(String psnNo) {
    return accounts.get("/" + psnNo).map(answer -> answer.status() == 404 ? null : answer.ok()
        ? answer.json().getJsonArray("entries", new JsonArray()) : (JsonArray) throwing(refusal(answer)));
  }

  private static Binding binding(CoreResponse answer) {
    if (!answer.ok()) {
      throw refusal(answer);
    }
    return Binding.from(answer.json());
  }

  private static Object throwing(RuntimeException e) {
    throw e;
  }

  private static RuntimeException refusal(CoreResponse answer) {
    String error = answer.json().getString("error");
    if (error == null) {
      error = "HTTP_" + answer.status();
    }
    return switch (error) {
      case "ALREADY_BOUND" -> new ProblemException(ProblemCode.ALREADY_BOUND, null);
      case "NOT_BOUND" -> new ProblemException(ProblemCode.FAMILY_NOT_BOUND, null, "toPsnNo", Map.of());
      case "NO_WALLET" -> new ProblemException(ProblemCode.WALLET_NOT_OPENED, null, "toPsnNo", Map.of());
      case "INSUFFICIENT_BALANCE" -> new ProblemException(ProblemCode.INSUFFICIENT_BALANCE, "Nothing was moved");
      case "NO_ACCOUNT" -> new ProblemException(ProblemCode.NOT_A_SHARER, "No personal account");
      case "NOT_FOUND" -> new ProblemException(ProblemCode.NOT_FOUND, null);
      case "ENDED" -> new ProblemException(ProblemCode.FAMILY_NOT_BOUND, "The binding has ended");
      default -> new IllegalStateException("the accounts system refused a request the gateway built: " + error);
    };
  }
}
