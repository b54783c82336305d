package io.yibao.gateway.pharmacy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signing recipe against vectors computed independently with openssl, the values a POS vendor can check
 * an implementation with:
 * <pre>
 *   printf 'POST\n/pos/v1/echo?q=1\n1767225600\nn0nce-0000001\n%s' "$(printf '%s' '{"amountFen":100}' \
 *     | openssl dgst -sha256 -hex | awk '{print $NF}')" | openssl dgst -sha256 -hmac 'demo-terminal-secret-0001'
 * </pre>
 */
class TerminalSignatureTest {

  static final String SECRET = "demo-terminal-secret-0001";

  @Test
  void requestWithBodyMatchesTheOpensslVector() {
    byte[] body = "{\"amountFen\":100}".getBytes(StandardCharsets.UTF_8);
    assertEquals("fb41bcc04966867cd3afc24abc2ba01cf45a56dc53bf7bc1aeb2c4838365e361",
        TerminalSignature.bodySha256(body));
    assertEquals("POST\n/pos/v1/echo?q=1\n1767225600\nn0nce-0000001\n"
            + "fb41bcc04966867cd3afc24abc2ba01cf45a56dc53bf7bc1aeb2c4838365e361",
        TerminalSignature.stringToSign("POST", "/pos/v1/echo?q=1", "1767225600", "n0nce-0000001", body));
    assertEquals("fd288ea9dbbf2d7d927fd990cb3e41a56d5bcffc4d8182f4459cfb0da73e2db6",
        TerminalSignature.sign(SECRET, "POST", "/pos/v1/echo?q=1", 1767225600L, "n0nce-0000001", body));
  }

  @Test
  void requestWithoutBodyHashesTheEmptyString() {
    String expected = "b370127fbc42e1adaa7e18427c06ce94a319e6d41dddb272f13b38721d9a09b2";
    assertEquals(expected, TerminalSignature.sign(SECRET, "GET", "/pos/v1/echo", 1767225600L, "n0nce-0000001", null));
    assertEquals(expected,
        TerminalSignature.sign(SECRET, "get", "/pos/v1/echo", 1767225600L, "n0nce-0000001", new byte[0]));
  }

  @Test
  void headersCarryIdTimestampFreshNonceAndSignature() {
    Map<String, String> h = TerminalSignature.headers("T110105000017-03", SECRET, "POST", "/pos/v1/echo", null);
    assertEquals(List.of("X-Terminal-Id", "X-Timestamp", "X-Nonce", "X-Signature"), List.copyOf(h.keySet()));
    assertEquals("T110105000017-03", h.get("X-Terminal-Id"));
    long skew = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(h.get("X-Timestamp")));
    assertTrue(skew <= 1);
    assertTrue(h.get("X-Nonce").matches("[A-Za-z0-9_-]{8,64}"));
    assertTrue(h.get("X-Signature").matches("[0-9a-f]{64}"));
    assertEquals(h.get("X-Signature"), TerminalSignature.sign(SECRET, "POST", "/pos/v1/echo",
        Long.parseLong(h.get("X-Timestamp")), h.get("X-Nonce"), null));
  }
}
