package io.yibao.gateway.insurancecode;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Renders the insurance code (医保码) as a QR code in a 1-bit grayscale PNG that pharmacy scanners read off a
 * phone screen.
 *
 * <p>ZXing's {@link Encoder} builds the module matrix (error correction level M; ZXing picks the mode, so an
 * uppercase A–Z/0–9 code goes in alphanumeric mode and a 28-character one fits version 2, 25×25 modules). The
 * PNG is then written here directly — signature, IHDR (bit depth 1, colour type 0), a single IDAT deflated with
 * {@link Deflater}, IEND, each chunk with its CRC-32 — because going through {@code BufferedImage} and ImageIO
 * costs several times more than the encoding itself (DESIGN.md §6) and drags AWT into the gateway.
 *
 * <p>Pure CPU and allocation only: no I/O, no locks, no shared mutable state, so it is thread-safe and may be
 * called on an event loop. The {@code Deflater} is created and {@link Deflater#end() ended} within each call,
 * so no native zlib memory outlives a render.
 */
public final class QrPng {

  /** Pixels per module for {@link #render(String)}: a 28-character code is 264×264 px, crisp on any phone. */
  public static final int DEFAULT_MODULE_SIZE_PX = 8;
  /** Quiet zone for {@link #render(String)}: the 4 modules ISO/IEC 18004 asks for. */
  public static final int DEFAULT_QUIET_ZONE_MODULES = 4;

  /** Upper bounds that keep one render's memory small whatever the caller passes (version 40 at the limits is
   *  (177 + 32) × 32 = 6688 px square, about 5.6 MB of raw scanlines). */
  static final int MAX_MODULE_SIZE_PX = 32;
  static final int MAX_QUIET_ZONE_MODULES = 16;

  static final ErrorCorrectionLevel EC_LEVEL = ErrorCorrectionLevel.M;

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int IHDR = 0x49484452;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454E44;
  /** Non-ASCII text is encoded as UTF-8 bytes announced by an ECI header, so scanners need not guess. */
  private static final Map<EncodeHintType, Object> UTF8_HINTS =
      Map.of(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());

  private QrPng() {
  }

  /** {@link #render(String, int, int)} with {@value #DEFAULT_MODULE_SIZE_PX} px per module and a
   *  {@value #DEFAULT_QUIET_ZONE_MODULES}-module quiet zone. */
  public static byte[] render(String text) {
    return render(text, DEFAULT_MODULE_SIZE_PX, DEFAULT_QUIET_ZONE_MODULES);
  }

  /**
   * Encodes {@code text} as a QR code (EC level M) and returns it as PNG bytes, black modules on white, square,
   * {@code (modules + 2 × quietZoneModules) × moduleSizePx} pixels a side.
   *
   * @param text             the text to encode; not empty. ASCII goes without an ECI header (so an uppercase
   *                         alphanumeric code stays in alphanumeric mode); other text as UTF-8 with ECI.
   * @param moduleSizePx     pixels per module, 1..{@value #MAX_MODULE_SIZE_PX}
   * @param quietZoneModules white border in modules, 0..{@value #MAX_QUIET_ZONE_MODULES}
   * @throws IllegalArgumentException if the text is empty or too long for a QR code, or a size is out of range
   */
  public static byte[] render(String text, int moduleSizePx, int quietZoneModules) {
    if (moduleSizePx < 1 || moduleSizePx > MAX_MODULE_SIZE_PX) {
      throw new IllegalArgumentException("moduleSizePx must be 1.." + MAX_MODULE_SIZE_PX + ": " + moduleSizePx);
    }
    if (quietZoneModules < 0 || quietZoneModules > MAX_QUIET_ZONE_MODULES) {
      throw new IllegalArgumentException(
          "quietZoneModules must be 0.." + MAX_QUIET_ZONE_MODULES + ": " + quietZoneModules);
    }
    return png(encode(text).getMatrix(), moduleSizePx, quietZoneModules);
  }

  /** The ZXing encoding {@link #render} draws: level M, mode chosen by ZXing. */
  static QRCode encode(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("nothing to encode");
    }
    try {
      return Encoder.encode(text, EC_LEVEL, isAscii(text) ? null : UTF8_HINTS);
    } catch (WriterException e) {
      throw new IllegalArgumentException("text cannot be encoded as a QR code (" + text.length() + " chars): "
          + e.getMessage(), e);
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7F) {
        return false;
      }
    }
    return true;
  }

  private static byte[] png(ByteMatrix matrix, int moduleSizePx, int quietZoneModules) {
    byte[][] modules = matrix.getArray();   // [y][x], 1 = dark
    int n = matrix.getWidth();              // QR codes are square
    int side = (n + 2 * quietZoneModules) * moduleSizePx;
    int rowBytes = (side + 7) >>> 3;
    int stride = 1 + rowBytes;              // filter-type byte (0, None) + packed pixels
    int quietPx = quietZoneModules * moduleSizePx;

    // Raw image data: every pixel starts white (bit 1), dark modules clear their bits. Bits past the image's
    // right edge in the last byte of a row are ignored by decoders; they stay 1.
    byte[] raw = new byte[side * stride];
    byte[] white = new byte[stride];
    Arrays.fill(white, 1, stride, (byte) 0xFF);
    byte[] row = new byte[stride];
    int pos = 0;
    for (int i = 0; i < quietPx; i++, pos += stride) {
      System.arraycopy(white, 0, raw, pos, stride);
    }
    for (int y = 0; y < n; y++) {
      System.arraycopy(white, 0, row, 0, stride);
      byte[] line = modules[y];
      for (int x = 0; x < n; x++) {
        if (line[x] == 1) {
          int px = quietPx + x * moduleSizePx;
          for (int end = px + moduleSizePx; px < end; px++) {
            row[1 + (px >>> 3)] &= (byte) ~(0x80 >>> (px & 7));
          }
        }
      }
      for (int i = 0; i < moduleSizePx; i++, pos += stride) {
        System.arraycopy(row, 0, raw, pos, stride);
      }
    }
    for (int i = 0; i < quietPx; i++, pos += stride) {
      System.arraycopy(white, 0, raw, pos, stride);
    }

    byte[] idat = deflate(raw);

    // signature + IHDR (12 + 13) + IDAT (12 + data) + IEND (12)
    byte[] out = new byte[SIGNATURE.length + 25 + 12 + idat.length + 12];
    System.arraycopy(SIGNATURE, 0, out, 0, SIGNATURE.length);
    CRC32 crc = new CRC32();
    int at = SIGNATURE.length;
    at = chunkHeader(out, at, 13, IHDR);
    at = putInt(out, at, side);             // width
    at = putInt(out, at, side);             // height
    out[at++] = 1;                          // bit depth
    out[at++] = 0;                          // colour type: grayscale
    out[at++] = 0;                          // compression: deflate
    out[at++] = 0;                          // filter method: adaptive (every row uses type 0)
    out[at++] = 0;                          // interlace: none
    at = chunkCrc(out, at, 13, crc);
    at = chunkHeader(out, at, idat.length, IDAT);
    System.arraycopy(idat, 0, out, at, idat.length);
    at = chunkCrc(out, at + idat.length, idat.length, crc);
    at = chunkHeader(out, at, 0, IEND);
    at = chunkCrc(out, at, 0, crc);
    assert at == out.length;
    return out;
  }

  /** The zlib stream (header, deflate data, Adler-32) PNG wants in IDAT. */
  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(6);
    try {
      deflater.setInput(raw);
      deflater.finish();
      // Rows repeat moduleSizePx times, so the stream is a small fraction of the input; grow if ever needed.
      byte[] buf = new byte[64 + raw.length / 8];
      int len = 0;
      while (!deflater.finished()) {
        if (len == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        len += deflater.deflate(buf, len, buf.length - len);
      }
      return len == buf.length ? buf : Arrays.copyOf(buf, len);
    } finally {
      deflater.end();
    }
  }

  private static int chunkHeader(byte[] out, int at, int length, int type) {
    at = putInt(out, at, length);
    return putInt(out, at, type);
  }

  /** Appends the CRC-32 of the chunk's type and data, which end at {@code at}. */
  private static int chunkCrc(byte[] out, int at, int dataLength, CRC32 crc) {
    crc.reset();
    crc.update(out, at - dataLength - 4, dataLength + 4);
    return putInt(out, at, (int) crc.getValue());
  }

  private static int putInt(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
    return at + 4;
  }
}
