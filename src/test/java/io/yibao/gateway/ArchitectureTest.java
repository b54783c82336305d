package io.yibao.gateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway reaches the core systems only over HTTP: no class of {@code io.yibao.gateway} refers to
 * {@code io.yibao.sandbox} (so the production gateway could ship without it), and the sandbox, an emulation of
 * other people's systems, does not use the gateway's code either. Checked on the compiled classes' constant
 * pools, which name every class a class refers to.
 */
class ArchitectureTest {

  @Test
  void gatewayNeverReferencesTheSandbox() throws IOException {
    assertEquals(List.of(), offenders("io/yibao/gateway", "io/yibao/sandbox"));
  }

  @Test
  void sandboxNeverReferencesTheGateway() throws IOException {
    assertEquals(List.of(), offenders("io/yibao/sandbox", "io/yibao/gateway"));
  }

  private static List<String> offenders(String packageDir, String forbidden) throws IOException {
    Path root = Path.of("target/classes", packageDir);
    assertTrue(Files.isDirectory(root), "compiled classes expected at " + root);
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".class"))
          .filter(p -> {
            try {
              return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(forbidden);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(Path::toString).sorted().toList();
    }
  }
}
