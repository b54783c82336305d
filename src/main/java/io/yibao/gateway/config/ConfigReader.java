package io.yibao.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed, validating access to the merged configuration tree. Every accessor names the full key in its error, so
 * that a wrong value stops the process with one line an operator can act on.
 */
public final class ConfigReader {

  private final JsonObject root;

  ConfigReader(JsonObject root) {
    this.root = root;
  }

  private Object raw(String key) {
    Object value = lookup(key);
    if (value == null) {
      JsonObject template = key.startsWith("core.") ? ConfigLoader.template(root, key.substring(0, key.lastIndexOf('.'))) : null;
      value = template == null ? null : template.getValue(key.substring(key.lastIndexOf('.') + 1));
    }
    if (value == null) {
      throw new ConfigException(key, "missing");
    }
    return value;
  }

  private Object lookup(String key) {
    Object node = root;
    for (String part : key.split("\\.")) {
      if (!(node instanceof JsonObject obj) || !obj.containsKey(part)) {
        return null;
      }
      node = obj.getValue(part);
    }
    return node;
  }

  public String string(String key) {
    Object v = raw(key);
    if (v instanceof JsonObject || v instanceof JsonArray) {
      throw new ConfigException(key, "must be a single value");
    }
    return String.valueOf(v).trim();
  }

  public String nonBlank(String key) {
    String v = string(key);
    if (v.isEmpty()) {
      throw new ConfigException(key, "must not be empty");
    }
    return v;
  }

  public long longIn(String key, long min, long max) {
    String v = string(key);
    long n;
    try {
      n = Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, got \"" + v + "\"");
    }
    if (n < min || n > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  public int intIn(String key, int min, int max) {
    return (int) longIn(key, min, max);
  }

  public boolean bool(String key) {
    String v = string(key).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new ConfigException(key, "must be true or false, got \"" + v + "\"");
    };
  }

  public <E extends Enum<E>> E oneOf(String key, Class<E> type) {
    String v = string(key);
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got \"" + v + "\"");
  }

  public URI uri(String key, String... schemes) {
    String v = nonBlank(key);
    URI uri;
    try {
      uri = URI.create(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "is not a valid URL");
    }
    if (uri.getScheme() == null || uri.getHost() == null || !List.of(schemes).contains(uri.getScheme())) {
      throw new ConfigException(key, "must be a URL with scheme " + String.join(" or ", schemes) + " and a host");
    }
    return uri;
  }

  public List<String> strings(String key) {
    Object v = raw(key);
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray array) {
      for (Object o : array) {
        if (o == null || o instanceof JsonObject || o instanceof JsonArray) {
          throw new ConfigException(key, "must be a list of plain values");
        }
        out.add(String.valueOf(o).trim());
      }
      return List.copyOf(out);
    }
    String s = String.valueOf(v).trim();
    return s.isEmpty() ? List.of() : List.of(s.split("\\s*,\\s*"));
  }

  public Map<String, String> stringMap(String key) {
    Object v = raw(key);
    if (!(v instanceof JsonObject obj)) {
      throw new ConfigException(key, "must be a mapping");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : obj.fieldNames()) {
      Object value = obj.getValue(k);
      if (value == null || value instanceof JsonObject || value instanceof JsonArray) {
        throw new ConfigException(key + "." + k, "must be a single value");
      }
      out.put(k, String.valueOf(value));
    }
    return java.util.Collections.unmodifiableMap(out);
  }
}
