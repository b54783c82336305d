package io.yibao.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds the gateway's router from the contract: every operation of {@code api-spec/openapi.yaml} is routed to
 * the handler registered under its operationId, after the contract's validation of the request. The contract and
 * the handlers must match exactly, or the gateway refuses to start.
 *
 * <p>Before any operation, in order: trace id, access log, request timeout, security headers, CORS, operation
 * lookup, the caller-supplied guards (rate limits), then the body (within the operation's limit); on the
 * operation's route, its security scheme and then the contract's validation ({@link ContractValidation}).
 */
public final class GatewayRouter {

  private GatewayRouter() {
  }

  /** What every router needs besides the contract and the operations. */
  public record Settings(boolean hsts, List<String> corsAllowedOrigins, long requestTimeoutMillis,
                         int bodyLimitBytes) {
  }

  public static Router create(Vertx vertx, OpenAPIContract contract, Operations operations, Settings settings,
                              List<Handler<RoutingContext>> guards) {
    return create(vertx, contract, operations, settings, guards, java.util.Map.of());
  }

  /**
   * @param security the handler of each security scheme of the contract, by scheme name (bearer schemes take a
   *                 JWTAuthHandler, apiKey schemes an APIKeyHandler: the router's binding types)
   */
  public static Router create(Vertx vertx, OpenAPIContract contract, Operations operations, Settings settings,
                              List<Handler<RoutingContext>> guards,
                              java.util.Map<String, io.vertx.ext.web.handler.AuthenticationHandler> security) {
    checkMatches(contract, operations);
    ContractRoutes routes = ContractRoutes.of(contract, settings.bodyLimitBytes());
    FailureHandler failures = new FailureHandler(routes);

    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor);
    ContractValidation validation = new ContractValidation(vertx, contract);
    // Vert.x Web orders handler kinds on a route: platform, then security policy, then the rest.
    builder.rootHandler(new RequestIds());
    builder.rootHandler(new AccessLog());
    builder.rootHandler(new RequestTimeout(settings.requestTimeoutMillis()));
    builder.rootHandler(new SecurityHeaders(settings.hsts()));
    if (!settings.corsAllowedOrigins().isEmpty()) {
      builder.rootHandler(CorsHandler.create()
          .addOrigins(settings.corsAllowedOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id",
              "Accept-Language"))
          .exposedHeaders(Set.of("X-Request-Id", "Retry-After", "Location"))
          .maxAgeSeconds(600));
    }
    builder.rootHandler(routes::remember);
    guards.forEach(builder::rootHandler);
    builder.rootHandler(new BodyLimits(routes, settings.bodyLimitBytes()));

    security.forEach((scheme, handler) -> {
      if (handler instanceof io.vertx.ext.web.handler.JWTAuthHandler bearer) {
        builder.security(scheme).httpHandler(bearer);
      } else if (handler instanceof io.vertx.ext.web.handler.APIKeyHandler apiKey) {
        builder.security(scheme).apiKeyHandler(apiKey);
      } else {
        throw new IllegalArgumentException("unsupported handler type for security scheme " + scheme);
      }
    });
    operations.handlers().forEach((operationId, handler) -> {
      OpenAPIRoute route = builder.getRoute(operationId).setDoValidation(false);
      route.addHandler(validation.handler(route.getOperation())).addHandler(handler);
    });

    Router router = builder.createRouter();
    router.route().failureHandler(failures);
    router.errorHandler(404, failures::notFound);
    router.errorHandler(405, failures::notFound);
    return router;
  }

  /** Fails when an operation has no handler or a handler has no operation. */
  static void checkMatches(OpenAPIContract contract, Operations operations) {
    Set<String> inContract = contract.operations().stream().map(Operation::getOperationId)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> handled = new TreeSet<>(operations.handlers().keySet());
    Set<String> withoutHandler = new TreeSet<>(inContract);
    withoutHandler.removeAll(handled);
    Set<String> withoutOperation = new TreeSet<>(handled);
    withoutOperation.removeAll(inContract);
    if (!withoutHandler.isEmpty() || !withoutOperation.isEmpty()) {
      throw new IllegalStateException("contract and handlers differ: operations without a handler "
          + withoutHandler + ", handlers without an operation " + withoutOperation);
    }
  }
}
