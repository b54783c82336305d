// A real redis-server from the embedded-redis artifact bundled in the gateway jar, for benchmarks on a machine that
// has only a JDK: java -cp target/yibao-gateway.jar load-tests/bench/EmbeddedRedis.java PORT
public class EmbeddedRedis {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("save \"\"").setting("appendonly no").build();
    server.start();
    System.out.println("redis-server on 127.0.0.1:" + port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop();
      } catch (Exception ignored) {
      }
    }));
    Thread.currentThread().join();
  }
}
