package io.yibao.gateway.auth;

import io.yibao.gateway.crypto.Secrets;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.security.Keys;
import io.yibao.gateway.config.GatewayConfig.TokenKeys;

import javax.crypto.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/**
 * Access tokens: JWTs signed HS256 with a {@code kid} header, so keys rotate without signing anyone out: new tokens
 * use the current key, tokens of a still-listed key verify until they expire, a token with an unknown {@code kid}
 * is rejected. One instance per audience: a resident token never verifies as a staff token.
 * <p>
 * Verifying with jjwt (decode, JSON-parse, check, HMAC) was the largest single cost of an authenticated request
 * (about a quarter of the event loop's CPU on {@code GET /api/v1/me}, measured with JFR). A token's exact text
 * verifies the same way every time, so this instance (one per gateway process, shared by its event loops)
 * remembers the tokens it verified (at most {@link #VERIFIED_CACHE_SIZE}, each no longer than the token lives)
 * and checks only the expiry on a repeat. Only tokens that verified are remembered, so forged tokens cannot fill
 * the cache. Revocation is unaffected: it is the session check in Redis, which runs on every request.
 * <p>
 * A token verifies only as the gateway writes it: HS256 (the algorithm is pinned: the same key would also verify
 * HS384 or HS512), and each part in canonical base64url — only {@code A-Za-z0-9-_}, no padding, no unused bits
 * set — because jjwt's decoder skips foreign characters, so {@code <token>!} would verify as a second text of the
 * same token (and be remembered under it).
 */
public final class AccessTokens {

  /** The verified content of a token. */
  public record Verified(String subject, String sessionId, String tokenId, Instant expiresAt) {
  }

  private final String currentKid;
  private final Map<String, SecretKey> keys = new HashMap<>();
  private final String audience;
  private final long ttlSeconds;
  private final io.jsonwebtoken.JwtParser parser;

  static final int VERIFIED_CACHE_SIZE = 10_000;
  private static final long CLOCK_SKEW_SECONDS = 5;
  private final Cache<String, Verified> verified;

  private final java.time.Clock clock;

  public AccessTokens(TokenKeys tokenKeys, String audience, long ttlSeconds) {
    this(tokenKeys, audience, ttlSeconds, java.time.Clock.systemUTC());
  }

  /** {@code clock} decides expiry, for tests of it. */
  AccessTokens(TokenKeys tokenKeys, String audience, long ttlSeconds, java.time.Clock clock) {
    this.clock = clock;
    this.currentKid = tokenKeys.currentKid();
    tokenKeys.keys().forEach((kid, secret) -> keys.put(kid, Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8))));
    this.audience = audience;
    this.ttlSeconds = ttlSeconds;
    this.parser = Jwts.parser()
        .keyLocator(new LocatorAdapter<Key>() {
          @Override
          protected Key locate(JwsHeader header) {
            SecretKey key = header.getKeyId() == null ? null : keys.get(header.getKeyId());
            if (key == null) {
              throw new io.jsonwebtoken.security.InvalidKeyException("unknown kid");
            }
            return key;
          }
        })
        .sig().clear().add(Jwts.SIG.HS256).and()
        .requireAudience(audience)
        .clockSkewSeconds(CLOCK_SKEW_SECONDS)
        .clock(() -> Date.from(clock.instant()))
        .build();
    this.verified = Caffeine.newBuilder().maximumSize(VERIFIED_CACHE_SIZE)
        .expireAfterWrite(Duration.ofSeconds(ttlSeconds + CLOCK_SKEW_SECONDS)).build();
  }

  public long ttlSeconds() {
    return ttlSeconds;
  }

  public String issue(String subject, String sessionId) {
    Instant now = clock.instant();
    return Jwts.builder()
        .header().keyId(currentKid).and()
        .subject(subject)
        .claim("sid", sessionId)
        .audience().add(audience).and()
        .issuedAt(Date.from(now))
        .expiration(Date.from(now.plusSeconds(ttlSeconds)))
        .id(Secrets.randomId(16))
        .signWith(keys.get(currentKid), Jwts.SIG.HS256)
        .compact();
  }

  /** The token's claims, or null when it is malformed, forged, expired, of another audience or unknown key. */
  public Verified verify(String token) {
    Verified known = verified.getIfPresent(token);
    if (known != null) {
      return known.expiresAt().plusSeconds(CLOCK_SKEW_SECONDS).isAfter(clock.instant()) ? known : null;
    }
    Verified fresh = parse(token);
    if (fresh != null) {
      verified.put(token, fresh);
    }
    return fresh;
  }

  /**
   * Whether a token that {@link #verify} refused is one of ours that merely expired (signature, key and audience
   * good): apps send those every day before refreshing, so they are not failed authentication.
   */
  public boolean expired(String token) {
    Verified known = verified.getIfPresent(token);
    if (known != null) {
      return true;
    }
    if (!canonical(token)) {
      return false;
    }
    try {
      parser.parseSignedClaims(token);
      return false;
    } catch (io.jsonwebtoken.ExpiredJwtException e) {
      return true;
    } catch (JwtException | IllegalArgumentException e) {
      return false;
    }
  }

  private static final java.util.regex.Pattern SHAPE =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
  private static final java.util.Base64.Decoder DECODER = java.util.Base64.getUrlDecoder();
  private static final java.util.Base64.Encoder ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();

  /** Only base64url characters in three parts (43 for an HS256 signature), each re-encoding to itself. */
  static boolean canonical(String token) {
    if (token == null || !SHAPE.matcher(token).matches()) {
      return false;
    }
    for (String part : token.split("\\.")) {
      try {
        if (!ENCODER.encodeToString(DECODER.decode(part)).equals(part)) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  private Verified parse(String token) {
    if (!canonical(token)) {
      return null;
    }
    try {
      Claims claims = parser.parseSignedClaims(token).getPayload();
      String sid = claims.get("sid", String.class);
      if (claims.getSubject() == null || sid == null) {
        return null;
      }
      return new Verified(claims.getSubject(), sid, claims.getId(), claims.getExpiration().toInstant());
    } catch (JwtException | IllegalArgumentException e) {
      return null;
    }
  }
}
