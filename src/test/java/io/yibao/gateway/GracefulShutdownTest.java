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

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stopping the gateway (SIGTERM runs the same stop) lets a request in flight finish before closing. */
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
}
