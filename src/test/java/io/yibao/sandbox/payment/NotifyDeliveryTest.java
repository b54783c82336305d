package io.yibao.sandbox.payment;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Http;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.identity.DemoKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * How delivery ends, with schedules short enough to run out within a test: the payment channel is mounted on a
 * server of the test's own so that it can be given one (the sandbox always uses the default).
 */
class NotifyDeliveryTest {

  private Vertx vertx;
  private NotifyReceiver gateway;
  private Http http;

  private void start(NotifySchedule schedule) throws Exception {
    gateway = new NotifyReceiver();
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false));
    PaymentService pay = new PaymentService(vertx, SandboxOptions.forTests(), DemoKeys.load(), schedule);
    pay.mount(router);
    pay.mountAdmin(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    http = new Http(server.actualPort());
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  /** Creates and pays an order notified at {@code url}; returns its out_trade_no. */
  private String paidOrder(String url) {
    String outTradeNo = PaymentServiceTest.outTradeNo();
    HttpResponse<String> prepaid = http.postJson("/pay/v3/pay/transactions/jsapi",
        PaymentServiceTest.order(outTradeNo, 40_000, url).encode());
    assertEquals(200, prepaid.statusCode(), prepaid.body());
    String prepayId = new JsonObject(prepaid.body()).getString("prepay_id");
    assertEquals(200, http.postJson("/_sandbox/pay/" + prepayId + "/confirm", "{}").statusCode());
    return outTradeNo;
  }

  private JsonObject notifies(String outTradeNo) {
    return new JsonObject(http.get("/_sandbox/pay/notifies?out_trade_no=" + outTradeNo).body());
  }

  private JsonObject awaitState(String outTradeNo, String state) {
    Await.until("notify state " + state, Duration.ofSeconds(15),
        () -> state.equals(notifies(outTradeNo).getString("state")));
    return notifies(outTradeNo);
  }

  private static List<String> outcomes(JsonObject delivery) {
    JsonArray attempts = delivery.getJsonArray("attempts");
    return attempts.stream().map(a -> ((JsonObject) a).getString("outcome")).toList();
  }

  @Test
  void aNotifyNeverAcknowledgedIsGivenUpAfterTheLastAttempt() throws Exception {
    start(new NotifySchedule(Duration.ofMillis(20), Duration.ofMillis(80), 4, Duration.ofSeconds(2)));
    String outTradeNo = paidOrder(gateway.url("/callbacks/down", n -> 503));

    JsonObject delivery = awaitState(outTradeNo, "GAVE_UP");
    assertEquals(List.of("REJECTED", "REJECTED", "REJECTED", "REJECTED"), outcomes(delivery));
    assertNull(delivery.getString("nextAttemptAt"));
    assertEquals(4, gateway.received("/callbacks/down").size());
  }

  @Test
  void anAnswerThatNeverComesIsATimeoutAndIsRetried() throws Exception {
    start(new NotifySchedule(Duration.ofMillis(20), Duration.ofMillis(20), 3, Duration.ofMillis(300)));
    String outTradeNo = paidOrder(gateway.url("/callbacks/slow", n -> n == 1 ? -1 : 200));

    JsonObject delivery = awaitState(outTradeNo, "DELIVERED");
    assertEquals(List.of("TIMEOUT", "ACKNOWLEDGED"), outcomes(delivery));
  }

  @Test
  void nobodyListeningIsAConnectionErrorAndIsRetried() throws Exception {
    start(new NotifySchedule(Duration.ofMillis(20), Duration.ofMillis(20), 2, Duration.ofSeconds(2)));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String outTradeNo = paidOrder("http://127.0.0.1:" + closedPort + "/callbacks/nowhere");

    JsonObject delivery = awaitState(outTradeNo, "GAVE_UP");
    assertEquals(List.of("CONNECTION_ERROR", "CONNECTION_ERROR"), outcomes(delivery));
  }

  @Test
  void anAcknowledgedRedeliveryEndsTheRetries() throws Exception {
    start(new NotifySchedule(Duration.ofMinutes(5), Duration.ofMinutes(5), 3, Duration.ofSeconds(2)));
    String outTradeNo = paidOrder(gateway.url("/callbacks/flaky", n -> n == 1 ? 500 : 200));
    Await.until("the first attempt is refused and a retry is scheduled", Duration.ofSeconds(10),
        () -> notifies(outTradeNo).getString("nextAttemptAt") != null);
    assertNotNull(notifies(outTradeNo).getString("nextAttemptAt"));

    assertEquals(200, http.postJson("/_sandbox/pay/notifies/" + outTradeNo + "/redeliver", "{}").statusCode());
    JsonObject delivery = awaitState(outTradeNo, "DELIVERED");
    assertEquals(List.of("REJECTED", "ACKNOWLEDGED"), outcomes(delivery));
    assertNull(delivery.getString("nextAttemptAt"), "the pending retry is cancelled");
  }
}
