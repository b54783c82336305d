package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Reading the filing system's JSON bodies: a field that is missing or malformed is the caller's bug (400). */
final class Fields {

  /** A malformed request; its message names the field. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private Fields() {
  }

  static String text(JsonObject json, String field) {
    String value = optionalText(json, field);
    if (value == null) {
      throw new Invalid(field + " is required");
    }
    return value;
  }

  /** Null when absent or null; a present value must be a non-blank string. */
  static String optionalText(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw new Invalid(field + " must be a non-blank string");
    }
    return s;
  }

  static String region(JsonObject json, String field) {
    String value = text(json, field);
    checkRegion(field, value);
    return value;
  }

  static void checkRegion(String field, String value) {
    if (!Areas.valid(value)) {
      throw new Invalid(field + " must be a 6-digit division code");
    }
  }

  static LocalDate date(JsonObject json, String field) {
    LocalDate value = optionalDate(json, field);
    if (value == null) {
      throw new Invalid(field + " is required");
    }
    return value;
  }

  static LocalDate optionalDate(JsonObject json, String field) {
    String text = optionalText(json, field);
    if (text == null) {
      return null;
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text); // ISO_LOCAL_DATE resolves strictly: no 2025-02-30
      }
    } catch (DateTimeParseException e) {
      // answered below
    }
    throw new Invalid(field + " must be a date YYYY-MM-DD");
  }

  static <E extends Enum<E>> E oneOf(JsonObject json, String field, Class<E> type) {
    String text = text(json, field);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(text)) {
        return constant;
      }
    }
    throw new Invalid(field + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
  }
}
