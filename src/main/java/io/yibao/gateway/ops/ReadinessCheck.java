package io.yibao.gateway.ops;

import io.vertx.core.Future;

/** One dependency that {@code /health/ready} reports: Redis, and each core system's breaker. */
public interface ReadinessCheck {

  String name();

  /** A critical dependency that is not UP makes the instance unready (503); others only mark it DEGRADED. */
  default boolean critical() {
    return true;
  }

  /** "UP", or a word saying what is wrong; a failed future counts as "DOWN". Should answer well within a second. */
  Future<String> check();
}
