package io.yibao.gateway.ops;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.yibao.gateway.http.Contract;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.Problems;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The contract as a file ({@code /openapi.yaml}) and as browsable docs ({@code /docs}, Swagger UI from the
 * bundled webjar: no CDN, works offline). Everything is read into memory once, at start, off the event loop.
 */
public final class ApiDocs {

  private static final String SWAGGER = "META-INF/resources/webjars/swagger-ui/" + swaggerVersion() + "/";
  private static final Map<String, String> ASSETS = Map.of(
      "swagger-ui.css", "text/css; charset=utf-8",
      "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
      "favicon-32x32.png", "image/png",
      "docs-init.js", "text/javascript; charset=utf-8");
  private static final String DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

  private final byte[] contract;
  private final byte[] page;
  private final Map<String, byte[]> assets;

  private ApiDocs(byte[] contract, byte[] page, Map<String, byte[]> assets) {
    this.contract = contract;
    this.page = page;
    this.assets = assets;
  }

  /** Reads the contract and the docs assets from the classpath. Blocking: call before deploying verticles. */
  public static ApiDocs load(Contract contract) {
    Map<String, byte[]> assets = new java.util.HashMap<>();
    for (String name : ASSETS.keySet()) {
      assets.put(name, name.equals("docs-init.js") ? read("docs/docs-init.js") : read(SWAGGER + name));
    }
    return new ApiDocs(contract.text(), read("docs/index.html"), Map.copyOf(assets));
  }

  public void register(Operations operations) {
    operations.on("getContract", rc -> rc.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
            .end(Buffer.buffer(contract)))
        .on("getDocs", rc -> rc.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
            .putHeader("Content-Security-Policy", DOCS_CSP)
            .end(Buffer.buffer(page)))
        .on("getDocsAsset", this::asset);
  }

  private void asset(RoutingContext rc) {
    String name = rc.pathParam("asset");
    byte[] body = assets.get(name);
    if (body == null) {
      Problems.send(rc, ProblemCode.NOT_FOUND, null);
      return;
    }
    rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, ASSETS.get(name))
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600")
        .end(Buffer.buffer(body));
  }

  private static String swaggerVersion() {
    try (InputStream in = ApiDocs.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("swagger-ui webjar is missing from the classpath", e);
    }
  }

  private static byte[] read(String resource) {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
