package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.core.CoreCallException;
import io.yibao.gateway.core.CoreClient;
import io.yibao.gateway.core.CoreClients;

import java.util.Map;

/**
 * The SMS gateway, over the {@code sms} core client: one text from a template the SMS gateway holds
 * ({@code LOGIN_OTP}, {@code STEP_UP_OTP}), filled with the parameters.
 *
 * <p>Outcomes: true when the SMS gateway took the message, false when it refused it (a bad number, an unknown
 * template); {@link CoreCallException} when no usable answer came. Sent once: a text sent twice is a second text.
 */
public final class SmsClient {

  /** The core system ({@code core.sms} in the configuration). */
  public static final String SYSTEM = "sms";

  private final CoreClient sms;

  public SmsClient(CoreClients clients) {
    this(clients.client(SYSTEM));
  }

  public SmsClient(CoreClient sms) {
    this.sms = sms;
  }

  public Future<Boolean> send(String phone, String template, Map<String, String> params) {
    return sms.post("/messages", new JsonObject().put("phone", phone).put("template", template)
        .put("params", new JsonObject(Map.copyOf(params)))).map(answer -> answer.ok());
  }
}
