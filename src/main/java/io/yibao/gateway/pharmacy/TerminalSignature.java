package io.yibao.gateway.pharmacy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request signature of pharmacy terminals, a public contract that POS vendors implement:
 * <pre>
 *   string to sign = METHOD          + "\n"     upper case: POST
 *                  + PATH_WITH_QUERY + "\n"     the request target exactly as sent: /pos/v1/x?a=1 (no decoding)
 *                  + TIMESTAMP       + "\n"     the X-Timestamp header exactly as sent (Unix seconds)
 *                  + NONCE           + "\n"     the X-Nonce header (8-64 of A-Z a-z 0-9 _ -)
 *                  + hex(SHA-256(body bytes))   lower case; of the empty string when there is no body
 *   X-Signature    = hex(HMAC-SHA256(key = UTF-8 bytes of the terminal secret, UTF-8 bytes of the string to sign))
 * </pre>
 * Headers: {@code X-Terminal-Id}, {@code X-Timestamp}, {@code X-Nonce}, {@code X-Signature}, all lower-case hex
 * where hex. The gateway uses the same code to verify ({@link TerminalAuthHandler}); {@link #sign} and
 * {@link #headers} are the client side, for tests and load tests.
 */
public final class TerminalSignature {

  public static final String TERMINAL_ID = "X-Terminal-Id";
  public static final String TIMESTAMP = "X-Timestamp";
  public static final String NONCE = "X-Nonce";
  public static final String SIGNATURE = "X-Signature";
  /** The scheme named in {@code WWW-Authenticate} of a 401. */
  public static final String SCHEME = "YB-HMAC-SHA256";

  /** SHA-256 of no bytes, the body hash of a request without a body. */
  static final String EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private TerminalSignature() {
  }

  /** The exact text that is signed; {@code body} may be null (no body). */
  public static String stringToSign(String method, String pathWithQuery, String timestamp, String nonce, byte[] body) {
    return method + "\n" + pathWithQuery + "\n" + timestamp + "\n" + nonce + "\n" + bodySha256(body);
  }

  /** Lower-case hex SHA-256 of the body bytes (of the empty string when {@code body} is null or empty). */
  public static String bodySha256(byte[] body) {
    if (body == null || body.length == 0) {
      return EMPTY_BODY_SHA256;
    }
    MessageDigest digest = SHA256.get();
    digest.reset();
    return HEX.formatHex(digest.digest(body));
  }

  /** The X-Signature value: lower-case hex HMAC-SHA256 keyed by the secret's UTF-8 bytes. */
  public static String sign(String secret, String method, String pathWithQuery, long timestamp, String nonce,
                            byte[] body) {
    return HEX.formatHex(mac(key(secret), stringToSign(method.toUpperCase(Locale.ROOT), pathWithQuery,
        Long.toString(timestamp), nonce, body)));
  }

  /** The four headers of a signed request, stamped now with a fresh random nonce. */
  public static Map<String, String> headers(String terminalId, String secret, String method, String pathWithQuery,
                                            byte[] body) {
    return headers(terminalId, secret, method, pathWithQuery, System.currentTimeMillis() / 1000, newNonce(), body);
  }

  /** The four headers of a signed request with the given timestamp and nonce. */
  public static Map<String, String> headers(String terminalId, String secret, String method, String pathWithQuery,
                                            long timestamp, String nonce, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(TERMINAL_ID, terminalId);
    headers.put(TIMESTAMP, Long.toString(timestamp));
    headers.put(NONCE, nonce);
    headers.put(SIGNATURE, sign(secret, method, pathWithQuery, timestamp, nonce, body));
    return headers;
  }

  /** 16 random bytes, base64url: 22 characters, within the nonce alphabet. */
  public static String newNonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static SecretKeySpec key(String secret) {
    return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  static byte[] mac(SecretKeySpec key, String stringToSign) {
    Mac mac = MAC.get();
    try {
      mac.init(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8));
  }
}
