package io.yibao.sandbox.identity;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.yibao.sandbox.SandboxHttp;
import io.yibao.sandbox.SandboxService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The sandbox's demo key material, committed under {@code src/main/resources/sandbox/keys/} and marked DEMO-ONLY:
 * the identity service's face-token key and the WeChat Pay platform key with its APIv3 key. Loaded once, before the
 * sandbox serves. {@code GET /_sandbox/keys} hands the public halves to the gateway's demo setup and the tests.
 *
 * <p>It is registered like a service only to mount that admin route; it has no {@code /keys/...} routes of its own.
 * It lives with identity because the face key was its first user; the payment channel reads the platform key here
 * so that there is one PEM reader.
 */
public final class DemoKeys implements SandboxService {

  /** Classpath folder of the PEM files. */
  public static final String RESOURCE_DIR = "sandbox/keys/";
  public static final String FACE_PUBLIC_PEM = RESOURCE_DIR + "DEMO-ONLY-identity-face.public.pem";
  public static final String PLATFORM_PUBLIC_PEM = RESOURCE_DIR + "DEMO-ONLY-wechatpay-platform.public.pem";
  /** {@code kid} header of face tokens: names the key so that a real deployment can rotate it. */
  public static final String FACE_TOKEN_KID = "DEMO-ONLY-face-1";
  /** WeChat Pay's APIv3 key is a 32-byte merchant secret shared with the platform; this one is public on purpose. */
  public static final String DEMO_APIV3_KEY = "DEMO-ONLY-wxpay-apiv3-key-000001";

  /** A public/private pair with the public half as PEM text (without the DEMO-ONLY header). */
  public record Pair(PrivateKey privateKey, PublicKey publicKey, String publicPem) {
  }

  private final Pair face;
  private final Pair platform;
  private final String platformSerial;

  private DemoKeys(Pair face, Pair platform) {
    this.face = face;
    this.platform = platform;
    // WeChat names the platform key by its certificate's serial (40 hex digits); there is no certificate here, so the
    // SHA-1 of the public key stands in: stable for the committed key, and it changes if the key is replaced.
    this.platformSerial = HexFormat.of().withUpperCase().formatHex(sha1(platform.publicKey().getEncoded()));
  }

  /** Reads both pairs from the classpath. Blocking file reads: call before serving, never on an event loop. */
  public static DemoKeys load() {
    return new DemoKeys(pair("DEMO-ONLY-identity-face"), pair("DEMO-ONLY-wechatpay-platform"));
  }

  public Pair face() {
    return face;
  }

  public Pair platform() {
    return platform;
  }

  public String platformSerial() {
    return platformSerial;
  }

  public byte[] apiV3Key() {
    return DEMO_APIV3_KEY.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String name() {
    return "keys";
  }

  @Override
  public void mount(Router router) {
    // nothing under /keys: the key material is sandbox administration, not an emulated core system
  }

  @Override
  public void mountAdmin(Router router) {
    JsonObject keys = new JsonObject()
        .put("faceTokenPublicKeyPem", face.publicPem())
        .put("faceTokenKid", FACE_TOKEN_KID)
        .put("wechatpayPlatformPublicKeyPem", platform.publicPem())
        .put("wechatpayPlatformSerial", platformSerial)
        .put("wechatpayApiV3Key", DEMO_APIV3_KEY);
    router.get("/_sandbox/keys").handler(rc -> SandboxHttp.ok(rc, keys.copy()));
  }

  private static Pair pair(String name) {
    String privatePem = resource(RESOURCE_DIR + name + ".private.pem");
    String publicPem = pemBlock(resource(RESOURCE_DIR + name + ".public.pem"), "PUBLIC KEY");
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(der(privatePem, "PRIVATE KEY")));
      return new Pair(privateKey, publicKey(publicPem), publicPem);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unreadable demo key " + name, e);
    }
  }

  /** An RSA public key from PEM text (an X.509 SubjectPublicKeyInfo block; text around the block is ignored). */
  public static PublicKey publicKey(String pem) {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an RSA public key", e);
    }
  }

  private static byte[] der(String pem, String label) {
    String block = pemBlock(pem, label);
    String base64 = block.replace("-----BEGIN " + label + "-----", "").replace("-----END " + label + "-----", "");
    return Base64.getMimeDecoder().decode(base64);
  }

  /** The BEGIN…END block: the files start with a DEMO-ONLY explanation that PEM parsers may not skip. */
  private static String pemBlock(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no " + label + " block");
    }
    return text.substring(from, to + end.length()) + "\n";
  }

  private static String resource(String path) {
    try (InputStream in = DemoKeys.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] sha1(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
