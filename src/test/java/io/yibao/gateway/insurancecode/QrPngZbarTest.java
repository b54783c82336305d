package io.yibao.gateway.insurancecode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.yibao.gateway.insurancecode.QrCodes.CHINESE;
import static io.yibao.gateway.insurancecode.QrCodes.CODE_28;
import static io.yibao.gateway.insurancecode.QrCodes.MIXED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A second, independent decoder: ZBar's {@code zbarimg}, which reads the PNG file with its own image loader
 * rather than ImageIO. Skipped where zbar-tools is not installed ({@code apt-get install -y zbar-tools}).
 */
class QrPngZbarTest {

  private static final String MISSING = "zbarimg not found on PATH, so the QR codes are not checked with a second,"
      + " independent decoder (install zbar-tools: apt-get install -y zbar-tools)";

  private static Optional<Path> zbarimg;

  @TempDir
  Path dir;

  @BeforeAll
  static void findZbarimg() {
    String path = System.getenv("PATH");
    zbarimg = path == null ? Optional.empty()
        : Stream.of(path.split(File.pathSeparator))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "zbarimg"))
            .filter(Files::isExecutable)
            .findFirst();
    if (zbarimg.isEmpty()) {
      // Loud, not silent: a skipped second decoder is a check that did not run.
      System.err.println("QrPngZbarTest SKIPPED: " + MISSING);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {CODE_28, MIXED, CHINESE})
  void zbarimgReadsTheText(String text) throws Exception {
    assumeTrue(zbarimg.isPresent(), MISSING);
    Path png = dir.resolve("code.png");
    Files.write(png, QrPng.render(text));
    assertEquals(text, zbarimg(png));
  }

  private static String zbarimg(Path png) throws IOException, InterruptedException {
    // stderr apart: zbarimg's image loader may complain there (no D-Bus in a container) while the decoded
    // text alone goes to stdout.
    Path stderr = png.resolveSibling("zbarimg.err");
    Process process = new ProcessBuilder(zbarimg.orElseThrow().toString(), "--raw", "-q", png.toString())
        .redirectError(stderr.toFile())
        .start();
    try {
      byte[] out = process.getInputStream().readAllBytes();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "zbarimg did not finish");
      String text = new String(out, StandardCharsets.UTF_8);
      assertEquals(0, process.exitValue(),
          () -> "zbarimg exit status; stdout: " + text + "; stderr: " + read(stderr));
      return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    } finally {
      process.destroyForcibly();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
