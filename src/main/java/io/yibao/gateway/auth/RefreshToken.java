package io.yibao.gateway.auth;

import java.util.regex.Pattern;

/**
 * An opaque refresh token as the client sees it: {@code <account>.<session>.<secret>}, all random. The account
 * and session parts locate the session in Redis (under the account's hash tag) without a global index; only a
 * SHA-256 hash of the secret is stored.
 */
public record RefreshToken(String accountId, String sessionId, String secret) {

  private static final Pattern SHAPE = Pattern.compile("([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{43})");

  /** The token's text: what {@link #parse} reads back. */
  public static String format(String accountId, String sid, String secret) {
    return accountId + "." + sid + "." + secret;
  }

  /** Null when the text is not shaped like one of ours. */
  public static RefreshToken parse(String text) {
    if (text == null) {
      return null;
    }
    var m = SHAPE.matcher(text);
    return m.matches() ? new RefreshToken(m.group(1), m.group(2), m.group(3)) : null;
  }
}
