package io.yibao.sandbox.sms;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the SMS gateway sent, per phone, newest first. Bounded twice so that a load test sending codes to a million
 * phones cannot exhaust the sandbox: the last {@code perPhone} messages of the {@code phones} most recently texted.
 * Used only on the sandbox's event loop.
 */
final class Outbox {

  /** One sent text. */
  record Message(String messageId, String phone, SmsTemplate template, String text, JsonObject params,
                 OffsetDateTime sentAt) {
    JsonObject toJson() {
      return new JsonObject().put("messageId", messageId).put("phone", phone).put("template", template.name())
          .put("text", text).put("params", params.copy()).put("sentAt", sentAt.toString());
    }
  }

  private final int perPhone;
  private final Map<String, Deque<Message>> byPhone;

  Outbox(int perPhone, int phones) {
    this.perPhone = perPhone;
    this.byPhone = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<Message>> eldest) {
        return size() > phones;
      }
    };
  }

  void add(Message message) {
    Deque<Message> messages = byPhone.computeIfAbsent(message.phone(), p -> new ArrayDeque<>());
    messages.addFirst(message);
    if (messages.size() > perPhone) {
      messages.removeLast();
    }
  }

  List<Message> to(String phone) {
    Deque<Message> messages = byPhone.get(phone);
    return messages == null ? List.of() : new ArrayList<>(messages);
  }
}
