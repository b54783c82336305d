package io.yibao.gateway.privacy;

import io.yibao.gateway.crypto.Secrets;

/**
 * Keyed one-way names for personal identifiers (phone numbers, person numbers) wherever one is needed in a
 * Redis key or a rate-limit subject. A plain hash of an 11-digit phone number can be reversed by trying them
 * all; an HMAC with the configured pepper cannot without the pepper.
 */
public final class Pseudonyms {

  private final String pepper;

  public Pseudonyms(String pepper) {
    this.pepper = pepper;
  }

  public String phone(String phone) {
    return Secrets.hmacHex(pepper, "phone|" + phone).substring(0, 32);
  }

  public String person(String psnNo) {
    return Secrets.hmacHex(pepper, "psn|" + psnNo).substring(0, 32);
  }

  /**
   * The id under which a request is sent to a core system that deduplicates by it: the same for every retry of the
   * caller's request with the same Idempotency-Key (so a retry after a lost answer finds the first, never makes a
   * second), and not derivable from the key or the caller without the pepper.
   */
  public String requestId(String purpose, String scope, String idempotencyKey) {
    return Secrets.hmacHex(pepper, "req|" + purpose + "|" + scope + "|" + idempotencyKey).substring(0, 32);
  }

  /**
   * The stored form of a one-time code: bound to its purpose and owner (the phone signing in, or the account and
   * its person for a step-up), so a code works nowhere else.
   */
  public String code(String purpose, String owner, String code) {
    return Secrets.hmacHex(pepper, "otp|" + purpose + "|" + owner + "|" + code);
  }
}
