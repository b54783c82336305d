package io.yibao.gateway.wechatpay;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's notify callback as a test plays it: a Vert.x server of its own on a free port that verifies each
 * notify with {@link WechatPayNotifications} on its event loop and answers with {@link WechatPayAck}, as the
 * gateway's handler will. It keeps every request exactly as received (raw body bytes, headers), by path, so that
 * each test can give the channel a path of its own. A path may be told to fail its first requests.
 */
final class NotifyCallback implements AutoCloseable {

  /** One request as received, and the status it was answered with. */
  record Received(MultiMap headers, Buffer body, int answered) {
  }

  /** A failure answer for the first {@code count} requests on a path. */
  private record Failing(int count, int status) {
  }

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
  private final Map<String, Failing> failing = new ConcurrentHashMap<>();
  private final HttpServer server;

  NotifyCallback(WechatPayNotifications notifications) throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      List<Received> list = received.computeIfAbsent(request.path(), p -> new CopyOnWriteArrayList<>());
      Failing fail = failing.get(request.path());
      int status;
      if (fail != null && list.size() < fail.count()) {
        status = fail.status();
        WechatPayAck.failure(request.response(), status, "cannot apply the payment now");
      } else {
        try {
          notifications.verify(request.headers(), body);
          status = 200;
          WechatPayAck.success(request.response());
        } catch (NotifyRejected rejected) {
          WechatPayAck.rejected(request.response(), rejected);
          status = request.response().getStatusCode();
        }
      }
      list.add(new Received(headers, body.copy(), status));
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /** The first {@code count} requests on {@code path} are answered {@code status} with WeChat's FAIL body. */
  void failFirst(String path, int count, int status) {
    failing.put(path, new Failing(count, status));
  }

  List<Received> received(String path) {
    return received.getOrDefault(path, List.of());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
