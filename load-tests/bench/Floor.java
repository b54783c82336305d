import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

// The floor of the bench: a bare Vert.x endpoint doing one Redis GET per request — the least any authenticated
// gateway request can cost. Same event-loop count as the gateway, one Redis pool per event loop.
// java -cp target/yibao-gateway.jar load-tests/bench/Floor.java REDIS_URL PORT
public class Floor {
  public static void main(String[] args) {
    String redisUrl = args[0];
    int port = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx(new VertxOptions());
    int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    for (int i = 0; i < loops; i++) {
      vertx.deployVerticle(new io.vertx.core.VerticleBase() {
        @Override
        public io.vertx.core.Future<?> start() {
          Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(8)
              .setMaxPoolWaiting(1024));
          return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req ->
              redis.send(Request.cmd(Command.GET).arg("yb:{floor}:bench:key")).onComplete(r -> {
                if (r.succeeded()) {
                  req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
                } else {
                  req.response().setStatusCode(503).end();
                }
              })).listen(port, "127.0.0.1");
        }
      });
    }
    System.out.println("floor on 127.0.0.1:" + port + " with " + loops + " event loops");
  }
}
