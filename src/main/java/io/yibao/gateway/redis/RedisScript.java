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

  /**
   * Loads {@code names} from the classpath folder {@code redis-scripts/}, joined in order into one script: a library
   * (functions, e.g. {@code msgid-lib.lua} or {@code token-bucket.lua}) goes in front of the scripts that call it,
   * so one step is written once. Redis sees one script, one round trip.
   */
  public static RedisScript load(String... names) {
    StringBuilder source = new StringBuilder();
    for (String name : names) {
      try (InputStream in = RedisScript.class.getClassLoader().getResourceAsStream("redis-scripts/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing script " + name);
        }
        source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (source.charAt(source.length() - 1) != '\n') {
          source.append('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new RedisScript(source.toString());
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
