package io.yibao.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * What a gateway port answers before any router sees the request, so that every answer is a problem body:
 * <ol>
 *   <li>the HTTP decoder's refusals (Vert.x answers them with an empty body by default): a request line over
 *   {@code maxInitialLineLength} is 414 {@code URI_TOO_LONG}, headers over {@code maxHeaderSize} 431
 *   {@code HEADERS_TOO_LARGE}, anything else it cannot parse (broken framing, a bad header line, two
 *   Content-Lengths) 400 {@code MALFORMED_REQUEST};</li>
 *   <li>a protocol other than HTTP/1.x (Vert.x answers 501 with an empty body): 400 {@code MALFORMED_REQUEST};
 *   HTTP/1.2 and later minors are read as HTTP/1.1, as RFC 9112 asks;</li>
 *   <li>a path or query with an invalid percent-escape: 400 {@code MALFORMED_REQUEST}. Checked once here, so nothing
 *   later (route matching, the access log, the contract's validation, a handler) meets an exception while decoding;
 *   </li>
 *   <li>an {@code Expect} other than {@code 100-continue}: 417 {@code EXPECTATION_FAILED}.</li>
 * </ol>
 * The connection is closed after each of these answers. They are logged as one access line with route
 * {@code refused}.
 */
public final class HttpEdge {

  /** The longest request line and the largest header block read (Vert.x's defaults, set explicitly). */
  public static final int MAX_REQUEST_LINE = 4096;
  public static final int MAX_HEADERS = 8192;

  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  private static final String VERSION_CHECK = "yb-http-version";

  private HttpEdge() {
  }

  /**
   * Installs the edge on {@code server} (created with {@link #options()}) in front of {@code requests}.
   *
   * @param hsts whether answers carry Strict-Transport-Security (production), as the router's do
   */
  public static HttpServer install(HttpServer server, Handler<HttpServerRequest> requests, boolean hsts) {
    return server
        .invalidRequestHandler(request -> invalid(request, hsts))
        .connectionHandler(HttpEdge::checkVersions)
        .requestHandler(request -> {
          ProblemCode refused = refusal(request);
          if (refused == null) {
            requests.handle(request);
          } else {
            String detail = refused == ProblemCode.EXPECTATION_FAILED ? "Only Expect: 100-continue is supported"
                : "The path or query has an invalid percent-escape";
            refuse(request, refused, detail, hsts);
          }
        });
  }

  /** Server options with the limits the edge's answers name; callers add their own settings. */
  public static HttpServerOptions options() {
    return new HttpServerOptions().setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADERS);
  }

  /** Why a well-framed request is refused before routing, or null. */
  static ProblemCode refusal(HttpServerRequest request) {
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")) {
      return ProblemCode.EXPECTATION_FAILED;
    }
    if (!validEscapes(request.uri())) {
      return ProblemCode.MALFORMED_REQUEST;
    }
    try {
      request.params(); // decoded once and kept by the request: later readers cannot fail
      return null;
    } catch (IllegalArgumentException e) {
      return ProblemCode.MALFORMED_REQUEST;
    }
  }

  /** True when every {@code %} is followed by two hex digits. */
  static boolean validEscapes(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
          || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static void invalid(HttpServerRequest request, boolean hsts) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      refuse(request, ProblemCode.URI_TOO_LONG, "At most " + MAX_REQUEST_LINE + " bytes in the request line", hsts);
    } else if (cause instanceof TooLongHttpHeaderException) {
      refuse(request, ProblemCode.HEADERS_TOO_LARGE, "At most " + MAX_HEADERS + " bytes of headers", hsts);
    } else if (cause instanceof UnsupportedVersion) {
      refuse(request, ProblemCode.MALFORMED_REQUEST, "Only HTTP/1.1 and HTTP/1.0 are spoken here", hsts);
    } else {
      refuse(request, ProblemCode.MALFORMED_REQUEST, "Not a well-formed HTTP/1.1 request", hsts);
    }
  }

  private static void refuse(HttpServerRequest request, ProblemCode code, String detail, boolean hsts) {
    // Closed after the answer: the framing of what follows (or the unread body) cannot be trusted.
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    Problems.send(request, code, detail, hsts).onComplete(done -> {
      ACCESS.info("request", kv("method", String.valueOf(request.method())), kv("route", "refused"),
          kv("status", code.status()), kv("code", code.name()));
      request.connection().close();
    });
  }

  /**
   * Vert.x answers a request of an unknown protocol version itself (501, empty body) before any handler runs; this
   * step marks such a request as undecodable instead, so that {@link #invalid} answers it.
   */
  private static void checkVersions(HttpConnection connection) {
    if (connection instanceof HttpServerConnection http1
        && http1.channelHandlerContext().pipeline().get(VERSION_CHECK) == null
        && http1.channelHandlerContext().pipeline().get("httpDecoder") != null) {
      http1.channelHandlerContext().pipeline().addAfter("httpDecoder", VERSION_CHECK, new VersionCheck());
    }
  }

  private static final class VersionCheck extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
        HttpVersion version = request.protocolVersion();
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
          if (!"HTTP".equals(version.protocolName()) || version.majorVersion() != 1) {
            request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion()));
          }
          // Answered in HTTP/1.1 either way: a later minor version is read as 1.1, an unknown one is refused in it.
          request.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** The request's protocol is not HTTP/1.x. */
  private static final class UnsupportedVersion extends DecoderException {
    UnsupportedVersion() {
      super("unsupported protocol version", null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
