package io.yibao.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads request bodies up to the operation's limit ({@code x-body-limit-bytes} in the contract, else
 * {@code http.bodyLimitBytes}). A declared Content-Length over the limit is refused before a byte is read; a
 * chunked body is cut off when it passes the limit. Either way: 413. Nothing is ever written to disk. A form body
 * (urlencoded or multipart) is 415 before it is read, whatever the method: the contract takes JSON only.
 */
public final class BodyLimits implements Handler<RoutingContext> {

  private static final Pattern FORMS =
      Pattern.compile("^\\s*(application/x-www-form-urlencoded|multipart/)", Pattern.CASE_INSENSITIVE);

  private final int defaultLimit;
  private final Map<Integer, BodyHandler> handlers = new HashMap<>();

  public BodyLimits(ContractRoutes routes, int defaultLimit) {
    this.defaultLimit = defaultLimit;
    handlers.put(defaultLimit, bodyHandler(defaultLimit));
    routes.entries().forEach(e -> handlers.computeIfAbsent(e.bodyLimitBytes(), BodyLimits::bodyHandler));
  }

  private static BodyHandler bodyHandler(int limit) {
    return BodyHandler.create(false).setBodyLimit(limit).setHandleFileUploads(false).setMergeFormAttributes(false);
  }

  @Override
  public void handle(RoutingContext rc) {
    ContractRoutes.Entry entry = ContractRoutes.of(rc);
    int limit = entry == null ? defaultLimit : entry.bodyLimitBytes();
    String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && FORMS.matcher(type).find()) {
      // The body handler would parse a form (and fail on a bad escape); the contract takes JSON only.
      rc.fail(new ProblemException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "Send application/json"));
      return;
    }
    String declared = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          rc.fail(new ProblemException(ProblemCode.PAYLOAD_TOO_LARGE, "At most " + limit + " bytes"));
          return;
        }
      } catch (NumberFormatException e) {
        rc.fail(new ProblemException(ProblemCode.MALFORMED_BODY, "Content-Length is not a number"));
        return;
      }
    }
    handlers.get(limit).handle(rc);
  }
}
