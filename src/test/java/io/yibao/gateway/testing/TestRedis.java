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
