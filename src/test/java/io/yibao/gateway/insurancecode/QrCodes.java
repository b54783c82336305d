package io.yibao.gateway.insurancecode;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Test helpers: sample codes and reading a PNG back the way a scanner app built on ZXing would. */
final class QrCodes {

  /** 28 characters, uppercase A–Z/0–9: the shape of a dynamic insurance code. */
  static final String CODE_28 = "YB8K2M4Q7T1X9C3V6N0P5R8W2Z4H";
  static final String CODE_28_B = "YB0000000000000000000000000Z";
  /** A mixed-case URL with punctuation: byte mode. */
  static final String MIXED = "https://ybm.example.cn/c?v=1&code=yb8K2m4Q7t1X9c3V6n0P5r8W2z4H#ok";
  /** Chinese and ASCII: UTF-8 bytes behind an ECI header. */
  static final String CHINESE = "医保码 YB8K2M4Q7T1X9C3V6N0P5R8W2Z4H 张三";

  private QrCodes() {
  }

  static BufferedImage image(byte[] png) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertNotNull(image, "ImageIO found no reader for the bytes");
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes with ImageIO → BufferedImageLuminanceSource → HybridBinarizer → QRCodeReader, default hints. */
  static String decode(byte[] png) throws NotFoundException, ChecksumException, FormatException {
    BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image(png))));
    return new QRCodeReader().decode(bitmap).getText();
  }
}
