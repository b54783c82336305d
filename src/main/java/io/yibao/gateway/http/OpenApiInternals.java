package io.yibao.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import java.util.HashMap;
import java.util.Map;

/**
 * The one place that reaches into vertx-openapi's {@code impl} package, for {@link ContractValidation}'s speed:
 * vertx-openapi 5.0.8 has no public way to build a request to validate, nor to validate one in the calling thread
 * (its {@code RequestValidator} hops to a worker for every request). What is relied on, checked against
 * {@link #CHECKED_AGAINST} by {@code OpenApiInternalsTest} on every build:
 * <ul>
 *   <li>the constructors {@code RequestParameterImpl(Object)}, {@code ValidatableRequestImpl(cookies, headers,
 *   path, query[, body, contentType])} and {@code ValidatedRequestImpl(cookies, headers, path, query, body)};</li>
 *   <li>{@code RequestValidatorImpl}'s protected {@code contract}, and its public {@code validateParameter} and
 *   {@code validateBody}, which check and convert one parameter (or the body) and throw {@link ValidatorException}
 *   on a violation.</li>
 * </ul>
 */
final class OpenApiInternals {

  /** The vertx-openapi version this class was checked against; an upgrade fails the build until it is re-checked. */
  static final String CHECKED_AGAINST = "5.0.8";

  private OpenApiInternals() {
  }

  /** The vertx-openapi version on the class path, as its jar says. */
  static String libraryVersion() {
    return RequestValidatorImpl.class.getPackage().getImplementationVersion();
  }

  static RequestParameter parameter(Object value) {
    return new RequestParameterImpl(value);
  }

  static ValidatableRequest request(Map<String, RequestParameter> cookies, Map<String, RequestParameter> headers,
                                    Map<String, RequestParameter> path, Map<String, RequestParameter> query) {
    return new ValidatableRequestImpl(cookies, headers, path, query);
  }

  static ValidatableRequest request(Map<String, RequestParameter> cookies, Map<String, RequestParameter> headers,
                                    Map<String, RequestParameter> path, Map<String, RequestParameter> query,
                                    RequestParameter body, String contentType) {
    return new ValidatableRequestImpl(cookies, headers, path, query, body, contentType);
  }

  /**
   * The library's validator, minus the worker-thread hop: parameters, then the body, in the calling thread. The
   * future it returns is complete when {@code validate} returns.
   */
  static final class InLineValidator extends RequestValidatorImpl {

    InLineValidator(Vertx vertx, OpenAPIContract contract) {
      super(vertx, contract);
    }

    @Override
    public Future<ValidatedRequest> validate(ValidatableRequest request, String operationId) {
      Operation operation = contract.operation(operationId);
      if (operation == null) {
        return Future.failedFuture(ValidatorException.createOperationIdInvalid(operationId));
      }
      try {
        Map<String, RequestParameter> cookies = new HashMap<>();
        Map<String, RequestParameter> headers = new HashMap<>();
        Map<String, RequestParameter> path = new HashMap<>();
        Map<String, RequestParameter> query = new HashMap<>();
        for (Parameter p : operation.getParameters()) {
          switch (p.getIn()) {
            case COOKIE -> cookies.put(p.getName(), validateParameter(p, request.getCookies().get(p.getName())));
            case HEADER -> headers.put(p.getName(), validateParameter(p, request.getHeaders().get(p.getName())));
            case PATH -> path.put(p.getName(), validateParameter(p, request.getPathParameters().get(p.getName())));
            case QUERY -> query.put(p.getName(), validateParameter(p, request.getQuery().get(p.getName())));
            default -> { }
          }
        }
        RequestParameter body = validateBody(operation.getRequestBody(), request);
        return Future.succeededFuture(new ValidatedRequestImpl(cookies, headers, path, query, body));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
  }
}
