package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;

/**
 * The identity system's real-name check (实名: does this name go with this ID number), over the {@code identity}
 * core client. Face results (实人) are not asked of it: they arrive as signed face tokens ({@link FaceTokens}).
 *
 * <p>Outcomes: the person the pair names, or null when it names nobody (no match, or the check refused the input);
 * {@link CoreCallException} when no usable answer came. A check moves nothing, but it is sent once: every check
 * counts against the resident's budget.
 */
public final class IdentityClient {

  /** The core system ({@code core.identity} in the configuration). */
  public static final String SYSTEM = "identity";

  private final CoreClient identity;

  public IdentityClient(CoreClients clients) {
    this(clients.client(SYSTEM));
  }

  public IdentityClient(CoreClient identity) {
    this.identity = identity;
  }

  /** The psn_no of the person with this name and ID number, or null when the pair matches nobody. */
  public Future<String> realNameCheck(String name, String idNumber) {
    return identity.post("/real-name-checks", new JsonObject().put("name", name).put("idNumber", idNumber))
        .map(answer -> {
          JsonObject json = answer.json();
          return answer.ok() && json.getBoolean("match", false) ? json.getString("psnNo") : null;
        });
  }
}
