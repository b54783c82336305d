package io.yibao.gateway.auth;

import io.yibao.gateway.config.GatewayConfig.TokenKeys;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Verification, including the repeat of a token this instance verified before (the remembered path). */
class AccessTokensTest {

  static final TokenKeys KEYS = new TokenKeys("k2", Map.of(
      "k1", "DEMO-ONLY-access-token-key-one-0123456789abcdef",
      "k2", "DEMO-ONLY-access-token-key-two-0123456789abcdef"));

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aTokenVerifiesAgainAndAgainUntilItExpiresAlsoWhenRemembered() {
    MovableClock clock = new MovableClock();
    AccessTokens tokens = new AccessTokens(KEYS, "resident", 900, clock);
    String token = tokens.issue("A123", "S456");
    AccessTokens.Verified first = tokens.verify(token);
    assertNotNull(first);
    assertEquals("A123", first.subject());
    assertEquals("S456", first.sessionId());
    assertEquals(first, tokens.verify(token), "the repeat answers the same");

    clock.now = clock.now.plus(Duration.ofSeconds(900 + 4));
    assertNotNull(tokens.verify(token), "within the 5 s clock skew");
    clock.now = clock.now.plus(Duration.ofSeconds(2));
    assertNull(tokens.verify(token), "expired, although it was verified before");

    // A fresh instance (nothing remembered) agrees: the remembered path is no more lenient than jjwt's.
    AccessTokens other = new AccessTokens(KEYS, "resident", 900, clock);
    assertNull(other.verify(token));
  }

  @Test
  void anExpiredTokenOfOursIsToldApartFromAForgedOne() {
    // Apps send expired tokens every day before refreshing: not failed authentication for their address.
    MovableClock clock = new MovableClock();
    AccessTokens tokens = new AccessTokens(KEYS, "resident", 900, clock);
    String token = tokens.issue("A123", "S456");
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BA" : "AA");
    assertFalse(tokens.expired(token), "a live token is not expired");
    clock.now = clock.now.plus(Duration.ofSeconds(900 + 10));
    assertNull(tokens.verify(token));
    assertTrue(tokens.expired(token), "remembered and expired");
    assertTrue(new AccessTokens(KEYS, "resident", 900, clock).expired(token), "expired, verified afresh");
    assertFalse(tokens.expired(tampered), "a forged one is not merely expired");
    assertFalse(tokens.expired("garbage"));
  }

  @Test
  void aTamperedTokenFailsEvenRightAfterTheGenuineOneVerified() {
    AccessTokens tokens = new AccessTokens(KEYS, "resident", 900, new MovableClock());
    String token = tokens.issue("A123", "S456");
    assertNotNull(tokens.verify(token));
    String[] parts = token.split("\\.");
    String otherPayload = tokens.issue("A999", "S456").split("\\.")[1];
    assertNull(tokens.verify(parts[0] + "." + otherPayload + "." + parts[2]), "payload swapped");
    char last = parts[2].charAt(parts[2].length() - 2);
    String flipped = parts[2].substring(0, parts[2].length() - 2) + (last == 'A' ? 'B' : 'A')
        + parts[2].charAt(parts[2].length() - 1);
    assertNull(tokens.verify(parts[0] + "." + parts[1] + "." + flipped), "signature altered");
    assertNull(tokens.verify(token + " "), "not the same text");
  }

  @Test
  void anotherAudienceOrAnUnknownKeyIsRefused() {
    MovableClock clock = new MovableClock();
    String staff = new AccessTokens(KEYS, "staff", 900, clock).issue("A123", "S456");
    assertNull(new AccessTokens(KEYS, "resident", 900, clock).verify(staff));
    String retired = new AccessTokens(new TokenKeys("k0", Map.of("k0", "DEMO-ONLY-retired-key-0123456789abcdef-xyz")),
        "resident", 900, clock).issue("A123", "S456");
    assertNull(new AccessTokens(KEYS, "resident", 900, clock).verify(retired));
  }

  /** A key long enough for HS384 and HS512, so that only the algorithm pin can refuse them. */
  static final TokenKeys LONG_KEY = new TokenKeys("k9", Map.of(
      "k9", "DEMO-ONLY-access-token-key-long-enough-for-hs512-0123456789abcdef0123456789"));

  static String signed(io.jsonwebtoken.security.MacAlgorithm alg, MovableClock clock) {
    return io.jsonwebtoken.Jwts.builder()
        .header().keyId("k9").and()
        .subject("A123").claim("sid", "S456").audience().add("resident").and()
        .issuedAt(java.util.Date.from(clock.now))
        .expiration(java.util.Date.from(clock.now.plusSeconds(900)))
        .id("T1")
        .signWith(io.jsonwebtoken.security.Keys.hmacShaKeyFor(LONG_KEY.keys().get("k9")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)), alg)
        .compact();
  }

  @Test
  void onlyHs256VerifiesAlsoUnderTheSameKey() {
    MovableClock clock = new MovableClock();
    AccessTokens tokens = new AccessTokens(LONG_KEY, "resident", 900, clock);
    assertNotNull(tokens.verify(signed(io.jsonwebtoken.Jwts.SIG.HS256, clock)), "the pinned algorithm verifies");
    assertNull(tokens.verify(signed(io.jsonwebtoken.Jwts.SIG.HS384, clock)), "HS384 under the same key");
    assertNull(tokens.verify(signed(io.jsonwebtoken.Jwts.SIG.HS512, clock)), "HS512 under the same key");
  }

  @Test
  void onlyTheCanonicalTextOfATokenVerifies() {
    AccessTokens tokens = new AccessTokens(KEYS, "resident", 900, new MovableClock());
    String token = tokens.issue("A123", "S456");
    String[] parts = token.split("\\.");
    assertEquals(43, parts[2].length(), "HS256: 32 bytes, 43 base64url characters");
    // Characters outside base64url at either edge of the signature, or of the other parts.
    for (String edge : new String[] {"!", "=", "*", "~", "%", " ", "+", "/"}) {
      assertNull(tokens.verify(token + edge), "after the signature: " + edge);
      assertNull(tokens.verify(parts[0] + "." + parts[1] + "." + edge + parts[2]), "before the signature: " + edge);
      assertNull(tokens.verify(parts[0] + edge + "." + parts[1] + "." + parts[2]), "after the header: " + edge);
    }
    // The last character of the signature carries 2 bits and 4 unused ones: setting unused bits writes the same
    // bytes another way.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(parts[2].charAt(42));
    String sameBytes = parts[2].substring(0, 42) + alphabet.charAt(last | 0b0101);
    assertNull(tokens.verify(parts[0] + "." + parts[1] + "." + sameBytes), "unused bits set");
    assertNotNull(tokens.verify(token), "the canonical text still verifies");
    assertNotNull(new AccessTokens(KEYS, "resident", 900, new MovableClock()).verify(token));
  }
}
