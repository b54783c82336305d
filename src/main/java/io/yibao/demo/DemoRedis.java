package io.yibao.demo;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * Redis for the demo: the one named by {@code REDIS_URL} when it answers, otherwise a real redis-server from the
 * embedded-redis artifact on a free port, without persistence, stopped with the demo.
 */
public final class DemoRedis implements AutoCloseable {

  private final String url;
  private final RedisServer server;

  private DemoRedis(String url, RedisServer server) {
    this.url = url;
    this.server = server;
  }

  public static DemoRedis resolve(String redisUrlFromEnv) throws IOException {
    if (redisUrlFromEnv != null && !redisUrlFromEnv.isBlank() && reachable(redisUrlFromEnv)) {
      return new DemoRedis(redisUrlFromEnv, null);
    }
    int port = freePort();
    RedisServer server = embedded(port);
    server.start();
    return new DemoRedis("redis://127.0.0.1:" + port, server);
  }

  /** A redis-server on 127.0.0.1:port that keeps nothing on disk. Not started. */
  public static RedisServer embedded(int port) throws IOException {
    return RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("save \"\"")
        .setting("appendonly no")
        .build();
  }

  public String url() {
    return url;
  }

  public boolean embedded() {
    return server != null;
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.stop();
    }
  }

  static boolean reachable(String url) {
    try (Socket socket = new Socket()) {
      URI uri = URI.create(url);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 500);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
