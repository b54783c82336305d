package io.yibao.sandbox.sms;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.SandboxService;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HexFormat;

/**
 * The SMS gateway (短信平台):
 * <pre>
 * POST /sms/messages          {phone, template: LOGIN_OTP|STEP_UP_OTP, params: {code, ttlMinutes?}} → {messageId}
 * GET  /_sandbox/sms?phone=…  {messages: [{messageId, phone, template, text, params, sentAt}]}, newest first
 * </pre>
 * Nothing leaves the machine: texts go to an outbox that tests and the demo read. In demo mode
 * ({@link SandboxOptions#printSms()}) the console announces each text (template, masked number, where to read it)
 * but never shows it: that console is also the gateway's log stream, and a code must never reach a log.
 */
public final class SmsService implements SandboxService {

  static final int MESSAGES_PER_PHONE = 20;
  static final int PHONES_KEPT = 100_000;
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  private final boolean print;
  private final Outbox outbox = new Outbox(MESSAGES_PER_PHONE, PHONES_KEPT);
  private final SecureRandom random = new SecureRandom();

  public SmsService(SandboxOptions options) {
    this.print = options.printSms();
  }

  @Override
  public String name() {
    return "sms";
  }

  @Override
  public void mount(Router router) {
    router.post("/sms/messages").handler(this::send);
  }

  @Override
  public void mountAdmin(Router router) {
    router.get("/_sandbox/sms").handler(rc -> {
      String phone = rc.queryParams().get("phone");
      if (phone == null || phone.isEmpty()) {
        SandboxHttp.error(rc, 400, "BAD_REQUEST", "phone is required");
        return;
      }
      JsonArray messages = new JsonArray();
      outbox.to(phone).forEach(m -> messages.add(m.toJson()));
      SandboxHttp.ok(rc, new JsonObject().put("messages", messages));
    });
  }

  private void send(RoutingContext rc) {
    JsonObject body = SandboxHttp.body(rc);
    if (body == null) {
      return;
    }
    String phone = body.getValue("phone") instanceof String s ? s : "";
    if (!phone.matches("1\\d{10}")) {
      SandboxHttp.error(rc, 400, "BAD_PHONE", "phone must be an 11-digit mainland mobile number");
      return;
    }
    SmsTemplate template;
    try {
      template = SmsTemplate.valueOf(body.getString("template"));
    } catch (RuntimeException e) {
      SandboxHttp.error(rc, 400, "UNKNOWN_TEMPLATE", "template must be one of LOGIN_OTP, STEP_UP_OTP");
      return;
    }
    JsonObject params = body.getValue("params") instanceof JsonObject p ? p : new JsonObject();
    String text = template.render(params);
    if (text == null) {
      SandboxHttp.error(rc, 400, "BAD_PARAMS", "params.code must be 4-8 digits, params.ttlMinutes 1-60");
      return;
    }
    byte[] id = new byte[16];
    random.nextBytes(id);
    String messageId = "SMS" + HexFormat.of().formatHex(id);
    outbox.add(new Outbox.Message(messageId, phone, template, text, params.copy(), OffsetDateTime.now(SHANGHAI)));
    if (print) {
      // The demo's console is also the gateway's log stream: announce the text, never show it (it holds a code).
      System.out.println("[sandbox SMS outbox, not a log line] " + template + " text to " + phone.substring(0, 3)
          + "****" + phone.substring(7) + ": read it at GET /_sandbox/sms?phone=<number> on the sandbox's port");
    }
    SandboxHttp.ok(rc, new JsonObject().put("messageId", messageId));
  }
}
