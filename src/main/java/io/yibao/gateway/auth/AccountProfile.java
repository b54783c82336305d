package io.yibao.gateway.auth;

import io.yibao.gateway.redis.RedisKeys;

/**
 * A resident account's profile: the phone it signs in with, when it was created, and the insured person bound to
 * it by real-name binding ({@code psnNo} null until then).
 * <pre>  yb:{acct:&lt;account&gt;}:account:profile   hash: phone, createdAt, psn, boundAt</pre>
 * It shares the account's hash tag with its sessions, so the per-request session check reads it in the same
 * round trip ({@link Sessions#touch}); {@code identity.ResidentAccounts} writes it.
 */
public record AccountProfile(String accountId, String phone, long createdMillis, String psnNo, long boundMillis) {

  public static String key(String accountId) {
    return RedisKeys.key(Sessions.tag(accountId), "account", "profile");
  }

  public boolean bound() {
    return psnNo != null;
  }
}
