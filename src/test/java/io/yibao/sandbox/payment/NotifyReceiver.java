package io.yibao.sandbox.payment;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

/**
 * Plays the gateway's payment callback in tests: a Vert.x server of its own on a free port. Each path answers as its
 * test says (by the number of the request on that path; a negative status means never answer) and keeps what it got.
 */
final class NotifyReceiver implements AutoCloseable {

  /** One request as received: lower-cased header names. */
  record Received(Map<String, String> headers, String body) {

    String header(String name) {
      return headers.get(name.toLowerCase());
    }

    /** Verifies Wechatpay-Signature over {@code timestamp\nnonce\nbody\n} with the platform public key. */
    boolean signatureVerifies(PublicKey platformKey) throws Exception {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(platformKey);
      verifier.update((header("Wechatpay-Timestamp") + "\n" + header("Wechatpay-Nonce") + "\n" + body + "\n")
          .getBytes(StandardCharsets.UTF_8));
      return verifier.verify(Base64.getDecoder().decode(header("Wechatpay-Signature")));
    }

    /** Opens the AEAD_AES_256_GCM resource with the APIv3 key, as the merchant does. */
    JsonObject decryptedResource(String apiV3Key) throws Exception {
      JsonObject resource = new JsonObject(body).getJsonObject("resource");
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(apiV3Key.getBytes(StandardCharsets.UTF_8), "AES"),
          new GCMParameterSpec(128, resource.getString("nonce").getBytes(StandardCharsets.UTF_8)));
      cipher.updateAAD(resource.getString("associated_data").getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(Base64.getDecoder().decode(resource.getString("ciphertext")));
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    }
  }

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
  private final Map<String, IntUnaryOperator> answers = new ConcurrentHashMap<>();
  private final HttpServer server;

  NotifyReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Map<String, String> headers = new ConcurrentHashMap<>();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      List<Received> list = received.computeIfAbsent(request.path(), p -> new CopyOnWriteArrayList<>());
      list.add(new Received(headers, body.toString(StandardCharsets.UTF_8)));
      int status = answers.getOrDefault(request.path(), n -> 200).applyAsInt(list.size());
      if (status >= 0) {
        request.response().setStatusCode(status).end();
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A URL on this receiver whose {@code n}-th request (from 1) is answered with {@code statusOfRequest(n)}. */
  String url(String path, IntUnaryOperator statusOfRequest) {
    answers.put(path, statusOfRequest);
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  List<Received> received(String path) {
    return received.getOrDefault(path, List.of());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
