package io.yibao.gateway.auth;

import io.yibao.gateway.redis.RedisKeys;

/**
 * A resident account's profile: the phone it signs in with, when it was created, and the insured person bound to
 * it by real-name binding ({@code psnNo} null until then).
 * <pre>  yb:{acct:&lt;account&gt;}:account:profile   hash: phone, createdAt, psn, boundAt, meCopy, meGen</pre>
 * It shares the account's hash tag with its sessions, so the per-request session check reads it in the same
 * round trip ({@link Sessions#touch}); {@code identity.ResidentAccounts} writes it. {@code meCopy} is the short-lived
 * copy of the person view {@code GET /api/v1/me} shows and {@code meGen} its generation
 * ({@code identity.MeCopies}); a request that does not carry them (null, 0) reads no copy.
 */
public record AccountProfile(String accountId, String phone, long createdMillis, String psnNo, long boundMillis,
                             String meCopy, long meGeneration) {

  public AccountProfile(String accountId, String phone, long createdMillis, String psnNo, long boundMillis) {
    this(accountId, phone, createdMillis, psnNo, boundMillis, null, 0);
  }

  public static String key(String accountId) {
    return RedisKeys.key(Sessions.tag(accountId), "account", "profile");
  }

  public boolean bound() {
    return psnNo != null;
  }
}
