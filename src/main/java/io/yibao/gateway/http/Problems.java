package io.yibao.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;

/** Writes RFC 9457 problem bodies ({@code application/problem+json}). */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {
  }

  public static void send(RoutingContext rc, ProblemException problem) {
    send(rc, problem.code(), problem.detail(), problem.field(), problem.headers(), problem.extensions());
  }

  public static void send(RoutingContext rc, ProblemCode code, String detail) {
    send(rc, code, detail, null, Map.of(), null);
  }

  public static void send(RoutingContext rc, ProblemCode code, String detail, String field, Map<String, String> headers,
                          JsonObject extensions) {
    HttpServerResponse response = rc.response();
    if (response.headWritten()) {
      // Too late for a problem body: the status line is gone. Closing tells the client the answer is incomplete.
      response.reset();
      return;
    }
    boolean english = prefersEnglish(rc.request().getHeader(HttpHeaders.ACCEPT_LANGUAGE));
    JsonObject body = body(code, detail, field, RequestIds.traceId(rc), english);
    if (extensions != null) {
      extensions.forEach(e -> body.put(e.getKey(), e.getValue()));
    }
    headers.forEach(response::putHeader);
    write(response, code, body, english);
  }

  /**
   * For what is answered before any router sees the request (the HTTP decoder's refusals): the bare request, a
   * fresh trace id, and the headers every answer carries.
   */
  public static Future<Void> send(HttpServerRequest request, ProblemCode code, String detail, boolean hsts) {
    boolean english = prefersEnglish(request.getHeader(HttpHeaders.ACCEPT_LANGUAGE));
    String traceId = RequestIds.newId();
    HttpServerResponse response = request.response();
    response.putHeader(RequestIds.HEADER, traceId);
    SecurityHeaders.put(response, hsts);
    return write(response, code, body(code, detail, null, traceId, english), english);
  }

  /** The body {@link #send} writes for {@code problem} (e.g. to keep it as an answer that is replayed later). */
  public static JsonObject body(ProblemException problem, String traceId, boolean english) {
    JsonObject body = body(problem.code(), problem.detail(), problem.field(), traceId, english);
    if (problem.extensions() != null) {
      problem.extensions().forEach(e -> body.put(e.getKey(), e.getValue()));
    }
    return body;
  }

  /** The headers {@link #send} writes beside every problem body (the problem's own come on top). */
  public static Map<String, String> contentHeaders(boolean english) {
    return Map.of("Content-Type", CONTENT_TYPE, "Content-Language", english ? "en" : "zh-CN");
  }

  private static JsonObject body(ProblemCode code, String detail, String field, String traceId, boolean english) {
    JsonObject body = new JsonObject()
        .put("type", "https://yibao.example/problems/" + code.name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .put("code", code.name())
        .put("status", code.status())
        .put("title", code.title(english));
    if (detail != null) {
      body.put("detail", detail);
    }
    if (field != null) {
      body.put("field", field);
    }
    return body.put("traceId", traceId);
  }

  private static Future<Void> write(HttpServerResponse response, ProblemCode code, JsonObject body, boolean english) {
    contentHeaders(english).forEach(response::putHeader);
    return response.setStatusCode(code.status()).end(body.toBuffer());
  }

  /**
   * True when the client's Accept-Language ranks some English above every Chinese entry. Chinese is the default:
   * no header, an unparseable header or a tie all answer in Chinese.
   */
  static boolean prefersEnglish(String header) {
    if (header == null || header.isBlank()) {
      return false;
    }
    double en = -1;
    double zh = -1;
    for (String part : header.split(",")) {
      String[] pieces = part.trim().split(";");
      if (pieces.length == 0) {
        continue; // ";;;": nothing to rank
      }
      String tag = pieces[0].trim().toLowerCase(Locale.ROOT);
      double q = 1.0;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (tag.equals("en") || tag.startsWith("en-")) {
        en = Math.max(en, q);
      } else if (tag.equals("zh") || tag.startsWith("zh-")) {
        zh = Math.max(zh, q);
      }
    }
    return en > 0 && en > zh;
  }
}
