package io.yibao.gateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A pharmacy terminal in tests. It signs requests with its own implementation of the documented recipe (not the
 * gateway's code), so the tests also check that the recipe in the contract is the one the gateway verifies.
 */
public final class Pos {

  public static final String DEMO_TERMINAL = "T11010500001-01";
  public static final String DEMO_SECRET = "DEMO-ONLY-terminal-secret-T11010500001-01";

  private final Http http;
  private final String terminalId;
  private final String secret;

  public Pos(Http http, String terminalId, String secret) {
    this.http = http;
    this.terminalId = terminalId;
    this.secret = secret;
  }

  public static Pos demo(Http http) {
    return new Pos(http, DEMO_TERMINAL, DEMO_SECRET);
  }

  public Pos via(Http other) {
    return new Pos(other, terminalId, secret);
  }

  public HttpResponse<String> send(String method, String pathWithQuery, String body, String idempotencyKey) {
    return http.send(request(method, pathWithQuery, body, idempotencyKey));
  }

  public HttpRequest request(String method, String pathWithQuery, String body, String idempotencyKey) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    String nonce = UUID.randomUUID().toString().replace("-", "");
    HttpRequest.Builder b = http.request(pathWithQuery)
        .header("X-Terminal-Id", terminalId)
        .header("X-Timestamp", timestamp)
        .header("X-Nonce", nonce)
        .header("X-Signature", sign(secret, method, pathWithQuery, timestamp, nonce, bytes));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  public static String sign(String secret, String method, String pathWithQuery, String timestamp, String nonce,
                            byte[] body) {
    try {
      String bodyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      String text = method + "\n" + pathWithQuery + "\n" + timestamp + "\n" + nonce + "\n" + bodyHash;
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> resolve(String code) {
    return send("POST", "/pos/v1/codes/resolve", new JsonObject().put("code", code).encode(), null);
  }

  public static JsonObject purchase(String visitToken, boolean useAccount, Object... codeQtyPrice) {
    JsonArray items = new JsonArray();
    for (int i = 0; i + 2 < codeQtyPrice.length + 2 && i < codeQtyPrice.length; i += 3) {
      items.add(new JsonObject().put("catalogCode", codeQtyPrice[i]).put("quantity", codeQtyPrice[i + 1])
          .put("unitPriceFen", codeQtyPrice[i + 2]));
    }
    return new JsonObject().put("visitToken", visitToken).put("useAccount", useAccount).put("items", items);
  }

  public HttpResponse<String> preview(JsonObject purchase) {
    return send("POST", "/pos/v1/settlements/preview", purchase.encode(), null);
  }

  public HttpResponse<String> settle(JsonObject purchase, String key) {
    return send("POST", "/pos/v1/settlements", purchase.encode(), key);
  }

  public HttpResponse<String> settlement(String id) {
    return send("GET", "/pos/v1/settlements/" + id, null, null);
  }
}
