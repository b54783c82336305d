package io.yibao.gateway.pharmacy;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Terminal secrets at rest: AES-256-GCM under {@code security.terminalSecretKey}, stored as
 * {@code base64(iv[12] || ciphertext || tag[16])} with a fresh random IV per encryption. The terminal id is the
 * additional authenticated data, so an encrypted secret copied onto another terminal's record does not decrypt.
 * A Redis dump (or a replica, or a backup) therefore reveals no secret without the key.
 */
final class TerminalSecretCipher {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  TerminalSecretCipher(byte[] aesKey) {
    if (aesKey == null || aesKey.length != 32) {
      throw new IllegalArgumentException("security.terminalSecretKey must be 32 bytes (AES-256)");
    }
    this.key = new SecretKeySpec(aesKey.clone(), "AES");
  }

  String encrypt(String terminalId, String secret) {
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad(terminalId));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The secret, or null when the value was not encrypted with this key for this terminal (or is damaged). */
  String decrypt(String terminalId, String stored) {
    byte[] in;
    try {
      in = Base64.getDecoder().decode(stored);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (in.length < IV_BYTES + TAG_BITS / 8) {
      return null;
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(aad(terminalId));
      return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private static byte[] aad(String terminalId) {
    return ("yb-terminal:" + terminalId).getBytes(StandardCharsets.UTF_8);
  }
}
