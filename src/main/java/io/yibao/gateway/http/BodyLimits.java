package io.yibao.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads request bodies up to the operation's limit ({@code x-body-limit-bytes} in the contract, else
 * {@code http.bodyLimitBytes}). A declared Content-Length over the limit is refused before a byte is read; a
 * chunked body is cut off when it passes the limit. Either way: 413. Nothing is ever written to disk.
 */
public final class BodyLimits implements Handler<RoutingContext> {

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
