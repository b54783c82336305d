package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.APIKeyHandler;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.ratelimit.ClientAddressLimit;
import io.yibao.gateway.ratelimit.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The contract's {@code terminalSignature} scheme (type apiKey, in header {@code X-Signature}): verifies a pharmacy
 * terminal's signed request ({@link TerminalSignature}) and puts the {@link Terminal} on the routing context.
 * Implements Vert.x's APIKeyHandler only because the OpenAPI router binds apiKey schemes to that type.
 *
 * <p>In order, cheapest and least revealing first; every refusal is 401 UNAUTHENTICATED with
 * {@code WWW-Authenticate: YB-HMAC-SHA256}:
 * <ol>
 *   <li>the four headers are present and well-formed;</li>
 *   <li>{@code X-Timestamp} is within {@code pharmacy.signatureSkewSeconds} of the gateway's clock, either way;</li>
 *   <li>the terminal is registered ({@link Terminals#lookup}: memory, else one Redis read) and the signature
 *   verifies, compared in constant time. An unknown terminal and a wrong signature get the same answer, so a
 *   caller cannot probe for terminal ids; only a correctly signed request learns that its terminal is disabled;</li>
 *   <li>only then the nonce step ({@link Terminals#claimNonce}, one script): a nonce seen before is a replay;
 *   else one request is spent from the terminal's and the pharmacy's budgets ({@code rateLimits.perTerminal},
 *   {@code .perPharmacy}: 429 RATE_LIMITED with Retry-After over either) and the nonce is kept 2 x skew, the whole
 *   time the timestamp could be accepted. So unsigned garbage cannot burn a terminal's nonces or budget, and a
 *   pharmacy chain's counters behind one head-office address are limited each as itself.</li>
 * </ol>
 * Malformed headers, an unknown terminal and a wrong signature are failed authentication: they spend from the
 * client address's budget for that ({@link ClientAddressLimit#failedAuthentication}), 429 once it is empty.
 * The body has been read by the router's root body handler before this runs.
 */
public final class TerminalAuthHandler implements APIKeyHandler {

  private static final Logger LOG = LoggerFactory.getLogger(TerminalAuthHandler.class);
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{8,64}");
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
  private static final Pattern SIGNATURE = Pattern.compile("[0-9a-fA-F]{64}");
  private static final HexFormat HEX = HexFormat.of();

  static final String MISSING = "Sign the request: send X-Terminal-Id, X-Timestamp (Unix seconds), X-Nonce "
      + "(8-64 of A-Z a-z 0-9 _ -) and X-Signature (64 hex digits)";
  static final String BAD_SIGNATURE = "The request signature does not verify";
  static final String DISABLED = "This terminal is disabled";
  static final String REPLAYED = "This X-Nonce was already used; send a fresh nonce with every request";

  private final Terminals terminals;
  private final long skewSeconds;
  private final long nonceTtlMillis;
  private final Limit perTerminal;
  private final Limit perPharmacy;
  private final ClientAddressLimit addressLimit;

  /**
   * @param signatureSkewSeconds {@code pharmacy.signatureSkewSeconds}: how far X-Timestamp may be from the clock
   * @param perTerminal          {@code rateLimits.perTerminal}
   * @param perPharmacy          {@code rateLimits.perPharmacy}: all terminals of one fixmedins_code together
   */
  public TerminalAuthHandler(Terminals terminals, int signatureSkewSeconds, Limit perTerminal, Limit perPharmacy,
                             ClientAddressLimit addressLimit) {
    if (signatureSkewSeconds <= 0) {
      throw new IllegalArgumentException("signatureSkewSeconds must be positive");
    }
    this.terminals = terminals;
    this.skewSeconds = signatureSkewSeconds;
    this.nonceTtlMillis = 2L * signatureSkewSeconds * 1000L;
    this.perTerminal = perTerminal;
    this.perPharmacy = perPharmacy;
    this.addressLimit = addressLimit;
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    String terminalId = request.getHeader(TerminalSignature.TERMINAL_ID);
    String timestamp = request.getHeader(TerminalSignature.TIMESTAMP);
    String nonce = request.getHeader(TerminalSignature.NONCE);
    String signature = request.getHeader(TerminalSignature.SIGNATURE);
    if (!Terminals.validTerminalId(terminalId) || timestamp == null || !TIMESTAMP.matcher(timestamp).matches()
        || nonce == null || !NONCE.matcher(nonce).matches()
        || signature == null || !SIGNATURE.matcher(signature).matches()) {
      failed(rc, refusal(MISSING, "malformed", null));
      return;
    }
    long now = System.currentTimeMillis() / 1000;
    if (Math.abs(now - Long.parseLong(timestamp)) > skewSeconds) {
      refuse(rc, "X-Timestamp is more than " + skewSeconds + " s away from the gateway's clock (now " + now
          + "); check the terminal's clock", "skew", terminalId);
      return;
    }
    String stringToSign = TerminalSignature.stringToSign(request.method().name(), request.uri(), timestamp, nonce,
        bodyBytes(rc));
    byte[] presented = HEX.parseHex(signature);
    terminals.lookup(terminalId)
        .compose(registered -> {
          if (registered == null || registered.key() == null) {
            return addressLimit.failedAuthentication(request, refusal(BAD_SIGNATURE, "unknown", terminalId));
          }
          byte[] expected = TerminalSignature.mac(registered.key(), stringToSign);
          if (!MessageDigest.isEqual(expected, presented)) {
            return addressLimit.failedAuthentication(request, refusal(BAD_SIGNATURE, "signature", terminalId));
          }
          if (registered.disabled()) {
            return Future.failedFuture(refusal(DISABLED, "disabled", terminalId));
          }
          return terminals.claimNonce(registered.terminal(), nonce, nonceTtlMillis, perTerminal, perPharmacy)
              .compose(claim -> switch (claim.outcome()) {
                case FRESH -> Future.succeededFuture(registered.terminal());
                case REPLAY -> Future.failedFuture(refusal(REPLAYED, "replay", terminalId));
                case RATE_LIMITED -> Future.failedFuture(RateLimiter.limited(claim.retryAfterMillis()));
              });
        })
        .onComplete(r -> {
          if (r.succeeded()) {
            r.result().attach(rc);
            rc.next();
          } else {
            rc.fail(r.cause());
          }
        });
  }

  private static byte[] bodyBytes(RoutingContext rc) {
    RequestBody body = rc.body();
    Buffer buffer = body == null ? null : body.buffer();
    return buffer == null ? null : buffer.getBytes();
  }

  private static void refuse(RoutingContext rc, String detail, String reason, String terminalId) {
    rc.fail(refusal(detail, reason, terminalId));
  }

  private void failed(RoutingContext rc, ProblemException refusal) {
    addressLimit.failedAuthentication(rc.request(), refusal).onComplete(r -> rc.fail(r.cause()));
  }

  private static ProblemException refusal(String detail, String reason, String terminalId) {
    // Terminal ids are device labels, not personal data; never the signature, nonce or secret.
    LOG.debug("terminal request refused reason={} terminal={}", reason, terminalId);
    return new ProblemException(ProblemCode.UNAUTHENTICATED, detail, null,
        Map.of("WWW-Authenticate", TerminalSignature.SCHEME));
  }

  /** The router binds the scheme's header here; the contract must name {@code X-Signature}. */
  @Override
  public APIKeyHandler header(String headerName) {
    if (!TerminalSignature.SIGNATURE.equalsIgnoreCase(headerName)) {
      throw new IllegalArgumentException("terminalSignature must be the X-Signature header, the contract says "
          + headerName);
    }
    return this;
  }

  @Override
  public APIKeyHandler parameter(String paramName) {
    throw new UnsupportedOperationException("terminal signatures travel in the X-Signature header");
  }

  @Override
  public APIKeyHandler cookie(String cookieName) {
    throw new UnsupportedOperationException("terminal signatures travel in the X-Signature header");
  }

  @Override
  public APIKeyHandler tokenExtractor(Function<String, Future<String>> tokenExtractor) {
    throw new UnsupportedOperationException("terminal signatures are verified whole, not extracted");
  }

}
