package io.yibao.gateway.insurancecode;

import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.decoder.Mode;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.QRCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static io.yibao.gateway.insurancecode.QrCodes.CHINESE;
import static io.yibao.gateway.insurancecode.QrCodes.CODE_28;
import static io.yibao.gateway.insurancecode.QrCodes.CODE_28_B;
import static io.yibao.gateway.insurancecode.QrCodes.MIXED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QrPngTest {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  @Test
  void aTwentyEightCharacterCodeIsAlphanumericVersion2AtLevelM() {
    QRCode qr = QrPng.encode(CODE_28);
    assertEquals(Mode.ALPHANUMERIC, qr.getMode());
    assertEquals(ErrorCorrectionLevel.M, qr.getECLevel());
    assertEquals(2, qr.getVersion().getVersionNumber());
    assertEquals(25, qr.getMatrix().getWidth());
    assertEquals(25, qr.getMatrix().getHeight());
  }

  @Test
  void otherTextGoesInByteMode() {
    assertEquals(Mode.BYTE, QrPng.encode(MIXED).getMode());
    assertEquals(Mode.BYTE, QrPng.encode(CHINESE).getMode());
  }

  @ParameterizedTest
  @ValueSource(strings = {CODE_28, CODE_28_B, "YB12345678901234567890ABCDEF", MIXED, CHINESE, "x"})
  void decodesBackToTheText(String text) throws Exception {
    assertEquals(text, QrCodes.decode(QrPng.render(text)));
  }

  /** From 2 px per module up (at 1 px ZXing's finder-pattern detector gives up; the pixel test covers 1 px). */
  @ParameterizedTest
  @CsvSource({"2, 4", "3, 2", "5, 4", "8, 1", "12, 6", "32, 16"})
  void decodesAtOtherSizes(int moduleSizePx, int quietZoneModules) throws Exception {
    assertEquals(CODE_28, QrCodes.decode(QrPng.render(CODE_28, moduleSizePx, quietZoneModules)));
  }

  @Test
  void defaultsAreEightPixelsPerModuleAndAFourModuleQuietZone() {
    assertArrayEquals(QrPng.render(CODE_28, 8, 4), QrPng.render(CODE_28));
    BufferedImage image = QrCodes.image(QrPng.render(CODE_28));
    assertEquals((25 + 2 * 4) * 8, image.getWidth());
    assertEquals((25 + 2 * 4) * 8, image.getHeight());
  }

  @Test
  void isAValidOneBitGrayscalePng() throws Exception {
    byte[] png = QrPng.render(CODE_28, 8, 4);
    List<Chunk> chunks = chunks(png);
    assertEquals(List.of("IHDR", "IDAT", "IEND"), chunks.stream().map(Chunk::type).toList());

    ByteBuffer ihdr = ByteBuffer.wrap(chunks.get(0).data());
    assertEquals(13, ihdr.capacity());
    assertEquals(264, ihdr.getInt(0), "width = (25 + 2 x 4) x 8");
    assertEquals(264, ihdr.getInt(4), "height");
    assertEquals(1, ihdr.get(8), "bit depth");
    assertEquals(0, ihdr.get(9), "colour type grayscale");
    assertEquals(0, ihdr.get(10), "compression");
    assertEquals(0, ihdr.get(11), "filter method");
    assertEquals(0, ihdr.get(12), "interlace");
    assertEquals(0, chunks.get(2).data().length, "IEND is empty");

    BufferedImage image = QrCodes.image(png);
    assertEquals(264, image.getWidth());
    assertEquals(1, image.getColorModel().getPixelSize(), "ImageIO sees 1 bit per pixel");
  }

  /** Every pixel, unpacked from the inflated IDAT, is the colour of its module: dark = 0, light and quiet = 1. */
  @ParameterizedTest
  @CsvSource({"8, 4", "1, 0", "3, 1", "7, 3"})
  void pixelsAreTheModulesScaled(int moduleSizePx, int quietZoneModules) throws Exception {
    String text = MIXED;
    ByteMatrix matrix = QrPng.encode(text).getMatrix();
    int n = matrix.getWidth();
    int side = (n + 2 * quietZoneModules) * moduleSizePx;
    int rowBytes = (side + 7) / 8;

    byte[] raw = inflate(chunks(QrPng.render(text, moduleSizePx, quietZoneModules)).get(1).data());
    assertEquals(side * (1 + rowBytes), raw.length, "one filter byte and " + rowBytes + " bytes per row");
    for (int y = 0; y < side; y++) {
      int row = y * (1 + rowBytes);
      assertEquals(0, raw[row], "filter type of row " + y);
      for (int x = 0; x < side; x++) {
        int bit = (raw[row + 1 + x / 8] >>> (7 - x % 8)) & 1;
        int mx = x / moduleSizePx - quietZoneModules;
        int my = y / moduleSizePx - quietZoneModules;
        boolean dark = mx >= 0 && my >= 0 && mx < n && my < n && matrix.get(mx, my) == 1;
        assertEquals(dark ? 0 : 1, bit, "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void sameTextSameBytesFromManyThreadsAtOnce() throws Exception {
    List<String> texts = List.of(CODE_28, CODE_28_B, MIXED, CHINESE);
    List<byte[]> expected = texts.stream().map(QrPng::render).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            int k = i % texts.size();
            if (!Arrays.equals(expected.get(k), QrPng.render(texts.get(k)))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsWhatItCannotDraw() {
    assertThrows(IllegalArgumentException.class, () -> QrPng.render(""));
    assertThrows(IllegalArgumentException.class, () -> QrPng.render(CODE_28, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> QrPng.render(CODE_28, QrPng.MAX_MODULE_SIZE_PX + 1, 4));
    assertThrows(IllegalArgumentException.class, () -> QrPng.render(CODE_28, 8, -1));
    assertThrows(IllegalArgumentException.class, () -> QrPng.render(CODE_28, 8, QrPng.MAX_QUIET_ZONE_MODULES + 1));
    assertThrows(IllegalArgumentException.class, () -> QrPng.render("x".repeat(3000)), "beyond version 40-M");
    assertThrows(NullPointerException.class, () -> QrPng.render(null));
  }

  @Test
  void theLargestCodeAtTheLargestSizeStillRenders() throws Exception {
    String text = "A".repeat(3391);   // fills version 40 at level M in alphanumeric mode
    assertEquals(40, QrPng.encode(text).getVersion().getVersionNumber());
    byte[] png = QrPng.render(text, QrPng.MAX_MODULE_SIZE_PX, QrPng.MAX_QUIET_ZONE_MODULES);
    assertEquals((177 + 32) * 32, ByteBuffer.wrap(chunks(png).get(0).data()).getInt(0));
  }

  record Chunk(String type, byte[] data) {
  }

  /** Splits a PNG into its chunks, checking the signature, each length and each CRC on the way. */
  static List<Chunk> chunks(byte[] png) {
    assertArrayEquals(SIGNATURE, Arrays.copyOf(png, 8), "PNG signature");
    ByteBuffer in = ByteBuffer.wrap(png);
    in.position(8);
    List<Chunk> chunks = new ArrayList<>();
    while (in.hasRemaining()) {
      int length = in.getInt();
      assertTrue(length >= 0 && length + 8 <= in.remaining(), "chunk length " + length);
      byte[] typeAndData = new byte[4 + length];
      in.get(typeAndData);
      CRC32 crc = new CRC32();
      crc.update(typeAndData);
      String type = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
      assertEquals((int) crc.getValue(), in.getInt(), "CRC of " + type);
      chunks.add(new Chunk(type, Arrays.copyOfRange(typeAndData, 4, typeAndData.length)));
    }
    return chunks;
  }

  private static byte[] inflate(byte[] zlib) throws DataFormatException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(zlib);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && inflater.needsInput()) {
          throw new DataFormatException("truncated zlib stream");
        }
        out.write(buf, 0, n);
      }
      assertEquals(0, inflater.getRemaining(), "nothing after the zlib stream");
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }
}
