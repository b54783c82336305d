package io.yibao.sandbox;

import io.vertx.ext.web.Router;

/**
 * One emulated core system. It serves its routes under {@code /<name>/...}, where fault injection for
 * {@code <name>} applies, and may add admin routes under {@code /_sandbox/...}. A new core system (filing,
 * supervision) is a new implementation of this interface, registered in {@link Sandbox}: nothing else changes.
 */
public interface SandboxService {

  /** Path prefix and fault-injection key, e.g. {@code settlement}. */
  String name();

  /** Mounts the service's routes; every path must start with {@code /<name>/}. */
  void mount(Router router);

  /** Mounts admin routes ({@code /_sandbox/...}), if any. */
  default void mountAdmin(Router router) {
  }
}
