package io.yibao.gateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the effective configuration tree, in layers, each overriding the one before:
 * <ol>
 *   <li>the defaults, {@code gateway-config/gateway.yaml}, bundled in the jar (every key lives there);</li>
 *   <li>optionally a profile bundled in the jar ({@code demo.yaml} for the demo);</li>
 *   <li>optionally the operator's file ({@code --config FILE});</li>
 *   <li>environment variables: {@code YB_} followed by the key path in upper snake case, e.g. {@code http.port} is
 *   {@code YB_HTTP_PORT} and {@code http.cors.allowedOrigins} is {@code YB_HTTP_CORS_ALLOWED_ORIGINS}. Lists take
 *   comma-separated values; a whole map section takes a JSON object.</li>
 * </ol>
 * A key in a file that the defaults do not know is an error (it is almost always a typo), except inside the
 * sections listed in {@link #OPEN_MAPS}, whose entries are the operator's to name. Each core system's section
 * ({@code core.settlement}, ...) inherits {@code core.defaults}: it accepts every key the defaults have, in files
 * and as environment variables, and {@link ConfigReader} falls back to the defaults for keys it does not set.
 */
public final class ConfigLoader {

  public static final String DEFAULTS_RESOURCE = "gateway-config/gateway.yaml";
  public static final String ENV_PREFIX = "YB_";

  /** Sections whose keys are data (a key id, a year), not configuration names. */
  static final Set<String> OPEN_MAPS = Set.of("security.residentTokenKeys.keys", "pharmacy.demoTerminals");

  private ConfigLoader() {
  }

  /** Loads defaults, then the bundled profiles, then the file, then the environment. */
  public static GatewayConfig load(List<String> bundledProfiles, Path file, Map<String, String> env) {
    JsonObject tree = readResource(DEFAULTS_RESOURCE);
    for (String profile : bundledProfiles) {
      overlay(tree, tree, readResource(profile), "", profile);
    }
    if (file != null) {
      overlay(tree, tree, readFile(file), "", file.toString());
    }
    applyEnvironment(tree, tree, "", env);
    return GatewayConfig.from(new ConfigReader(tree));
  }

  static JsonObject readResource(String resource) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException(resource, "bundled configuration is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject readFile(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException("--config", "file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  static JsonObject parse(String yamlText, String source) {
    Object parsed;
    try {
      parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
    } catch (RuntimeException e) {
      throw new ConfigException(source, "not valid YAML (" + firstLine(e.getMessage()) + ")");
    }
    if (parsed == null) {
      return new JsonObject();
    }
    if (!(parsed instanceof Map)) {
      throw new ConfigException(source, "must be a YAML mapping of keys to values");
    }
    return new JsonObject(stringKeys((Map<Object, Object>) parsed));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stringKeys(Map<Object, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map ? stringKeys((Map<Object, Object>) v) : v));
    return out;
  }

  /** Copies {@code layer} over {@code base}; every key must already exist in the defaults (or its template). */
  static void overlay(JsonObject root, JsonObject base, JsonObject layer, String prefix, String source) {
    JsonObject template = template(root, prefix);
    for (String key : layer.fieldNames()) {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Object value = layer.getValue(key);
      boolean known = base.containsKey(key) || (template != null && template.containsKey(key));
      if (!known && !OPEN_MAPS.contains(prefix)) {
        throw new ConfigException(path, "unknown key (in " + source + ")");
      }
      if (value instanceof JsonObject nested && !OPEN_MAPS.contains(path)
          && (base.getValue(key) instanceof JsonObject || template != null && template.getValue(key) instanceof JsonObject)) {
        JsonObject target = base.getValue(key) instanceof JsonObject existing ? existing : new JsonObject();
        base.put(key, target);
        overlay(root, target, nested, path, source);
      } else {
        base.put(key, value);
      }
    }
  }

  /** The section {@code path} inherits keys from: {@code core.defaults...} for {@code core.<system>...}. */
  static JsonObject template(JsonObject root, String path) {
    if (!path.startsWith("core.") || path.equals("core.defaults") || path.startsWith("core.defaults.")) {
      return null;
    }
    String[] parts = path.split("\\.");
    Object node = root.getJsonObject("core").getValue("defaults");
    for (int i = 2; i < parts.length && node instanceof JsonObject obj; i++) {
      node = obj.getValue(parts[i]);
    }
    return node instanceof JsonObject obj ? obj : null;
  }

  static void applyEnvironment(JsonObject root, JsonObject node, String prefix, Map<String, String> env) {
    java.util.Set<String> keys = new java.util.LinkedHashSet<>(node.fieldNames());
    JsonObject template = template(root, prefix);
    if (template != null) {
      keys.addAll(template.fieldNames());
    }
    for (String key : keys) {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Object value = node.containsKey(key) ? node.getValue(key) : template.getValue(key);
      String override = env.get(envName(path));
      if (override != null) {
        node.put(key, fromEnv(path, value, override));
      } else if (value instanceof JsonObject && !OPEN_MAPS.contains(path)) {
        JsonObject child = node.getValue(key) instanceof JsonObject existing ? existing : new JsonObject();
        applyEnvironment(root, child, path, env);
        if (!child.isEmpty()) {
          node.put(key, child);
        }
      }
    }
  }

  private static Object fromEnv(String path, Object current, String raw) {
    if (current instanceof JsonObject) {
      try {
        return new JsonObject(raw);
      } catch (DecodeException e) {
        throw new ConfigException(path, "environment variable " + envName(path) + " must be a JSON object");
      }
    }
    if (current instanceof JsonArray) {
      JsonArray list = new JsonArray();
      Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(list::add);
      return list;
    }
    return raw;
  }

  /** {@code http.cors.allowedOrigins} → {@code YB_HTTP_CORS_ALLOWED_ORIGINS}. */
  public static String envName(String path) {
    StringBuilder out = new StringBuilder(ENV_PREFIX);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.' || c == '-') {
        out.append('_');
      } else if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(path.charAt(i - 1))) {
        out.append('_').append(c);
      } else {
        out.append(Character.toUpperCase(c));
      }
    }
    return out.toString();
  }

  /** Every leaf key of the defaults with its environment variable, for the README's reference. */
  public static List<String> keys() {
    List<String> out = new ArrayList<>();
    collect(readResource(DEFAULTS_RESOURCE), "", out);
    return out;
  }

  private static void collect(JsonObject node, String prefix, List<String> out) {
    for (String key : node.fieldNames()) {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      if (node.getValue(key) instanceof JsonObject nested && !OPEN_MAPS.contains(path)) {
        collect(nested, path, out);
      } else {
        out.add(path);
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
