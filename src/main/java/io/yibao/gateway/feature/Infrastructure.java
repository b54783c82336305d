package io.yibao.gateway.feature;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.yibao.gateway.auth.AccessTokens;
import io.yibao.gateway.auth.Sessions;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.core.CoreClients;
import io.yibao.gateway.http.ClientAddress;
import io.yibao.gateway.idempotency.Idempotency;
import io.yibao.gateway.identity.FaceTokens;
import io.yibao.gateway.identity.MeCopies;
import io.yibao.gateway.privacy.Pseudonyms;
import io.yibao.gateway.ratelimit.ClientAddressLimit;
import io.yibao.gateway.ratelimit.RateLimiter;
import io.yibao.gateway.redis.RedisStore;

/**
 * What every feature of one gateway instance builds on, built once per instance and handed to each feature: Redis,
 * the core systems' clients, resident sessions and tokens, idempotency, the rate limits and pseudonyms. Also the
 * two things several features read about a resident: the verified face tokens and the cached copies of
 * {@code /me} that any change of a resident's data must invalidate.
 */
public record Infrastructure(Vertx vertx, GatewayConfig config, MeterRegistry metrics, RedisStore redis,
                             CoreClients core, Pseudonyms pseudonyms, RateLimiter limiter, ClientAddress clientAddress,
                             ClientAddressLimit addressLimit, Sessions sessions, AccessTokens residentTokens,
                             Idempotency idempotency, FaceTokens faceTokens, MeCopies meCopies) {

  /** Builds the shared pieces of one instance over its Redis pool and core clients. */
  public static Infrastructure create(Vertx vertx, GatewayConfig config, MeterRegistry metrics, RedisStore redis,
                                      CoreClients core, AccessTokens residentTokens) {
    RateLimiter limiter = new RateLimiter(redis);
    ClientAddress clientAddress = new ClientAddress(config.http().trustedProxies());
    Pseudonyms pseudonyms = new Pseudonyms(config.security().pepper());
    return new Infrastructure(vertx, config, metrics, redis, core, pseudonyms, limiter, clientAddress,
        new ClientAddressLimit(limiter, clientAddress, config.rateLimits()),
        new Sessions(redis, config.identity(), config.rateLimits()), residentTokens,
        new Idempotency(redis, config.idempotency()),
        new FaceTokens(config.security().faceTokenIssuer(), config.security().faceTokenPublicKey(), redis),
        new MeCopies(redis, pseudonyms, config.identity().profileCopySeconds()));
  }
}
