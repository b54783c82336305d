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
    assertEquals(600, c.rateLimits().perAccount().limit());
    assertEquals(6000, c.rateLimits().anonymousPerClientAddress().limit());
    assertEquals(50, c.rateLimits().failedAuthenticationsPerClientAddress().limit());
    assertEquals(2000, c.identity().otpPerClientAddress().limit(), "sized for carrier-grade NAT");
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
    assertEquals("YB_RATE_LIMITS_ANONYMOUS_PER_CLIENT_ADDRESS_WINDOW_SECONDS",
        ConfigLoader.envName("rateLimits.anonymousPerClientAddress.windowSeconds"));
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

  /**
   * What production needs besides the files: its own secrets, the real identity platform's key, and the payment
   * channel's platform key, APIv3 key and an https notify URL.
   */
  static Map<String, String> productionSecrets() throws Exception {
    return Map.of(
        "YB_SECURITY_RESIDENT_TOKEN_KEYS_KEYS", "{\"p1\":\"a-real-production-secret-of-48-bytes-xxxxxxxxxx\"}",
        "YB_SECURITY_RESIDENT_TOKEN_KEYS_CURRENT_KID", "p1",
        "YB_SECURITY_PEPPER", "a-real-production-pepper-of-plenty-of-bytes-xxxxxx",
        "YB_SECURITY_TERMINAL_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32]),
        "YB_SECURITY_FACE_TOKEN_PUBLIC_KEY_PEM", newPublicKeyPem(),
        "YB_PAYMENT_CHANNEL_PLATFORM_PUBLIC_KEY_PEM", newPublicKeyPem(),
        "YB_PAYMENT_CHANNEL_API_V3KEY", "a-real-apiv3-key-of-32-bytes-xyz",
        "YB_PAYMENT_CHANNEL_NOTIFY_URL", "https://gw.ybj.example.gov.cn/callbacks/payments/wechat");
  }

  private static String newPublicKeyPem() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
        generator.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void productionRefusesEveryDemoSecret() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), null, Map.of()));
    assertTrue(e.getMessage().startsWith("security.residentTokenKeys.keys.demo-1: is a demo secret"), e.getMessage());
    Map<String, String> secrets = productionSecrets();
    for (String demoLeft : List.of("YB_SECURITY_PEPPER", "YB_SECURITY_FACE_TOKEN_PUBLIC_KEY_PEM",
        "YB_SECURITY_TERMINAL_SECRET_KEY", "YB_PAYMENT_CHANNEL_PLATFORM_PUBLIC_KEY_PEM",
        "YB_PAYMENT_CHANNEL_API_V3KEY")) {
      Map<String, String> env = new java.util.HashMap<>(secrets);
      env.remove(demoLeft);
      ConfigException left = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), null, env));
      assertTrue(left.getMessage().contains("is a demo value"), left.getMessage());
    }
    assertTrue(ConfigLoader.load(List.of(), null, secrets).production());
  }

  @Test
  void paymentChannelDefaultsAreTheSandboxChannelAndProductionIsStricter() throws Exception {
    GatewayConfig.PaymentChannel demo = ConfigLoader.load(DEMO, null, Map.of()).paymentChannel();
    assertEquals("wx-demo-app", demo.appId());
    assertEquals("1900000001", demo.mchId());
    assertEquals("http://127.0.0.1:8080/callbacks/payments/wechat", demo.notifyUrl().toString());
    assertEquals(300, demo.notifyMaxSkewSeconds());
    assertEquals("DEMO-ONLY-wxpay-apiv3-key-000001", new String(demo.apiV3Key(), StandardCharsets.UTF_8));
    // the serial is the sandbox's name for its key: the SHA-1 of the public key's DER
    assertEquals(demo.platformSerial(), java.util.HexFormat.of().withUpperCase().formatHex(
        java.security.MessageDigest.getInstance("SHA-1").digest(demo.platformPublicKey().getEncoded())));
    assertEquals("YB_PAYMENT_CHANNEL_API_V3KEY", ConfigLoader.envName("paymentChannel.apiV3Key"));

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, null,
        Map.of("YB_PAYMENT_CHANNEL_API_V3KEY", "DEMO-ONLY-34-bytes-key-xxxxxxxxxxx")));
    assertEquals("paymentChannel.apiV3Key: must be exactly 32 bytes (AES-256), got 34", e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(DEMO, null, Map.of("YB_PAYMENT_CHANNEL_PLATFORM_PUBLIC_KEY_PEM", "not a key")));
    assertTrue(e.getMessage().startsWith("paymentChannel.platformPublicKeyPem: "), e.getMessage());

    Map<String, String> env = new java.util.HashMap<>(productionSecrets());
    env.put("YB_PAYMENT_CHANNEL_NOTIFY_URL", "http://gw.ybj.example.gov.cn/callbacks/payments/wechat");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), null, env));
    assertTrue(e.getMessage().startsWith("paymentChannel.notifyUrl: must be an https URL"), e.getMessage());
  }

  @Test
  void exampleProductionFileIsValidOnceSecretsAreSet() throws Exception {
    GatewayConfig c = ConfigLoader.load(List.of(), Path.of("gateway-config/production.example.yaml"),
        productionSecrets());
    assertEquals(List.of("https://h5.ybj.example.gov.cn"), c.http().corsAllowedOrigins());
  }

  @Test
  void coreSystemsInheritDefaultsAndOverridePerSystem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, "core:\n  accounts:\n    breaker:\n      openSeconds: 9\n");
    GatewayConfig c = ConfigLoader.load(DEMO, file, Map.of("YB_CORE_REGISTRY_TIMEOUT_MILLIS", "700"));
    assertEquals(9, c.core().get("accounts").breaker().openSeconds());
    assertEquals(5, c.core().get("registry").breaker().openSeconds(), "from core.defaults");
    assertEquals(700, c.core().get("registry").timeoutMillis());
    assertEquals(3000, c.core().get("settlement").timeoutMillis(), "the settlement section's own value");
    assertEquals(2000, c.core().get("accounts").timeoutMillis());
    Files.writeString(file, "core:\n  accounts:\n    breaker:\n      openSecs: 9\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(DEMO, file, Map.of()));
    assertTrue(e.getMessage().startsWith("core.accounts.breaker.openSecs: unknown key"), e.getMessage());
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
