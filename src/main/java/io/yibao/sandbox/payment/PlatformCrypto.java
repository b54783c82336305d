package io.yibao.sandbox.payment;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;

/**
 * What WeChat Pay's platform does to a notify (APIv3): the resource is sealed with AEAD_AES_256_GCM under the
 * merchant's APIv3 key, and the whole notify is signed SHA256withRSA with the platform private key over
 * {@code timestamp\nnonce\nbody\n}. The merchant checks the signature with the platform public key and opens the
 * resource with its APIv3 key.
 */
final class PlatformCrypto {

  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final int GCM_TAG_BITS = 128;

  private final PrivateKey platformKey;
  private final SecretKeySpec apiV3Key;
  private final SecureRandom random = new SecureRandom();

  PlatformCrypto(PrivateKey platformKey, byte[] apiV3Key) {
    if (apiV3Key.length != 32) {
      throw new IllegalArgumentException("the APIv3 key is 32 bytes");
    }
    this.platformKey = platformKey;
    this.apiV3Key = new SecretKeySpec(apiV3Key, "AES");
    // first use loads the JCE providers; do it before serving, and fail at start if the keys are unusable
    seal("{}", "warm-up", nonce(12));
    sign("0", "warm-up", "{}");
  }

  /** A random nonce of ASCII letters and digits, as WeChat sends them (12 for the resource, 32 for headers). */
  String nonce(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return sb.toString();
  }

  /** Base64 of ciphertext followed by the 16-byte tag; the nonce's ASCII bytes are the GCM IV. */
  String seal(String plaintext, String associatedData, String nonce) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, apiV3Key,
          new GCMParameterSpec(GCM_TAG_BITS, nonce.getBytes(StandardCharsets.US_ASCII)));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code Wechatpay-Signature} header value. */
  String sign(String timestamp, String nonce, String body) {
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(platformKey);
      signature.update((timestamp + "\n" + nonce + "\n" + body + "\n").getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
