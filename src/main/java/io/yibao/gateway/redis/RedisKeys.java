package io.yibao.gateway.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one Redis key scheme: {@code yb:{<hash-tag>}:<kind>:<id>}.
 * <ul>
 *   <li>{@code yb:} namespaces the gateway in a shared Redis;</li>
 *   <li>{@code {hash-tag}} decides the Redis Cluster slot, so keys that one Lua script touches together share
 *   a tag (a session and its index share the account's tag, for example);</li>
 *   <li>{@code kind} says what the value is ({@code rl} rate-limit state, {@code sess} a session, ...);</li>
 *   <li>{@code id} tells instances of a kind apart.</li>
 * </ul>
 * Personal data (phone numbers, ID numbers) never appears in a key: such subjects go through {@link #digest}.
 */
public final class RedisKeys {

  public static final String PREFIX = "yb:";

  private RedisKeys() {
  }

  public static String key(String hashTag, String kind, String id) {
    if (hashTag.indexOf('{') >= 0 || hashTag.indexOf('}') >= 0) {
      throw new IllegalArgumentException("hash tag must not contain braces");
    }
    return PREFIX + "{" + hashTag + "}:" + kind + ":" + id;
  }

  /** A short, stable, one-way name for a subject that must not be readable in a Redis dump. */
  public static String digest(String subject) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
