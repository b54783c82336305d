package io.yibao.gateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

  static final List<String> DEMO = List.of("gateway-config/demo.yaml");

  @Test
  void demoProfileLoadsWithDefaults() {
    GatewayConfig c = ConfigLoader.load(DEMO, null, Map.of());
    assertEquals(GatewayConfig.Mode.DEMO, c.mode());
    assertEquals(8080, c.http().port());
    assertEquals(65536, c.http().bodyLimitBytes());
    assertEquals(600, c.rateLimits().perClientAddress().limit());
  }

  @Test
  void environmentOverridesEveryKind() {
    GatewayConfig c = ConfigLoader.load(DEMO, null, Map.of(
        "YB_HTTP_PORT", "9999",
        "YB_HTTP_CORS_ALLOWED_ORIGINS", "https://a.example.cn, https://b.example.cn",
        "YB_SECURITY_RESIDENT_TOKEN_KEYS_KEYS", "{\"k2\":\"0123456789abcdef0123456789abcdef\"}",
        "YB_SECURITY_RESIDENT_TOKEN_KEYS_CURRENT_KID", "k2"));
    assertEquals(9999, c.http().port());
    assertEquals(List.of("https://a.example.cn", "https://b.example.cn"), c.http().corsAllowedOrigins());
    assertEquals(Map.of("k2", "0123456789abcdef0123456789abcdef"), c.security().residentTokenKeys().keys());
  }

  @Test
  void envNamesFollowTheDocumentedMapping() {
    assertEquals("YB_HTTP_PORT", ConfigLoader.envName("http.port"));
    assertEquals("YB_RATE_LIMITS_PER_CLIENT_ADDRESS_WINDOW_SECONDS",
        ConfigLoader.envName("rateLimits.perClientAddress.windowSeconds"));
  }

  @Test
  void wrongValueNamesTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, null, Map.of("YB_HTTP_PORT", "80x")));
    assertEquals("http.port: must be a whole number, got \"80x\"", e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, null, Map.of("YB_REDIS_URL", "localhost")));
    assertTrue(e.getMessage().startsWith("redis.url: "), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, null, Map.of("YB_HTTP_CORS_ALLOWED_ORIGINS", "*")));
    assertTrue(e.getMessage().startsWith("http.cors.allowedOrigins: "), e.getMessage());
  }

  @Test
  void unknownKeyInAFileIsATypo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, "http:\n  prot: 8081\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, file, Map.of()));
    assertTrue(e.getMessage().startsWith("http.prot: unknown key"), e.getMessage());
  }

  @Test
  void productionRefusesDemoSecrets() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), null, Map.of()));
    assertTrue(e.getMessage().startsWith("security.residentTokenKeys.keys.demo-1: is a demo secret"), e.getMessage());
    GatewayConfig ok = ConfigLoader.load(List.of(), null, Map.of(
        "YB_SECURITY_RESIDENT_TOKEN_KEYS_KEYS", "{\"p1\":\"a-real-production-secret-of-48-bytes-xxxxxxxxxx\"}",
        "YB_SECURITY_RESIDENT_TOKEN_KEYS_CURRENT_KID", "p1"));
    assertTrue(ok.production());
  }

  @Test
  void exampleProductionFileIsValidOnceSecretsAreSet() {
    GatewayConfig c = ConfigLoader.load(List.of(), Path.of("gateway-config/production.example.yaml"), Map.of());
    assertEquals(List.of("https://h5.ybj.example.gov.cn"), c.http().corsAllowedOrigins());
  }

  @Test
  void badConfigurationExitsWithCode2AndOneLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, "redis:\n  poolSize: 0\n");
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = io.yibao.MainAccess.run("serve", "--config", file.toString());
    } finally {
      System.setErr(original);
    }
    assertEquals(2, code);
    String printed = err.toString(StandardCharsets.UTF_8);
    assertEquals("yibao-gateway: configuration error: redis.poolSize: must be between 1 and 1024, got 0\n", printed);
  }
}
