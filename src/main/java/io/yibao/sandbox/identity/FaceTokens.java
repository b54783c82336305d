package io.yibao.sandbox.identity;

import io.jsonwebtoken.Jwts;

import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * Face-liveness results (实人认证) as the face SDK's server reports them: a short-lived RS256 JWT, so the gateway can
 * check the result offline with the identity service's public key instead of trusting the phone.
 */
public final class FaceTokens {

  public static final String ISSUER = "sandbox-identity";
  public static final String AUDIENCE = "yibao-gateway";
  /** Long enough to finish activating the insurance code, short enough that a leaked token is soon useless. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  /** The liveness verdict carried in the {@code result} claim. */
  public enum Result { PASS, FAIL }

  /** A signed token and when it stops being valid. */
  public record Issued(String token, Instant expiresAt) {
  }

  private final PrivateKey signingKey;
  private final String kid;
  private final SecureRandom random = new SecureRandom();

  public FaceTokens(PrivateKey signingKey, String kid) {
    this.signingKey = signingKey;
    this.kid = kid;
    // the first token loads jjwt's implementation and JSON serializer; pay for that now, not on the event loop
    issue("warm-up", Result.FAIL, Instant.now());
  }

  public Issued issue(String psnNo, Result result, Instant now) {
    Instant expiresAt = now.plus(LIFETIME);
    byte[] jti = new byte[16];
    random.nextBytes(jti);
    String token = Jwts.builder()
        .header().keyId(kid).and()
        .issuer(ISSUER)
        .audience().add(AUDIENCE).and()
        .subject(psnNo)
        .claim("result", result.name())
        .issuedAt(Date.from(now))
        .expiration(Date.from(expiresAt))
        // a random id lets the gateway refuse a token used twice
        .id(HexFormat.of().formatHex(jti))
        .signWith(signingKey, Jwts.SIG.RS256)
        .compact();
    return new Issued(token, expiresAt);
  }
}
