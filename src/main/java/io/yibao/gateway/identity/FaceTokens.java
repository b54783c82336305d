package io.yibao.gateway.identity;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.vertx.core.Future;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisStore;

import java.security.PublicKey;
import java.util.Map;

/**
 * Face-verification results (实人核验): RS256 JWTs from the identity platform, verified with its public key from
 * configuration. A token counts once, for the person it names, with result PASS, before it expires. Every use
 * (binding, step-up, activation, a family member's consent) goes through {@link #consume}, so one token proves
 * one thing once.
 */
public final class FaceTokens {

  public static final String AUDIENCE = "yibao-gateway";

  /** A genuine, unexpired PASS for {@code psnNo}, not yet spent. */
  public record Face(String psnNo, String tokenId, long expiresAtMillis) {
  }

  private final JwtParser parser;
  private final RedisStore redis;

  public FaceTokens(String issuer, PublicKey publicKey, RedisStore redis) {
    this.redis = redis;
    this.parser = Jwts.parser().verifyWith(publicKey).requireIssuer(issuer).requireAudience(AUDIENCE)
        .clockSkewSeconds(5).build();
  }

  /** Succeeds when the token is a fresh, unused PASS for {@code psnNo} and spends it; 422 FACE_TOKEN_INVALID otherwise. */
  public Future<Void> verify(String token, String psnNo) {
    return read(token).compose(face -> psnNo.equals(face.psnNo()) ? consume(face) : invalid());
  }

  /**
   * Whom a genuine PASS token names, without spending it (binding reads it before it knows the person, so that a
   * bad token is refused before anything about the name and ID number is learnt); 422 FACE_TOKEN_INVALID otherwise.
   */
  public Future<Face> read(String token) {
    Claims claims;
    try {
      claims = parser.parseSignedClaims(token).getPayload();
    } catch (JwtException | IllegalArgumentException e) {
      return invalid();
    }
    if (claims.getSubject() == null || !"PASS".equals(claims.get("result", String.class))
        || claims.getId() == null || claims.getExpiration() == null) {
      return invalid();
    }
    return Future.succeededFuture(new Face(claims.getSubject(), claims.getId(), claims.getExpiration().getTime()));
  }

  /** Spends the token; 422 FACE_TOKEN_INVALID when it was spent before. */
  public Future<Void> consume(Face face) {
    long ttl = Math.max(1000, face.expiresAtMillis() - System.currentTimeMillis() + 10_000);
    // Single use: a replayed face token (a screenshot, a proxy log) proves nothing the second time.
    return redis.setIfAbsent(RedisKeys.key("face:" + face.tokenId(), "face", "used"), "1", ttl)
        .compose(first -> first ? Future.succeededFuture() : invalid());
  }

  private static <T> Future<T> invalid() {
    return Future.failedFuture(new ProblemException(ProblemCode.FACE_TOKEN_INVALID, null, "faceToken", Map.of()));
  }
}
