package io.yibao.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A plain JDK HTTP client for tests: it has nothing in common with the gateway's own Vert.x stack. */
public final class Http {

  /**
   * One client (and so one keep-alive pool) per port: a port freed by a stopped gateway is soon reused by the
   * next, and a pooled connection to the old one would fail with "EOF reached while reading".
   */
  private static final java.util.Map<Integer, HttpClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

  private final String base;
  private final HttpClient client;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.client = CLIENTS.computeIfAbsent(port,
        p -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  /** Drops the pooled connections to a port whose server has stopped. */
  public static void forget(int port) {
    CLIENTS.remove(port);
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  public HttpResponse<String> postJson(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<byte[]> sendBytes(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }
}
