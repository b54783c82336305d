package io.yibao.gateway.identity;

import io.vertx.core.Future;

/**
 * Told when the gateway itself changes what a resident's {@code GET /api/v1/me} shows (a settlement or a
 * contribution moves the personal-account balance or the insured status), so the next {@code /me} reads the core
 * again instead of its copy ({@link MeCopies}). Never fails: a change that could not be told shows once the copy
 * reaches its age limit.
 */
public interface MeCopyInvalidation {

  /** The copy of this account's person view ends. */
  Future<Void> accountChanged(String accountId);

  /** The copy of this person's view ends, in whichever account holds the person. */
  Future<Void> personChanged(String psnNo);

  /** A change of {@code psnNo} made through {@code accountId} (either may be null): both copies end. */
  default Future<Void> changed(String accountId, String psnNo) {
    return Future.all(accountChanged(accountId), personChanged(psnNo)).mapEmpty();
  }

  /** For code that keeps no copies (tests of other features). */
  MeCopyInvalidation NONE = new MeCopyInvalidation() {
    @Override
    public Future<Void> accountChanged(String accountId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> personChanged(String psnNo) {
      return Future.succeededFuture();
    }
  };
}
