package io.yibao.gateway.pharmacy;

import io.vertx.ext.web.RoutingContext;

/**
 * The pharmacy counter terminal that signed a request, put on the routing context by {@link TerminalAuthHandler}
 * once the signature, timestamp and nonce are good: the terminal's id and the designated pharmacy
 * ({@code fixmedins_code}) it is registered to. Handlers behind {@code terminalSignature} act for this pharmacy
 * only.
 */
public record Terminal(String terminalId, String fixmedinsCode) {

  private static final String KEY = "yb.terminal";

  public static Terminal of(RoutingContext rc) {
    Terminal terminal = rc.get(KEY);
    if (terminal == null) {
      throw new IllegalStateException("operation is not behind terminalSignature in the contract");
    }
    return terminal;
  }

  void attach(RoutingContext rc) {
    rc.put(KEY, this);
  }
}
