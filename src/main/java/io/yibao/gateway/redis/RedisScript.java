package io.yibao.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), falling back to {@code EVAL} once when Redis does not know it
 * yet (after a restart or a failover), so atomic multi-step operations cost one round trip.
 */
public final class RedisScript {

  private final String source;
  private final String sha1;

  private RedisScript(String source) {
    this.source = source;
    try {
      this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Loads {@code name} from the classpath folder {@code redis-scripts/}. */
  public static RedisScript load(String name) {
    return new RedisScript(source(name));
  }

  /**
   * One script made of several files of {@code redis-scripts/}, in order: shared Lua functions (a library such as
   * {@code token-bucket.lua}) followed by the script that calls them. Redis sees one script, one round trip.
   */
  public static RedisScript joined(String... names) {
    StringBuilder joined = new StringBuilder();
    for (String name : names) {
      joined.append(source(name)).append('\n');
    }
    return new RedisScript(joined.toString());
  }

  private static String source(String name) {
    try (InputStream in = RedisScript.class.getClassLoader().getResourceAsStream("redis-scripts/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Future<Response> run(RedisStore redis, List<String> keys, List<String> args) {
    return redis.send(request(Command.EVALSHA, sha1, keys, args))
        .recover(failure -> failure instanceof ErrorType error && error.is("NOSCRIPT")
            ? redis.send(request(Command.EVAL, source, keys, args))
            : Future.failedFuture(failure));
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }
}
