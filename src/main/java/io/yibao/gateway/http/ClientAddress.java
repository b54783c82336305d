package io.yibao.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.Set;

/**
 * The client's address. Behind the bureau's load balancers the TCP peer is a proxy; its {@code X-Forwarded-For}
 * is believed only when the peer is one of {@code http.trustedProxies}, and then the client is the rightmost
 * entry that is not itself a trusted proxy (entries further left are the client's own claims).
 */
public final class ClientAddress {

  private final Set<String> trustedProxies;

  public ClientAddress(Iterable<String> trustedProxies) {
    java.util.HashSet<String> set = new java.util.HashSet<>();
    trustedProxies.forEach(set::add);
    this.trustedProxies = Set.copyOf(set);
  }

  public String of(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String address = peer == null ? "unknown" : peer.hostAddress();
    if (trustedProxies.isEmpty() || !trustedProxies.contains(address)) {
      return address;
    }
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null) {
      return address;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return address;
  }
}
