package io.yibao.gateway.insurancecode;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.Encoder;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A JMH-free micro-benchmark of one insurance-code render, not a test (nothing asserts on time): prints the mean
 * CPU and wall µs per render of a 28-character code, for {@link QrPng} and, to compare, for ZXing's
 * {@code QRCodeWriter} + {@code MatrixToImageWriter.writeToStream} through ImageIO (with the disk cache off).
 *
 * <p>Run after {@code mvn test-compile}:
 * <pre>
 * mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.yibao.gateway.insurancecode.QrPngBenchmark [iterations]
 * </pre>
 */
public final class QrPngBenchmark {

  private QrPngBenchmark() {
  }

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    String text = QrCodes.CODE_28;
    ImageIO.setUseCache(false);

    int side = (25 + 2 * QrPng.DEFAULT_QUIET_ZONE_MODULES) * QrPng.DEFAULT_MODULE_SIZE_PX;
    Map<EncodeHintType, Object> hints = Map.of(
        EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
        EncodeHintType.MARGIN, QrPng.DEFAULT_QUIET_ZONE_MODULES);
    QRCodeWriter writer = new QRCodeWriter();

    System.out.printf("28-char code, %d warm-up + %d measured renders each, %d x %d px%n",
        iterations, iterations, side, side);
    System.out.printf("  QrPng PNG size %d bytes, MatrixToImageWriter PNG size %d bytes%n",
        QrPng.render(text).length, viaImageIo(writer, text, side, hints).length);

    run("QrPng.render (Encoder + direct 1-bit PNG)", iterations, t -> QrPng.render(t).length, text);
    run("Encoder.encode only (ZXing matrix, no image)", iterations, t -> {
      try {
        return Encoder.encode(t, ErrorCorrectionLevel.M).getMatrix().getWidth();
      } catch (WriterException e) {
        throw new IllegalStateException(e);
      }
    }, text);
    run("QRCodeWriter + MatrixToImageWriter + ImageIO (cache off)", iterations,
        t -> viaImageIo(writer, t, side, hints).length, text);
  }

  private static byte[] viaImageIo(QRCodeWriter writer, String text, int side, Map<EncodeHintType, Object> hints) {
    try {
      BitMatrix matrix = writer.encode(text, BarcodeFormat.QR_CODE, side, side, hints);
      ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
      MatrixToImageWriter.writeToStream(matrix, "PNG", out);
      return out.toByteArray();
    } catch (WriterException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(String name, int iterations, ToIntFunction<String> render, String text) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int i = 0; i < iterations; i++) {
      sink += render.applyAsInt(text);
    }
    long cpu0 = threads.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      sink += render.applyAsInt(text);
    }
    long wall = System.nanoTime() - wall0;
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    System.out.printf("  %-58s %8.1f µs CPU  %8.1f µs wall per render  (sink %d)%n",
        name, cpu / 1e3 / iterations, wall / 1e3 / iterations, sink);
  }
}
