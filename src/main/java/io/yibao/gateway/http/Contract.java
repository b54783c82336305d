package io.yibao.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code api-spec/openapi.yaml}, read once from the classpath (it is bundled in the jar). The published text is
 * served as it is; the router gets a copy whose <em>response</em> media types that vertx-openapi cannot model
 * (problem+json, YAML, HTML, docs assets) are dropped: responses are documentation for the router, it validates requests.
 */
public final class Contract {

  public static final String RESOURCE = "api-spec/openapi.yaml";

  private final byte[] text;
  private final JsonObject forRouter;

  private Contract(byte[] text, JsonObject forRouter) {
    this.text = text;
    this.forRouter = forRouter;
  }

  /** Blocking: reads the classpath. */
  public static Contract load() {
    return load(RESOURCE);
  }

  /** Blocking: reads {@code resource} from the classpath. */
  public static Contract load(String resource) {
    try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      byte[] text = in.readAllBytes();
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(new String(text, StandardCharsets.UTF_8));
      JsonObject json = new JsonObject(parsed);
      // Round trip through JSON so every nested map and list is a JsonObject / JsonArray.
      json = new JsonObject(json.encode());
      dropUnmodelledResponseTypes(json);
      return new Contract(text, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] text() {
    return text;
  }

  /** A fresh contract object for one verticle instance (they are not shared across event loops). */
  public Future<OpenAPIContract> open(Vertx vertx) {
    return OpenAPIContract.from(vertx, forRouter.copy());
  }

  private static void dropUnmodelledResponseTypes(JsonObject contract) {
    JsonObject paths = contract.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject operation) {
          dropFromResponses(operation.getJsonObject("responses", new JsonObject()));
        }
      }
    }
    JsonObject components = contract.getJsonObject("components", new JsonObject());
    dropFromResponses(components.getJsonObject("responses", new JsonObject()));
  }

  private static void dropFromResponses(JsonObject responses) {
    for (String status : responses.fieldNames()) {
      JsonObject content = responses.getJsonObject(status).getJsonObject("content");
      if (content != null) {
        for (String type : new java.util.ArrayList<>(content.fieldNames())) {
          if (!MediaType.isMediaTypeSupported(type)) {
            content.remove(type);
          }
        }
      }
    }
  }
}
