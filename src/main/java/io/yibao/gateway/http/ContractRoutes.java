package io.yibao.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contract's operations as a matcher over raw request paths. The router does its own matching; this one
 * exists for what runs before the router has picked a route: the body limit of the operation, the route template
 * for the access log (never the raw path, which may hold a code or an id), and the {@code Allow} header of a 405.
 */
public final class ContractRoutes {

  /** One operation: its method, path template (OpenAPI form) and body limit. */
  public record Entry(HttpMethod method, String template, String operationId, int bodyLimitBytes, Pattern pattern) {
  }

  public static final String BODY_LIMIT_EXTENSION = "x-body-limit-bytes";
  private static final String KEY = "yb.route";
  private static final Pattern PARAM = Pattern.compile("\\{[^}/]+}");

  private final List<Entry> entries;
  /** Literal paths by method and path: most requests are answered by one hash lookup instead of a regex scan. */
  private final Map<String, Entry> literal = new HashMap<>();
  private final List<Entry> templated;

  private ContractRoutes(List<Entry> entries) {
    this.entries = entries;
    List<Entry> withParams = new ArrayList<>();
    for (Entry e : entries) {
      if (e.template().indexOf('{') < 0) {
        literal.putIfAbsent(e.method().name() + ' ' + e.template(), e);
      } else {
        withParams.add(e);
      }
    }
    this.templated = List.copyOf(withParams);
  }

  public static ContractRoutes of(OpenAPIContract contract, int defaultBodyLimitBytes) {
    List<Entry> entries = new ArrayList<>();
    for (Path path : contract.getPaths()) {
      Pattern pattern = toPattern(path.getName());
      for (Operation op : path.getOperations()) {
        Object limit = op.getExtensions().get(BODY_LIMIT_EXTENSION);
        int bodyLimit = limit instanceof Number n ? n.intValue() : defaultBodyLimitBytes;
        entries.add(new Entry(op.getHttpMethod(), path.getName(), op.getOperationId(), bodyLimit, pattern));
      }
    }
    // Literal paths win over templated ones, as in the router (/a/me before /a/{id}).
    entries.sort((a, b) -> Long.compare(a.template().chars().filter(c -> c == '{').count(),
        b.template().chars().filter(c -> c == '{').count()));
    return new ContractRoutes(List.copyOf(entries));
  }

  static Pattern toPattern(String template) {
    StringBuilder regex = new StringBuilder("^");
    Matcher m = PARAM.matcher(template);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start()))).append("[^/]+");
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last))).append('$');
    return Pattern.compile(regex.toString());
  }

  public Entry match(HttpMethod method, String path) {
    Entry exact = literal.get(method.name() + ' ' + path);
    if (exact != null) {
      return exact;
    }
    for (Entry e : templated) {
      if (e.method().equals(method) && e.pattern().matcher(path).matches()) {
        return e;
      }
    }
    return null;
  }

  /** The methods the contract allows on this path; empty when the path is unknown. */
  public Set<HttpMethod> methodsFor(String path) {
    Set<HttpMethod> methods = new LinkedHashSet<>();
    for (Entry e : entries) {
      if (e.pattern().matcher(path).matches()) {
        methods.add(e.method());
      }
    }
    return methods;
  }

  public List<Entry> entries() {
    return entries;
  }

  /** Root handler: remembers which operation this request is for (null when none). */
  public void remember(RoutingContext rc) {
    rc.put(KEY, match(rc.request().method(), rc.normalizedPath()));
    rc.next();
  }

  public static Entry of(RoutingContext rc) {
    return rc.get(KEY);
  }
}
