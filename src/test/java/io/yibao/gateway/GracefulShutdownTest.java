package io.yibao.gateway;

import io.vertx.core.json.JsonObject;
import io.yibao.gateway.testing.Await;
import io.yibao.gateway.testing.Resident;
import io.yibao.gateway.testing.TestGateway;
import io.yibao.gateway.testing.TestRedis;
import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.yibao.gateway.http.AsyncLineAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping the gateway (SIGTERM runs the same stop) lets a request in flight finish before closing, and writes
 * its access line before the stop completes (the process ends right after).
 */
class GracefulShutdownTest {

  @AfterEach
  void heal() {
    TestSandbox.clearFaults();
  }

  @Test
  void aRequestInFlightIsAnsweredDuringTheDrain() {
    Person p = TestSandbox.shared().world().registry().person(Personas.LAPSED_RESIDENT);
    try (TestRedis redis = TestRedis.started()) {
      TestGateway gateway = TestGateway.start(redis, Map.of("http.drainSeconds", "5", "http.instances", "1"));
      Resident r = Resident.signIn(gateway.http(), p.mobile(), "drain-phone");
      assertEquals(200, r.post("/api/v1/me/real-name",
          new JsonObject().put("name", p.name()).put("idNumber", p.idNumber()).put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
      TestSandbox.fault("registry", new JsonObject().put("latencyMs", 800));
      long before = TestSandbox.received("registry");
      // HTTP/1.1, as the load balancer in front of the gateway speaks it.
      CompletableFuture<HttpResponse<String>> inFlight = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
          .sendAsync(r.request("/api/v1/me").GET().build(), HttpResponse.BodyHandlers.ofString());
      Await.until("the request reached the core", Duration.ofSeconds(5), () -> TestSandbox.received("registry") > before);
      gateway.close();
      HttpResponse<String> answered = inFlight.join();
      assertEquals(200, answered.statusCode(), answered.body());
      assertEquals(false, new JsonObject(answered.body()).getBoolean("stale"));
    }
  }

  /**
   * stdout that takes its time (a slow pipe): it accepts nothing until the gateway's stop has completed or one
   * second has passed. A stop that does not wait for the log completes with the last access line unwritten.
   */
  @Test
  void theLastAccessLineOfAGracefulStopIsWrittenBeforeTheStopCompletes() throws Exception {
    Person p = TestSandbox.shared().world().registry().person(Personas.LAPSED_RESIDENT);
    CountDownLatch stdoutAccepts = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream slowStdout = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        try {
          stdoutAccepts.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (written) {
          written.write(b, off, len);
        }
      }
    };
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    AsyncLineAppender appender = new AsyncLineAppender();
    appender.setContext(context);
    appender.setName("slow-stdout");
    appender.setEncoder(encoder);
    appender.setTarget(slowStdout);
    appender.start();
    Logger access = context.getLogger("access");
    access.addAppender(appender);
    try (TestRedis redis = TestRedis.started()) {
      TestGateway gateway = TestGateway.start(redis, Map.of("http.drainSeconds", "5", "http.instances", "1"));
      Resident r = Resident.signIn(gateway.http(), p.mobile(), "drain-log-phone");
      assertEquals(200, r.post("/api/v1/me/real-name",
          new JsonObject().put("name", p.name()).put("idNumber", p.idNumber()).put("faceToken", Resident.faceToken(p.psnNo()))).statusCode());
      TestSandbox.fault("registry", new JsonObject().put("latencyMs", 800));
      long before = TestSandbox.received("registry");
      CompletableFuture<HttpResponse<String>> inFlight = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
          .sendAsync(r.request("/api/v1/me").GET().build(), HttpResponse.BodyHandlers.ofString());
      Await.until("the request reached the core", Duration.ofSeconds(5), () -> TestSandbox.received("registry") > before);
      CompletableFuture<Void> stopped = gateway.gateway().stop().toCompletionStage().toCompletableFuture();
      stopped.whenComplete((v, e) -> stdoutAccepts.countDown());
      CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(stdoutAccepts::countDown);
      stopped.get(30, TimeUnit.SECONDS);
      String log;
      synchronized (written) {
        log = written.toString(java.nio.charset.StandardCharsets.UTF_8);
      }
      assertTrue(log.contains("\"route\":\"/api/v1/me\""), "the access line of the request answered during the stop: " + log);
      assertEquals(200, inFlight.join().statusCode());
    } finally {
      access.detachAppender(appender);
      appender.stop();
    }
  }
}
