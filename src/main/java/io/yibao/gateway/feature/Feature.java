package io.yibao.gateway.feature;

import io.vertx.core.Future;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.yibao.gateway.http.Operations;
import io.yibao.gateway.ops.ReadinessCheck;

import java.util.List;
import java.util.Map;

/**
 * One feature of the gateway, as it plugs in. The feature's package holds its endpoints, its service, its typed
 * clients and its records, and one implementation of this interface that builds them from the {@link Infrastructure}
 * (construction happens there and nowhere else). A new feature is that package plus one line in
 * {@code GatewayFeatures}: nothing else changes. Built and started once per gateway instance (event loop).
 */
public interface Feature {

  /** Registers the handlers of the contract operations this feature serves. */
  void register(Operations operations);

  /** What {@code /health/ready} reports for this feature's own dependencies (an outbox backlog, say). */
  default List<ReadinessCheck> readinessChecks() {
    return List.of();
  }

  /** The handlers of the contract's security schemes this feature owns, by scheme name. */
  default Map<String, AuthenticationHandler> securityHandlers() {
    return Map.of();
  }

  /**
   * Starts the feature's background work (recovery, delivery loops) before the instance listens. A failed start
   * fails the instance's start, and every feature is then stopped.
   */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /**
   * Stops the background work on graceful shutdown (or a failed start): nothing new is started after it, what runs
   * finishes on its own. Safe to call when {@link #start} never ran.
   */
  default void stop() {
  }
}
