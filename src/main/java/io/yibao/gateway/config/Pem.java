package io.yibao.gateway.config;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Public keys given in configuration as PEM text; lines outside BEGIN/END (a DEMO-ONLY label) are ignored. */
public final class Pem {

  private Pem() {
  }

  public static PublicKey rsaPublicKey(String key, String pem) {
    int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
    int end = pem.indexOf("-----END PUBLIC KEY-----");
    if (begin < 0 || end < begin) {
      throw new ConfigException(key, "must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    String base64 = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (Exception e) {
      throw new ConfigException(key, "is not a valid RSA public key");
    }
  }
}
