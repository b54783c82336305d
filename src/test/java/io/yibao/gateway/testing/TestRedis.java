package io.yibao.gateway.testing;

import io.yibao.demo.DemoRedis;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real redis-server (from the embedded-redis artifact) on a free port: never the machine's 6379, so tests pass
 * on a machine without Redis and beside a running demo. {@link #shared()} serves most tests; a test that stops
 * Redis starts its own.
 */
public final class TestRedis implements AutoCloseable {

  private static TestRedis shared;

  private final int port;
  private final RedisServer server;

  private TestRedis(int port) throws IOException {
    this.port = port;
    this.server = DemoRedis.embedded(port);
  }

  public static synchronized TestRedis shared() {
    if (shared == null) {
      shared = started();
    }
    return shared;
  }

  public static TestRedis started() {
    try {
      TestRedis redis = new TestRedis(DemoRedis.freePort());
      redis.start();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void stop() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The gateway's Redis client on this server, returned once it answers: the first connection of a cold JVM may
   * take longer than one command's time bound. For tests that drive a mechanism without a gateway.
   */
  public io.yibao.gateway.redis.RedisStore connectedStore(io.vertx.core.Vertx vertx,
                                                          io.yibao.gateway.config.GatewayConfig.Redis config) {
    io.yibao.gateway.redis.RedisStore store = io.yibao.gateway.redis.RedisStore.create(vertx, config);
    Await.until("Redis answers", java.time.Duration.ofSeconds(10), () -> {
      try {
        store.ping().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        return true;
      } catch (Exception e) {
        return false;
      }
    });
    return store;
  }

  /**
   * Makes this Redis refuse every write (OOM, as a full or failing shard does) until {@link #acceptWrites()}; reads
   * and deletes still work. Tests use it to fail the one write between two steps of a flow, with a sandbox fault
   * holding the flow between them.
   */
  public void refuseWrites() {
    command("CONFIG", "SET", "maxmemory-policy", "noeviction");
    command("CONFIG", "SET", "maxmemory", "1");
  }

  /** Undoes {@link #refuseWrites()}. */
  public void acceptWrites() {
    command("CONFIG", "SET", "maxmemory", "0");
  }

  /**
   * One command over a plain socket, answered as text (status, bulk or integer reply; arrays joined by newlines).
   * For test setup only: no pooling, blocking, never on an event loop.
   */
  public String command(String... args) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000); // a setup script (a million XADDs) takes seconds on a busy machine
      StringBuilder out = new StringBuilder("*").append(args.length).append("\r\n");
      for (String arg : args) {
        byte[] bytes = arg.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
      }
      socket.getOutputStream().write(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      java.io.DataInputStream in = new java.io.DataInputStream(
          new java.io.BufferedInputStream(socket.getInputStream()));
      return readReply(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readReply(java.io.DataInputStream in) throws IOException {
    String line = readLine(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':' -> {
        return rest;
      }
      case '-' -> throw new IllegalStateException("redis: " + rest);
      case '$' -> {
        int length = Integer.parseInt(rest);
        if (length < 0) {
          return null;
        }
        byte[] bytes = new byte[length + 2];
        in.readFully(bytes);
        return new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
      }
      case '*' -> {
        int count = Integer.parseInt(rest);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < count; i++) {
          if (i > 0) {
            joined.append('\n');
          }
          joined.append(readReply(in));
        }
        return joined.toString();
      }
      default -> throw new IllegalStateException("unexpected redis reply " + line);
    }
  }

  private static String readLine(java.io.DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new java.io.EOFException("redis closed the connection");
      }
      line.append((char) c);
    }
    in.read();  // '\n'
    return line.toString();
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    stop();
  }
}
