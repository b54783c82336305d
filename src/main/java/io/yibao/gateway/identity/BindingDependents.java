package io.yibao.gateway.identity;

import io.vertx.core.Future;

/**
 * Something that exists because an account holds a person (the insurance code's activation, live codes and family
 * proxies), told when that binding ends so that it ends too. Implemented by the features that own such state,
 * wired by the gateway, so identity does not depend on them.
 */
public interface BindingDependents {

  /**
   * {@code accountId} no longer holds {@code psnNo} (unbound, taken over by another account, or the account bound
   * someone else). Must be idempotent: an interrupted binding change is completed by its retry.
   */
  Future<Void> bindingEnded(String accountId, String psnNo);
}
