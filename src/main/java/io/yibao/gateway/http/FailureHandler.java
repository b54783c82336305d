package io.yibao.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.json.schema.OutputUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns every failure into a problem body: our own {@link ProblemException}s, the contract validator's
 * rejections (naming the field), the body handler's 413, unknown routes (404) and wrong methods (405). Anything
 * else is a bug: logged with its stack trace, answered as a bare 500 INTERNAL_ERROR.
 */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  private static final Pattern PARAMETER = Pattern.compile("(query|path|header|cookie) parameter (\\S+?)[ .]");
  private static final Pattern REQUIRED_PROPERTY = Pattern.compile("required property \"?([^\"\\s]+)\"?");

  /** How many of a validation failure's errors are looked at to explain it. */
  static final int EXPLAINED = 16;

  private final ContractRoutes routes;

  public FailureHandler(ContractRoutes routes) {
    this.routes = routes;
  }

  @Override
  public void handle(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure instanceof ProblemException problem) {
      Problems.send(rc, problem);
      return;
    }
    if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException invalid) {
      Problems.send(rc, fromValidator(invalid));
      return;
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : rc.statusCode();
    switch (status) {
      case 400 -> Problems.send(rc, ProblemCode.MALFORMED_BODY, null);
      case 401 -> Problems.send(rc, ProblemCode.UNAUTHENTICATED, null);
      case 403 -> Problems.send(rc, ProblemCode.FORBIDDEN, null);
      case 404 -> notFound(rc);
      case 405 -> notFound(rc);
      case 413 -> Problems.send(rc, ProblemCode.PAYLOAD_TOO_LARGE, "Larger than this operation accepts");
      case 415 -> Problems.send(rc, ProblemCode.UNSUPPORTED_MEDIA_TYPE, null);
      case 417 -> Problems.send(rc, ProblemCode.EXPECTATION_FAILED, null);
      default -> {
        LOG.error("unhandled failure traceId={} route={}", RequestIds.traceId(rc), AccessLog.routeOf(rc), failure);
        Problems.send(rc, ProblemCode.INTERNAL_ERROR, null);
      }
    }
  }

  /** 404 for an unknown path, 405 with {@code Allow} when the path exists for other methods. */
  public void notFound(RoutingContext rc) {
    Set<HttpMethod> allowed = routes.methodsFor(rc.normalizedPath());
    if (allowed.isEmpty()) {
      Problems.send(rc, ProblemCode.NOT_FOUND, null);
    } else {
      String allow = allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
      Problems.send(rc, ProblemCode.METHOD_NOT_ALLOWED, "Allowed: " + allow, null, Map.of("Allow", allow), null);
    }
  }

  static ProblemException fromValidator(ValidatorException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    boolean aboutBody = message.contains("body");
    if (e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT && aboutBody) {
      return new ProblemException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "Send application/json");
    }
    if (e.type() == ValidatorErrorType.ILLEGAL_VALUE && aboutBody) {
      return new ProblemException(ProblemCode.MALFORMED_BODY, "The body is not well-formed JSON");
    }
    String field = fieldOf(e, message);
    String reason = e instanceof SchemaValidationException schema ? reasonOf(schema.getOutputUnit()) : null;
    String detail = (field == null ? "The request is invalid" : "Field '" + field + "' is invalid")
        + (reason == null ? "" : ": " + reason);
    return ProblemException.invalidField(field, detail);
  }

  private static String fieldOf(ValidatorException e, String message) {
    Matcher parameter = PARAMETER.matcher(message + " ");
    if (parameter.find()) {
      return parameter.group(2);
    }
    if (e instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      OutputUnit unit = mostRelevant(schema.getOutputUnit());
      String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
      String path = location.replaceFirst("^#?/?", "").replace('/', '.');
      Matcher required = REQUIRED_PROPERTY.matcher(String.valueOf(unit.getError()));
      if (required.find()) {
        return path.isEmpty() ? required.group(1) : path + "." + required.group(1);
      }
      return path.isEmpty() ? "body" : path;
    }
    return message.contains("body") ? "body" : null;
  }

  /**
   * The error deepest in the instance among the first {@link #EXPLAINED} errors: {@code /owner/phone} tells more
   * than {@code /owner}. Only the first few are looked at: explaining a failure must not cost more the more wrong a
   * body is.
   */
  static OutputUnit mostRelevant(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors();
    if (errors == null || errors.isEmpty()) {
      return unit;
    }
    List<OutputUnit> first = errors.subList(0, Math.min(errors.size(), EXPLAINED));
    OutputUnit best = first.get(first.size() - 1);
    for (OutputUnit e : first) {
      if (depth(e) > depth(best)) {
        best = e;
      }
    }
    return best;
  }

  private static long depth(OutputUnit unit) {
    String location = unit.getInstanceLocation();
    return location == null ? 0 : location.chars().filter(c -> c == '/').count();
  }

  private static String reasonOf(OutputUnit unit) {
    if (unit == null) {
      return null;
    }
    String error = mostRelevant(unit).getError();
    return error == null ? null : error;
  }
}
