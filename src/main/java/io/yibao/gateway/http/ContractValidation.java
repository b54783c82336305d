package io.yibao.gateway.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract's request validation, run on the event loop. Same checks and same errors as the router's own, which
 * (vertx-openapi 5.0) sends every request through {@code executeBlocking} to a worker thread and compiles a fresh
 * JSON-schema validator for every parameter and body it checks: on the settle path JFR found the workers busy
 * mostly in {@code SchemaValidatorImpl.<init>}, and each request paid two thread hand-offs. Here the library's own
 * per-parameter and per-body validation is reused, each schema's validator is compiled once, and the check runs in
 * line (bodies are bounded by {@link BodyLimits} before they get here). What this needs of the library's internals
 * is in {@link OpenApiInternals}, and nowhere else. {@link GatewayRouter} turns the router's
 * validation off and puts {@link #handler} first on every operation.
 */
final class ContractValidation {

  private final OpenApiInternals.InLineValidator validator;
  private final JsonObject rawContract;
  private final BodyShape shape;

  ContractValidation(Vertx vertx, OpenAPIContract contract) {
    for (Operation operation : contract.operations()) {
      for (Parameter p : operation.getParameters()) {
        if (p.getSchemaType() == SchemaType.ARRAY || p.getSchemaType() == SchemaType.OBJECT) {
          // extract() reads one value per parameter; styles and explode would need the library's extractor
          throw new IllegalStateException("parameter " + p.getName() + " of " + operation.getOperationId()
              + " is not a scalar: not supported by the gateway's extraction");
        }
      }
    }
    this.rawContract = contract.getRawContract();
    this.shape = new BodyShape(rawContract);
    this.validator = new OpenApiInternals.InLineValidator(vertx, new ValidatorPerSchema(contract));
  }

  /** Validates the request against {@code operation}; a violation fails the request with 400, as the router does. */
  InputTrustHandler handler(Operation operation) {
    JsonObject bodySchema = BodyShape.bodySchema(rawContract, operation.getOpenAPIPath(),
        operation.getHttpMethod().name());
    return rc -> extract(rc, operation)
        .compose(request -> bodySchema == null ? Future.succeededFuture(request) : shaped(request, bodySchema))
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(validated -> {
          rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
          rc.put(RouterBuilder.KEY_META_DATA_OPERATION, operation); // the contract's defaults, for Validated
          rc.next();
        })
        .onFailure(failure -> rc.fail(failure instanceof ValidatorException
            ? new HttpException(400, failure.getMessage(), failure) : failure));
  }

  /** Fails with the first size violation of a JSON body ({@link BodyShape}); anything else is the validator's. */
  private Future<ValidatableRequest> shaped(ValidatableRequest request, JsonObject bodySchema) {
    RequestParameter body = request.getBody();
    String type = request.getContentType();
    if (body == null || body.isNull() || !(body.get() instanceof io.vertx.core.buffer.Buffer buffer)
        || type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      return Future.succeededFuture(request);
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(buffer);
    } catch (RuntimeException e) {
      return Future.succeededFuture(request); // not JSON: the validator says so
    }
    ProblemException violation = shape.check(bodySchema, parsed);
    return violation == null ? Future.succeededFuture(request) : Future.failedFuture(violation);
  }

  /**
   * The request's parameters and body as the validator takes them. The library's extractor ({@code RequestUtils})
   * URL-decodes values that Vert.x has already decoded (query, path) or that are not URL-encoded at all (headers):
   * {@code ?year=%25} became {@code %} and then a decoding failure, and a header holding {@code %} could not be
   * read. Here each value is decoded exactly once: the query by the request ({@link HttpEdge} has checked that it
   * decodes), the path by the router, headers and cookies not at all. The contract's parameters are all scalars.
   */
  static Future<ValidatableRequest> extract(RoutingContext rc, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      String name = p.getName();
      switch (p.getIn()) {
        case COOKIE -> {
          io.vertx.core.http.Cookie cookie = rc.request().getCookie(name);
          cookies.put(name, OpenApiInternals.parameter(cookie == null ? null : cookie.getValue()));
        }
        case HEADER -> headers.put(name, OpenApiInternals.parameter(rc.request().getHeader(name)));
        case PATH -> path.put(name, OpenApiInternals.parameter(rc.pathParam(name)));
        case QUERY -> query.put(name, OpenApiInternals.parameter(rc.request().params().get(name)));
        default -> { }
      }
    }
    if (operation.getRequestBody() == null) {
      return Future.succeededFuture(OpenApiInternals.request(cookies, headers, path, query));
    }
    io.vertx.core.buffer.Buffer body = rc.body().buffer();
    return Future.succeededFuture(OpenApiInternals.request(cookies, headers, path, query,
        OpenApiInternals.parameter(body), rc.request().getHeader(io.vertx.core.http.HttpHeaders.CONTENT_TYPE)));
  }

  /** The contract, whose schema repository compiles each schema's validator once (schemas are kept by identity). */
  static final class ValidatorPerSchema implements OpenAPIContract {

    private final OpenAPIContract contract;
    private final SchemaRepository repository;

    ValidatorPerSchema(OpenAPIContract contract) {
      this.contract = contract;
      this.repository = new CompiledOnce(contract.getSchemaRepository());
    }

    @Override
    public SchemaRepository getSchemaRepository() {
      return repository;
    }

    @Override
    public Operation operation(String operationId) {
      return contract.operation(operationId);
    }

    @Override
    public List<Operation> operations() {
      return contract.operations();
    }

    @Override
    public List<Path> getPaths() {
      return contract.getPaths();
    }

    @Override
    public JsonObject getRawContract() {
      return contract.getRawContract();
    }

    @Override
    public OpenAPIVersion getVersion() {
      return contract.getVersion();
    }

    @Override
    public List<Server> getServers() {
      return contract.getServers();
    }

    @Override
    public Path findPath(String urlPath) {
      return contract.findPath(urlPath);
    }

    @Override
    public Operation findOperation(String urlPath, HttpMethod method) {
      return contract.findOperation(urlPath, method);
    }

    @Override
    public List<SecurityRequirement> getSecurityRequirements() {
      return contract.getSecurityRequirements();
    }

    @Override
    public SecurityScheme securityScheme(String name) {
      return contract.securityScheme(name);
    }
  }

  /** A schema repository that keeps the validator it compiled for each schema (weak keys compare by identity). */
  static final class CompiledOnce implements SchemaRepository {

    private final SchemaRepository repository;
    private final Cache<JsonSchema, Validator> validators = Caffeine.newBuilder().weakKeys().build();

    CompiledOnce(SchemaRepository repository) {
      this.repository = repository;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      return validators.get(schema, repository::validator);
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) {
      repository.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) {
      repository.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String uri) {
      return repository.find(uri);
    }
  }
}
