package io.yibao.gateway.core;

import io.vertx.core.Vertx;

import java.util.LinkedHashMap;
import java.util.Map;

/** The core-system clients of one gateway verticle instance, by system name. */
public final class CoreClients {

  private final Map<String, CoreClient> clients = new LinkedHashMap<>();

  public CoreClients(Vertx vertx, CoreGuards guards) {
    guards.all().forEach((name, guard) -> clients.put(name, new CoreClient(vertx, guard)));
  }

  public CoreClient client(String system) {
    CoreClient client = clients.get(system);
    if (client == null) {
      throw new IllegalArgumentException("no core system " + system);
    }
    return client;
  }

  public void close() {
    clients.values().forEach(CoreClient::close);
  }
}
