package io.yibao.gateway.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.yibao.gateway.auth.AccountProfile;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The short-lived copy of the person view a bound resident's {@code GET /api/v1/me} shows (masked person, insured
 * status, personal-account balance), so a {@code /me} costs the session check's one Redis round trip instead of a
 * registry and an accounts call. Rule by rule:
 * <ol>
 *   <li>Where: fields of the account's profile hash, {@code meCopy} (JSON: generation, person, read at) and
 *       {@code meGen} (the copy generation), so the session check, which reads the profile anyway, brings the copy
 *       back in the same script reply.</li>
 *   <li>Served while it is younger than {@code identity.profileCopySeconds}, its generation is the profile's and it
 *       is of the person the account holds now; otherwise the core is read again (and, when the core is down, the
 *       {@code StaleCopies} copy is served as before).</li>
 *   <li>Ended by the gateway whenever it changes what the copy shows: a settlement of the person reaching SETTLED,
 *       CANCELLED or REVERSED; a contribution order PAID, RECORDED or REFUNDED (the payer's account and each
 *       member); a binding change (the profile scripts). Ending is one {@code HINCRBY meGen}: the copy stays but no
 *       longer matches.</li>
 *   <li>Kept only if nothing ended it during the read ({@code me-copy-store.lua} compares the generation the
 *       session check saw), so a read that raced a settlement never outlives it.</li>
 *   <li>Best effort both ways: a copy that could not be kept is read again next time; a change that could not be
 *       told shows when the copy's age runs out. Changes made outside the gateway show within the age limit.</li>
 *   <li>The copy holds only what {@code /me} shows (masked); it goes when the binding ends.</li>
 * </ol>
 */
public final class MeCopies implements MeCopyInvalidation {

  /** A copy that may be served: the person view and when it was read from the core. */
  public record Copy(JsonObject person, long asOfMillis) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(MeCopies.class);
  private static final RedisScript STORE = RedisScript.load("me-copy-store.lua");

  private final RedisStore redis;
  private final Pseudonyms pseudonyms;
  private final long maxAgeMillis;

  public MeCopies(RedisStore redis, Pseudonyms pseudonyms, int profileCopySeconds) {
    this.redis = redis;
    this.pseudonyms = pseudonyms;
    this.maxAgeMillis = profileCopySeconds * 1000L;
  }

  /** The copy the request's session check brought that may be served now, or null. */
  public Copy usable(AccountProfile profile, long nowMillis) {
    if (maxAgeMillis <= 0 || profile.meCopy() == null || !profile.bound()) {
      return null;
    }
    JsonObject copy;
    try {
      copy = new JsonObject(profile.meCopy());
    } catch (RuntimeException unreadable) {
      return null;
    }
    long asOf = copy.getLong("asOf", 0L);
    boolean usable = copy.getLong("gen", -1L) == profile.meGeneration()
        && profile.psnNo().equals(copy.getString("psn"))
        && asOf <= nowMillis && nowMillis - asOf < maxAgeMillis;
    return usable ? new Copy(copy.getJsonObject("person"), asOf) : null;
  }

  /** Keeps a fresh read, unless something changed what it shows since the request's session check. Never fails. */
  public Future<Void> keep(AccountProfile profile, JsonObject person, long asOfMillis) {
    if (maxAgeMillis <= 0 || !profile.bound()) {
      return Future.succeededFuture();
    }
    String copy = new JsonObject().put("gen", profile.meGeneration()).put("psn", profile.psnNo())
        .put("asOf", asOfMillis).put("person", person).encode();
    return STORE.run(redis, List.of(AccountProfile.key(profile.accountId())),
            List.of(Long.toString(profile.meGeneration()), profile.psnNo(), copy))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  @Override
  public Future<Void> accountChanged(String accountId) {
    if (accountId == null || accountId.isEmpty()) {
      return Future.succeededFuture();
    }
    return redis.send(Command.HINCRBY, AccountProfile.key(accountId), "meGen", 1).<Void>mapEmpty()
        .recover(failure -> {
          LOG.warn("/me copy not ended; it shows the change once it is past its age", kv("reason", failure.toString()));
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Void> personChanged(String psnNo) {
    return changed(null, psnNo);
  }

  /**
   * A change of this person made through this account (the account that showed the code, or paid): both copies
   * end. The account's is ended at once, beside looking up who holds the person, so when that is the same account
   * (the usual case) the whole costs one round trip of waiting.
   */
  @Override
  public Future<Void> changed(String accountId, String psnNo) {
    Future<Void> account = accountChanged(accountId);
    if (psnNo == null || psnNo.isEmpty()) {
      return account;
    }
    Future<Void> holder = redis.send(Command.GET, ResidentAccounts.bindingKey(pseudonyms, psnNo))
        .compose(h -> h == null || h.toString().equals(accountId) ? Future.<Void>succeededFuture()
            : accountChanged(h.toString()))
        .recover(failure -> {
          LOG.warn("/me copy not ended; it shows the change once it is past its age", kv("reason", failure.toString()));
          return Future.succeededFuture();
        });
    return Future.all(account, holder).mapEmpty();
  }
}
