package io.yibao.gateway.identity;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;
import io.yibao.gateway.redis.RedisKeys;
import io.yibao.gateway.redis.RedisStore;

import java.security.PublicKey;

/**
 * Face-verification results (实人核验): RS256 JWTs from the identity platform, verified with its public key from
 * configuration. A token counts once, for the person it names, with result PASS, before it expires.
 */
public final class FaceTokens {

  public static final String AUDIENCE = "yibao-gateway";

  private final JwtParser parser;
  private final RedisStore redis;

  public FaceTokens(String issuer, PublicKey publicKey, RedisStore redis) {
    this.redis = redis;
    this.parser = Jwts.parser().verifyWith(publicKey).requireIssuer(issuer).requireAudience(AUDIENCE)
        .clockSkewSeconds(5).build();
  }

  /** Succeeds when the token is a fresh, unused PASS for {@code psnNo}; fails 422 FACE_TOKEN_INVALID otherwise. */
  public Future<Void> verify(String token, String psnNo) {
    Claims claims;
    try {
      claims = parser.parseSignedClaims(token).getPayload();
    } catch (JwtException | IllegalArgumentException e) {
      return invalid();
    }
    if (!psnNo.equals(claims.getSubject()) || !"PASS".equals(claims.get("result", String.class))
        || claims.getId() == null || claims.getExpiration() == null) {
      return invalid();
    }
    long ttl = Math.max(1000, claims.getExpiration().getTime() - System.currentTimeMillis() + 10_000);
    // Single use: a replayed face token (a screenshot, a proxy log) proves nothing the second time.
    return redis.send(Command.SET, RedisKeys.key("face:" + claims.getId(), "face", "used"), "1", "NX", "PX", ttl)
        .compose(r -> r == null ? invalid() : Future.succeededFuture());
  }

  private static Future<Void> invalid() {
    return Future.failedFuture(new ProblemException(ProblemCode.FACE_TOKEN_INVALID, null, "faceToken",
        java.util.Map.of()));
  }
}
