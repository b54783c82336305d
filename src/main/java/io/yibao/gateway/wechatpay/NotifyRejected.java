package io.yibao.gateway.wechatpay;

/**
 * A payment notify that the gateway refuses to believe or cannot read. {@link #reason()} and the message are safe to
 * log: they name the failed check, never a header value beyond the serial, never the body or anything decrypted.
 * Answer the channel with {@link WechatPayAck#rejected}, so that it retries (a genuine notify that failed a
 * transient check, e.g. a clock step, gets through on a later attempt).
 */
public final class NotifyRejected extends RuntimeException {

  /** Which check failed, in the order they are made. */
  public enum Reason {
    /** A Wechatpay-Timestamp, -Nonce, -Signature or -Serial header is missing or empty. */
    MISSING_HEADER,
    /** Wechatpay-Serial names a platform key other than the configured one. */
    WRONG_SERIAL,
    /** Wechatpay-Timestamp is further from the gateway's clock than {@code paymentChannel.notifyMaxSkewSeconds}. */
    STALE,
    /** The signature does not verify with the platform public key over timestamp, nonce and the raw body. */
    BAD_SIGNATURE,
    /** The signed resource does not open with the APIv3 key (wrong key, or the ciphertext, nonce or AAD changed). */
    UNDECRYPTABLE,
    /** Something is not what the channel sends: an unparsable timestamp, a body or resource without its fields. */
    MALFORMED
  }

  private final Reason reason;

  NotifyRejected(Reason reason, String detail) {
    super(reason + ": " + detail, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
