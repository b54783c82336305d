package io.yibao.gateway.pharmacy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.yibao.gateway.config.GatewayConfig.Limit;
import io.yibao.gateway.crypto.Secrets;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisScript;
import io.yibao.gateway.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.spec.SecretKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The registry of pharmacy counter terminals. Each terminal belongs to one designated pharmacy
 * ({@code fixmedins_code}) and has its own secret, with which it signs every request ({@link TerminalSignature}).
 *
 * <h2>Redis keys</h2>
 * <pre>
 *   yb:{term:&lt;terminalId&gt;}:terminal:record        hash: fixmedins, secretEnc, createdAt (epoch ms), disabled (0|1)
 *                                                  PERMANENT (no TTL): a terminal stays registered until an operator
 *                                                  disables it; disabled records stay as the audit trail.
 *   yb:{pharm:&lt;fixmedins&gt;}:terminal:nonce:&lt;terminalId&gt;:&lt;nonce&gt;   "1", TTL 2 x pharmacy.signatureSkewSeconds:
 *                                                  a nonce the terminal already used
 *   yb:{pharm:&lt;fixmedins&gt;}:rl:terminal:&lt;terminalId&gt;   the terminal's budget (rateLimits.perTerminal)
 *   yb:{pharm:&lt;fixmedins&gt;}:rl:pharmacy                the pharmacy's budget, all its terminals (rateLimits.perPharmacy)
 * </pre>
 * {@code secretEnc} is AES-256-GCM under {@code security.terminalSecretKey} ({@link TerminalSecretCipher}), so a
 * Redis dump reveals no secret. The nonce and the budgets share the pharmacy's hash tag, so recording a nonce and
 * spending both budgets are one script ({@link #claimNonce}).
 *
 * <h2>Caching</h2>
 * Verifying a signature needs the plain secret, and Redis cannot decrypt AES-GCM nor compute HMAC-SHA256 in Lua,
 * so the record cannot be checked together with the nonce in one script without burning nonces for requests whose
 * signature is wrong. Instead the decrypted record is cached in memory by this instance (one per verticle) for
 * {@link #CACHE_TTL} (30 s): a request then costs one Redis round trip (the nonce), two on a cache miss (the
 * record, then the nonce). The price: <b>a terminal disabled on another instance, or with the admin command, is
 * still accepted by an instance that cached it for at most 30 s</b> (on the instance that disabled it, at once).
 * Unknown terminals are not cached (so a terminal registered a moment ago works at once); the cache holds at most
 * {@link #MAX_CACHED} terminals.
 */
public final class Terminals {

  /** How long a verticle trusts its copy of a terminal record: the bound on how late a disable takes effect. */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);
  static final int MAX_CACHED = 20_000;

  /** A terminal id as printed on the device label: 4-32 of A-Z a-z 0-9 and '-'. */
  public static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9-]{4,32}");
  /** A designated institution code (fixmedins_code): 12 of A-Z and 0-9, like P11010500001. */
  public static final Pattern PHARMACY_CODE = Pattern.compile("[A-Z0-9]{12}");

  static final int MIN_SECRET_CHARS = 16;
  static final int MAX_SECRET_CHARS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(Terminals.class);
  private static final RedisScript REGISTER = RedisScript.load("terminal-register.lua");
  private static final RedisScript DISABLE = RedisScript.load("terminal-disable.lua");
  private static final RedisScript NONCE = io.yibao.gateway.ratelimit.RateLimiter.script("terminal-nonce.lua");

  /** A terminal id that is registered to a terminal that is not disabled; disable it first to register again. */
  public static final class TerminalExistsException extends RuntimeException {
    TerminalExistsException(String terminalId) {
      super("terminal " + terminalId + " is already registered and not disabled", null, false, false);
    }
  }

  /** A terminal as the gateway verifies it; {@code key} is null when the stored secret does not decrypt. */
  record Registered(Terminal terminal, SecretKeySpec key, boolean disabled) {
  }

  private final RedisStore redis;
  private final TerminalSecretCipher cipher;
  /** Null when caching is off. */
  private final Cache<String, Registered> cache;

  public Terminals(RedisStore redis, byte[] terminalSecretKey) {
    this(redis, terminalSecretKey, CACHE_TTL);
  }

  /** {@code cacheTtl} zero: no caching, every request reads the record (tests of immediate effects). */
  public Terminals(RedisStore redis, byte[] terminalSecretKey, Duration cacheTtl) {
    this.redis = redis;
    this.cipher = new TerminalSecretCipher(terminalSecretKey);
    this.cache = cacheTtl.isZero() ? null
        : Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfterWrite(cacheTtl).build();
  }

  public static boolean validTerminalId(String terminalId) {
    return terminalId != null && TERMINAL_ID.matcher(terminalId).matches();
  }

  public static boolean validFixmedinsCode(String fixmedinsCode) {
    return fixmedinsCode != null && PHARMACY_CODE.matcher(fixmedinsCode).matches();
  }

  static String recordKey(String terminalId) {
    return RedisKeys.key(tag(terminalId), "terminal", "record");
  }

  static String nonceKey(Terminal terminal, String nonce) {
    return RedisKeys.key(pharmacyTag(terminal), "terminal", "nonce:" + terminal.terminalId() + ":" + nonce);
  }

  private static String pharmacyTag(Terminal terminal) {
    return "pharm:" + terminal.fixmedinsCode();
  }

  private static String tag(String terminalId) {
    return "term:" + terminalId;
  }

  /**
   * Registers a terminal with the given secret. Fails with {@link TerminalExistsException} when the id belongs to a
   * terminal that is not disabled, and with IllegalArgumentException on a malformed id, code or secret.
   */
  public Future<Void> register(String terminalId, String fixmedinsCode, String secret) {
    return write(terminalId, fixmedinsCode, secret, "create");
  }

  /** Registers a terminal with a fresh secret (32 SecureRandom bytes, base64url: 43 characters) and returns it. */
  public Future<String> issue(String terminalId, String fixmedinsCode) {
    String secret = Secrets.randomId(32);
    return register(terminalId, fixmedinsCode, secret).map(secret);
  }

  /**
   * Disables a terminal: its requests are refused from now on by this instance, by others within
   * {@link #CACHE_TTL}. The record stays (disabled) so the id's history is kept. False when there is no such
   * terminal.
   */
  public Future<Boolean> disable(String terminalId) {
    if (!validTerminalId(terminalId)) {
      return Future.failedFuture(new IllegalArgumentException("terminal id must be 4-32 of A-Z a-z 0-9 -"));
    }
    return DISABLE.run(redis, List.of(recordKey(terminalId)), List.of())
        .map(r -> r.toInteger() == 1)
        .onComplete(r -> forget(terminalId));
  }

  /**
   * Demo mode only: registers each terminal of {@code pharmacy.demoTerminals} (terminal id → fixmedins_code) with
   * the shared {@code pharmacy.demoTerminalSecret}, replacing what the ids held, so a restarted demo always
   * matches its configuration (and re-enables a demo terminal that was disabled).
   */
  public Future<Void> registerDemoTerminals(Map<String, String> demoTerminals, String secret) {
    List<Future<Void>> writes = new ArrayList<>();
    demoTerminals.forEach((terminalId, fixmedinsCode) ->
        writes.add(write(terminalId, fixmedinsCode, secret, "replace")));
    return Future.all(writes).mapEmpty();
  }

  private Future<Void> write(String terminalId, String fixmedinsCode, String secret, String mode) {
    if (!validTerminalId(terminalId)) {
      return Future.failedFuture(new IllegalArgumentException("terminal id must be 4-32 of A-Z a-z 0-9 -"));
    }
    if (!validFixmedinsCode(fixmedinsCode)) {
      return Future.failedFuture(new IllegalArgumentException("pharmacy code must be 12 of A-Z 0-9"));
    }
    if (secret == null || secret.length() < MIN_SECRET_CHARS || secret.length() > MAX_SECRET_CHARS) {
      return Future.failedFuture(new IllegalArgumentException(
          "terminal secret must be " + MIN_SECRET_CHARS + "-" + MAX_SECRET_CHARS + " characters"));
    }
    List<String> args = List.of(mode,
        "fixmedins", fixmedinsCode,
        "secretEnc", cipher.encrypt(terminalId, secret),
        "createdAt", Long.toString(System.currentTimeMillis()),
        "disabled", "0");
    return REGISTER.run(redis, List.of(recordKey(terminalId)), args).compose(r -> {
      forget(terminalId);
      return r.toInteger() == 1 ? Future.<Void>succeededFuture()
          : Future.failedFuture(new TerminalExistsException(terminalId));
    });
  }

  /** The terminal for verifying a request: from this instance's cache, else one HMGET. Null when unknown. */
  Future<Registered> lookup(String terminalId) {
    Registered cached = cache == null ? null : cache.getIfPresent(terminalId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return redis.send(Command.HMGET, recordKey(terminalId), "fixmedins", "secretEnc", "disabled")
        .map(r -> {
          Registered registered = parse(terminalId, r);
          if (registered != null && cache != null) {
            cache.put(terminalId, registered);
          }
          return registered;
        });
  }

  /** What became of a correctly signed request's nonce. */
  enum NonceClaim { FRESH, REPLAY, RATE_LIMITED }

  /** A nonce claim and, when limited, how long until the budgets allow one more. */
  record Claimed(NonceClaim outcome, long retryAfterMillis) {
  }

  /**
   * The nonce step, one round trip: a nonce used before is a REPLAY (nothing spent); else one request is spent
   * from the terminal's and its pharmacy's budgets and the nonce is recorded for {@code ttlMillis}, or, over
   * either budget, RATE_LIMITED (the nonce stays unused).
   */
  Future<Claimed> claimNonce(Terminal terminal, String nonce, long ttlMillis, Limit perTerminal, Limit perPharmacy) {
    String tag = pharmacyTag(terminal);
    return NONCE.run(redis, List.of(nonceKey(terminal, nonce),
                io.yibao.gateway.ratelimit.RateLimiter.key(tag, "terminal:" + terminal.terminalId()),
                io.yibao.gateway.ratelimit.RateLimiter.key(tag, "pharmacy")),
            List.of(Long.toString(ttlMillis), Integer.toString(perTerminal.limit()),
                Long.toString(perTerminal.windowSeconds() * 1000L), Integer.toString(perPharmacy.limit()),
                Long.toString(perPharmacy.windowSeconds() * 1000L)))
        .map(r -> new Claimed(NonceClaim.valueOf(r.get(0).toString()), r.get(1).toLong()));
  }

  private Registered parse(String terminalId, Response r) {
    if (r == null || r.size() < 3 || r.get(0) == null || r.get(1) == null) {
      return null;
    }
    Terminal terminal = new Terminal(terminalId, r.get(0).toString());
    boolean disabled = r.get(2) == null || !"0".equals(r.get(2).toString());
    String secret = cipher.decrypt(terminalId, r.get(1).toString());
    if (secret == null) {
      // Logged once per cache period: the key changed (security.terminalSecretKey) or the record was damaged.
      LOG.warn("terminal secret does not decrypt with security.terminalSecretKey, refusing the terminal terminal={}",
          terminalId);
      return new Registered(terminal, null, true);
    }
    return new Registered(terminal, TerminalSignature.key(secret), disabled);
  }

  private void forget(String terminalId) {
    if (cache != null) {
      cache.invalidate(terminalId);
    }
  }
}
