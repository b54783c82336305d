package io.yibao.gateway.ops;

import io.vertx.core.Future;

/** One dependency that {@code /health/ready} asks about: Redis, and each core system's breaker. */
public interface ReadinessCheck {

  String name();

  /** Succeeds when the dependency can serve; should answer well within a second. */
  Future<Void> check();
}
