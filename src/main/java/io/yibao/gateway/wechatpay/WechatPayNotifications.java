package io.yibao.gateway.wechatpay;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.yibao.gateway.config.GatewayConfig;
import io.yibao.gateway.wechatpay.NotifyRejected.Reason;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.OffsetDateTime;
import java.util.Base64;

/**
 * Verifies and opens the payment channel's notifies (WeChat Pay APIv3), as they arrive at the gateway's callback:
 * <ol>
 *   <li>the headers {@code Wechatpay-Timestamp}, {@code -Nonce}, {@code -Signature}, {@code -Serial} are present
 *   ({@link Reason#MISSING_HEADER}); {@code Wechatpay-Signature-Type}, when sent, is
 *   {@code WECHATPAY2-SHA256-RSA2048};</li>
 *   <li>the serial is the configured platform key's ({@link Reason#WRONG_SERIAL});</li>
 *   <li>the timestamp is within {@code paymentChannel.notifyMaxSkewSeconds} of the gateway's clock, either way
 *   ({@link Reason#STALE});</li>
 *   <li>the signature, Base64 of SHA256withRSA over {@code timestamp + "\n" + nonce + "\n" + body + "\n"} with the raw
 *   body bytes exactly as received, verifies with the platform public key ({@link Reason#BAD_SIGNATURE});</li>
 *   <li>the body's {@code resource} opens with AEAD_AES_256_GCM: key = the APIv3 key's bytes, IV = the resource's
 *   {@code nonce}, AAD = its {@code associated_data}, input = Base64 ciphertext followed by the 16-byte tag
 *   ({@link Reason#UNDECRYPTABLE});</li>
 *   <li>the body and the decrypted transaction have the fields a payment notify has ({@link Reason#MALFORMED}).</li>
 * </ol>
 * Nothing of the body is looked at before its signature verified.
 *
 * <p>What this does not do, and the callback handler must: deduplicate. The channel resends the same notify (same
 * {@code id}, same content) until it gets a 2xx, and a genuine notify may be replayed within the skew window, so
 * applying a payment must be idempotent per out_trade_no. Only {@code TRANSACTION.*} events are expected: refunds
 * are requested without a notify_url.
 *
 * <p>Pure CPU (one RSA-2048 public-key verification and one AES-GCM decryption of a few hundred bytes), no I/O:
 * fine on an event loop. Thread-safe: the keys are immutable and each call gets its own Signature and Cipher.
 */
public final class WechatPayNotifications {

  public static final String TIMESTAMP = "Wechatpay-Timestamp";
  public static final String NONCE = "Wechatpay-Nonce";
  public static final String SIGNATURE = "Wechatpay-Signature";
  public static final String SERIAL = "Wechatpay-Serial";
  public static final String SIGNATURE_TYPE = "Wechatpay-Signature-Type";
  static final String RSA_SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048";
  static final String AEAD_AES_256_GCM = "AEAD_AES_256_GCM";
  private static final int GCM_TAG_BITS = 128;

  /**
   * A notify that verified and opened. The scalar fields are read from {@code transaction} for convenience.
   *
   * @param notifyId      the notify's {@code id}: the same on every resend of one notify
   * @param eventType     {@code TRANSACTION.SUCCESS} for a payment
   * @param transactionId the channel's payment id (always there for {@code TRANSACTION.SUCCESS})
   * @param tradeState    {@code SUCCESS} for {@code TRANSACTION.SUCCESS}
   * @param payerTotalFen what the person paid, null when the channel did not say
   * @param successTime   when the payment succeeded, null when the channel did not say
   * @param transaction   the whole decrypted transaction (it holds the payer's openid: do not log it)
   */
  public record Verified(String notifyId, String eventType, String outTradeNo, String transactionId,
                         String tradeState, long totalFen, Long payerTotalFen, OffsetDateTime successTime,
                         JsonObject transaction) {
  }

  private final String platformSerial;
  private final PublicKey platformKey;
  private final SecretKeySpec apiV3Key;
  private final String mchId;
  private final long maxSkewSeconds;

  public WechatPayNotifications(GatewayConfig.PaymentChannel channel) {
    this.platformSerial = channel.platformSerial();
    this.platformKey = channel.platformPublicKey();
    this.apiV3Key = new SecretKeySpec(channel.apiV3Key(), "AES");
    this.mchId = channel.mchId();
    this.maxSkewSeconds = channel.notifyMaxSkewSeconds();
    // The first use of a JCE algorithm loads its provider: do that at start, not in the first notify's request.
    try {
      Signature.getInstance("SHA256withRSA").initVerify(platformKey);
      Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot verify payment notifies", e);
    }
  }

  /**
   * Checks a notify and returns what it says, or throws {@link NotifyRejected} naming the first check that failed.
   *
   * @param headers the request's headers (Vert.x request headers: names are case-insensitive)
   * @param rawBody the request body exactly as received: not parsed and re-encoded, which would break the signature
   */
  public Verified verify(MultiMap headers, Buffer rawBody) {
    String timestamp = header(headers, TIMESTAMP);
    String nonce = header(headers, NONCE);
    String signature = header(headers, SIGNATURE);
    String serial = header(headers, SERIAL);
    String signatureType = headers.get(SIGNATURE_TYPE);
    if (signatureType != null && !RSA_SIGNATURE_TYPE.equals(signatureType.trim())) {
      throw new NotifyRejected(Reason.BAD_SIGNATURE, "unsupported " + SIGNATURE_TYPE);
    }
    if (!platformSerial.equalsIgnoreCase(serial)) {
      throw new NotifyRejected(Reason.WRONG_SERIAL, "signed with platform key " + printable(serial)
          + ", expected " + platformSerial);
    }
    checkTimestamp(timestamp);
    checkSignature(timestamp, nonce, signature, rawBody);

    JsonObject body = object(rawBody, "body");
    String notifyId = field(body, "id", "body");
    String eventType = field(body, "event_type", "body");
    if (!(body.getValue("resource") instanceof JsonObject resource)) {
      throw new NotifyRejected(Reason.MALFORMED, "the body has no resource object");
    }
    if (!AEAD_AES_256_GCM.equals(resource.getValue("algorithm"))) {
      throw new NotifyRejected(Reason.MALFORMED, "the resource's algorithm is not " + AEAD_AES_256_GCM);
    }
    Object aad = resource.getValue("associated_data");
    if (aad != null && !(aad instanceof String)) {
      throw new NotifyRejected(Reason.MALFORMED, "the resource's associated_data is not text");
    }
    Buffer plaintext = open(field(resource, "ciphertext", "resource"), field(resource, "nonce", "resource"),
        (String) aad);

    JsonObject json = object(plaintext, "decrypted resource");
    WechatTransaction transaction;
    try {
      transaction = WechatTransaction.from(json);
    } catch (IllegalArgumentException e) {
      throw new NotifyRejected(Reason.MALFORMED, "the transaction has no usable " + e.getMessage());
    }
    if (json.getValue("mchid") != null && !mchId.equals(json.getValue("mchid"))) {
      throw new NotifyRejected(Reason.MALFORMED, "the transaction belongs to another merchant");
    }
    if ("TRANSACTION.SUCCESS".equals(eventType)
        && (!"SUCCESS".equals(transaction.tradeState()) || transaction.transactionId() == null)) {
      throw new NotifyRejected(Reason.MALFORMED, "a TRANSACTION.SUCCESS notify without a successful transaction");
    }
    return new Verified(notifyId, eventType, transaction.outTradeNo(), transaction.transactionId(),
        transaction.tradeState(), transaction.totalFen(), transaction.payerTotalFen(), transaction.successTime(), json);
  }

  private static String header(MultiMap headers, String name) {
    String value = headers.get(name);
    if (value == null || value.isBlank()) {
      throw new NotifyRejected(Reason.MISSING_HEADER, "no " + name + " header");
    }
    return value.trim();
  }

  private void checkTimestamp(String timestamp) {
    if (!timestamp.matches("[0-9]{1,12}")) {
      throw new NotifyRejected(Reason.MALFORMED, TIMESTAMP + " is not Unix seconds");
    }
    long skew = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
    if (skew > maxSkewSeconds) {
      throw new NotifyRejected(Reason.STALE, TIMESTAMP + " is " + skew + " s from the gateway's clock, more than "
          + maxSkewSeconds + " s");
    }
  }

  private void checkSignature(String timestamp, String nonce, String signature, Buffer rawBody) {
    boolean valid;
    try {
      byte[] signed = Base64.getDecoder().decode(signature);
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(platformKey);
      verifier.update((timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
      verifier.update(rawBody.getBytes());
      verifier.update((byte) '\n');
      valid = verifier.verify(signed);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // not Base64, or not an RSA signature's length: no better than a wrong one
      valid = false;
    }
    if (!valid) {
      throw new NotifyRejected(Reason.BAD_SIGNATURE, "the signature does not verify with the platform key");
    }
  }

  private Buffer open(String ciphertext, String nonce, String associatedData) {
    try {
      byte[] sealed = Base64.getDecoder().decode(ciphertext);
      if (sealed.length <= GCM_TAG_BITS / 8) {
        // shorter than the tag: some JDKs fail it with a ProviderException rather than a bad tag
        throw new NotifyRejected(Reason.UNDECRYPTABLE, "the resource is shorter than its authentication tag");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, apiV3Key,
          new GCMParameterSpec(GCM_TAG_BITS, nonce.getBytes(StandardCharsets.UTF_8)));
      if (associatedData != null) {
        cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      }
      return Buffer.buffer(cipher.doFinal(sealed));
    } catch (IllegalArgumentException | GeneralSecurityException | java.security.ProviderException e) {
      // a changed ciphertext, nonce or AAD fails the tag; a wrong APIv3 key as well
      throw new NotifyRejected(Reason.UNDECRYPTABLE, "the resource does not open with the APIv3 key");
    }
  }

  private static JsonObject object(Buffer bytes, String what) {
    try {
      return new JsonObject(bytes);
    } catch (RuntimeException e) {
      throw new NotifyRejected(Reason.MALFORMED, "the " + what + " is not a JSON object");
    }
  }

  private static String field(JsonObject json, String field, String what) {
    if (json.getValue(field) instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new NotifyRejected(Reason.MALFORMED, "the " + what + " has no " + field);
  }

  /** A header value fit for a log line: a serial is 40 hex digits; anything else is cut and cleaned. */
  private static String printable(String value) {
    String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return cut.replaceAll("[^0-9A-Za-z_.\\-]", "?");
  }
}
