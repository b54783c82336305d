package io.yibao.gateway.cli;

import io.yibao.gateway.pharmacy.PosEchoServer;
import io.yibao.MainAccess;
import io.yibao.demo.DemoRedis;
import io.yibao.gateway.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.yibao.gateway.testing.ProblemAssert.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin command {@code terminal add | disable}: the secret it prints once is the one the gateway then
 * verifies, a disabled terminal is refused, and bad input is one line and exit code 2.
 */
class TerminalCommandTest {

  static final Pattern SECRET_LINE = Pattern.compile("(?m)^  ([A-Za-z0-9_-]{43})$");

  static TestRedis redis;
  static PosEchoServer gateway;

  @BeforeAll
  static void start() {
    redis = TestRedis.started();
    // No caching, so the test sees a disable at once (the cache bound has its own test).
    gateway = PosEchoServer.start(redis, Duration.ZERO);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    redis.close();
  }

  /** The environment an operator would set: this Redis, the test's terminal secret key, demo secrets allowed. */
  static Map<String, String> env() {
    return Map.of("YB_MODE", "demo", "YB_REDIS_URL", redis.url(),
        "YB_SECURITY_TERMINAL_SECRET_KEY",
        java.util.Base64.getEncoder().encodeToString(PosEchoServer.TERMINAL_SECRET_KEY));
  }

  record Run(int exit, String out, String err) {
  }

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TerminalCommand.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String secretIn(String out) {
    Matcher m = SECRET_LINE.matcher(out);
    assertTrue(m.find(), "a secret line in: " + out);
    String secret = m.group(1);
    assertTrue(!m.find(), "the secret is printed once");
    return secret;
  }

  @Test
  void addIssuesASecretThatVerifiesAndDisableStopsIt() {
    Run add = run(env(), "add", "--pharmacy", "P11010500001", "--terminal", "T110105000017-03");
    assertEquals(0, add.exit(), add.err());
    assertEquals("", add.err());
    String secret = secretIn(add.out());
    assertTrue(add.out().contains("ONCE"));
    assertEquals(200, gateway.signed("T110105000017-03", secret, "POST", "/pos/v1/echo", null).statusCode());

    Run again = run(env(), "add", "--pharmacy", "P11010500001", "--terminal", "T110105000017-03");
    assertEquals(2, again.exit());
    assertEquals(1, again.err().lines().count(), again.err());
    assertEquals(200, gateway.signed("T110105000017-03", secret, "POST", "/pos/v1/echo", null).statusCode(),
        "a refused add leaves the terminal as it was");

    Run disable = run(env(), "disable", "--terminal", "T110105000017-03");
    assertEquals(0, disable.exit(), disable.err());
    assertProblem(gateway.signed("T110105000017-03", secret, "POST", "/pos/v1/echo", null), 401, "UNAUTHENTICATED");

    Run reissue = run(env(), "add", "--pharmacy", "P11010500001", "--terminal", "T110105000017-03");
    assertEquals(0, reissue.exit(), reissue.err());
    String replacement = secretIn(reissue.out());
    assertEquals(200, gateway.signed("T110105000017-03", replacement, "POST", "/pos/v1/echo", null).statusCode());
    assertProblem(gateway.signed("T110105000017-03", secret, "POST", "/pos/v1/echo", null), 401, "UNAUTHENTICATED");
  }

  @Test
  void disablingAnUnknownTerminalIsExit2() {
    Run r = run(env(), "disable", "--terminal", "T-NOT-THERE");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void badInputIsOneLineAndExit2() {
    List<String[]> bad = List.of(
        new String[] {"add", "--pharmacy", "P11010500001", "--terminal", "T_1"},
        new String[] {"add", "--pharmacy", "P11010500001", "--terminal", "T1"},
        new String[] {"add", "--pharmacy", "P11010500001", "--terminal", "T".repeat(33)},
        new String[] {"add", "--pharmacy", "p11010500001", "--terminal", "T110105000017-03"},
        new String[] {"add", "--pharmacy", "P1101050000", "--terminal", "T110105000017-03"},
        new String[] {"add", "--terminal", "T110105000017-03"},
        new String[] {"add", "--pharmacy", "P11010500001", "--terminal"},
        new String[] {"disable"},
        new String[] {"remove", "--terminal", "T110105000017-03"},
        new String[] {},
        new String[] {"add", "--pharmacy", "P11010500001", "--terminal", "T110105000017-03", "--force"});
    for (String[] args : bad) {
      Run r = run(env(), args);
      assertEquals(2, r.exit(), String.join(" ", args));
      assertEquals(1, r.err().lines().count(), r.err());
      assertEquals("", r.out());
    }
  }

  @Test
  void productionConfigurationWithDemoSecretsIsRefusedWithExit2() {
    Run r = run(Map.of("YB_REDIS_URL", redis.url()), "disable", "--terminal", "T110105000017-03");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("configuration error"), r.err());
  }

  @Test
  void unreachableRedisIsExit1() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(env());
    env.put("YB_REDIS_URL", "redis://127.0.0.1:" + DemoRedis.freePort());
    Run r = run(env, "add", "--pharmacy", "P11010500001", "--terminal", "T-NO-REDIS-1");
    assertEquals(1, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertEquals("", r.out(), "no secret is printed unless it was stored");
  }

  @Test
  void mainDispatchesTheTerminalCommand(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("admin.yaml");
    Files.writeString(config, "mode: demo\nredis:\n  url: " + redis.url() + "\nsecurity:\n  terminalSecretKey: "
        + java.util.Base64.getEncoder().encodeToString(PosEchoServer.TERMINAL_SECRET_KEY) + "\n");
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = MainAccess.run("terminal", "add", "--pharmacy", "P11010500002", "--terminal", "T-MAIN-01",
          "--config", config.toString());
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, exit);
    String secret = secretIn(captured.toString(StandardCharsets.UTF_8));
    assertEquals(200, gateway.signed("T-MAIN-01", secret, "POST", "/pos/v1/echo", null).statusCode());
    assertEquals(2, MainAccess.run("terminal", "add", "--pharmacy", "P11010500002", "--terminal", "bad id"));
  }
}
