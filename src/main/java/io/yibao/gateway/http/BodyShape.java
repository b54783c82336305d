package io.yibao.gateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * The two checks of a body's size in the contract, run before the JSON-schema validator. That validator always
 * walks the whole instance and builds an error for every failing element: a 60 KB body with a 30 000-element
 * array of wrong values (or thousands of unknown properties) cost seconds of event-loop time, growing linearly with
 * what one client chose to send. Here, following the schema only (so work is bounded by the schema, never by the
 * body), the first array longer than its {@code maxItems} and the first property that an object with
 * {@code additionalProperties: false} does not declare fail the request at once. What reaches the validator then
 * holds at most {@code maxItems} elements per array and only declared properties, so its work is bounded too.
 */
final class BodyShape {

  private static final String COMPONENT = "#/components/schemas/";

  private final JsonObject schemas;

  /** @param contract the raw contract, whose {@code components.schemas} resolve the body schemas' {@code $ref}s */
  BodyShape(JsonObject contract) {
    this.schemas = contract.getJsonObject("components", new JsonObject()).getJsonObject("schemas", new JsonObject());
  }

  /** The body schema of an operation in the raw contract, or null when it takes no JSON body. */
  static JsonObject bodySchema(JsonObject contract, String path, String method) {
    JsonObject operation = contract.getJsonObject("paths", new JsonObject()).getJsonObject(path, new JsonObject())
        .getJsonObject(method.toLowerCase(Locale.ROOT));
    if (operation == null || operation.getJsonObject("requestBody") == null) {
      return null;
    }
    JsonObject json = operation.getJsonObject("requestBody").getJsonObject("content", new JsonObject())
        .getJsonObject("application/json");
    return json == null ? null : json.getJsonObject("schema");
  }

  /** The first size violation in {@code body} against {@code schema}, or null when there is none. */
  ProblemException check(JsonObject schema, Object body) {
    return check(schema, body, "", 0);
  }

  private ProblemException check(JsonObject schema, Object instance, String path, int depth) {
    schema = resolve(schema);
    if (schema == null || depth > 32) {
      return null;
    }
    if (instance instanceof JsonArray array) {
      Object max = schema.getValue("maxItems");
      if (max instanceof Number n && array.size() > n.longValue()) {
        return ProblemException.invalidField(field(path),
            "Field '" + field(path) + "' is invalid: at most " + n.longValue() + " items");
      }
      if (schema.getValue("items") instanceof JsonObject items) {
        for (int i = 0; i < array.size(); i++) {
          ProblemException inner = check(items, array.getValue(i), path + "/" + i, depth + 1);
          if (inner != null) {
            return inner;
          }
        }
      }
    } else if (instance instanceof JsonObject object) {
      JsonObject properties = schema.getJsonObject("properties", new JsonObject());
      boolean closed = Boolean.FALSE.equals(schema.getValue("additionalProperties"));
      for (String name : object.fieldNames()) {
        JsonObject property = properties.getJsonObject(name);
        if (property == null) {
          if (closed) {
            String field = field(path + "/" + name);
            return ProblemException.invalidField(field, "Field '" + field + "' is not part of the contract");
          }
          continue;
        }
        ProblemException inner = check(property, object.getValue(name), path + "/" + name, depth + 1);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private JsonObject resolve(JsonObject schema) {
    for (int hops = 0; schema != null && schema.getValue("$ref") instanceof String ref && hops < 8; hops++) {
      schema = ref.startsWith(COMPONENT) ? schemas.getJsonObject(ref.substring(COMPONENT.length())) : null;
    }
    return schema;
  }

  private static String field(String path) {
    return path.isEmpty() ? "body" : path.substring(1).replace('/', '.');
  }
}
