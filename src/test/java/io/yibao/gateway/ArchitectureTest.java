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
 * pools, which name every class a class refers to. And inside the gateway, only the typed core clients reach
 * {@code CoreClient} (see {@link #onlyTypedClientsTouchTheCoreClient()}).
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

  /**
   * Only the typed core clients touch {@code CoreClient}: classes named {@code *Client}, the national interface and
   * the {@code core} package itself. Everyone else calls a typed client, with its documented outcomes. The wiring
   * that constructs the typed clients (the {@code *Feature} classes, {@code Infrastructure}, the verticle) may hold
   * {@code CoreClients}, which hands the resilient clients out, and nothing more.
   */
  @Test
  void onlyTypedClientsTouchTheCoreClient() throws IOException {
    // CoreClient itself, not CoreClients: the name followed by anything but another identifier character.
    java.util.regex.Pattern coreClient = java.util.regex.Pattern.compile("io/yibao/gateway/core/CoreClient(?![A-Za-z0-9_$])");
    List<String> offenders = offenders("io/yibao/gateway", text -> coreClient.matcher(text).find()).stream()
        .filter(path -> !mayTouchCoreClient(path.replace('\\', '/'))).toList();
    assertEquals(List.of(), offenders, "reference CoreClient");
    List<String> wiring = offenders("io/yibao/gateway", "io/yibao/gateway/core/CoreClients").stream()
        .map(path -> path.replace('\\', '/'))
        .filter(path -> !mayTouchCoreClient(path) && !isWiring(path)).toList();
    assertEquals(List.of(), wiring, "reference CoreClients");
  }

  /** {@code path} of a compiled class; nested classes and lambdas count as their outer class. */
  private static boolean mayTouchCoreClient(String path) {
    String outer = outer(path);
    String pkg = path.substring(0, path.lastIndexOf('/'));
    return outer.endsWith("Client")
        || pkg.endsWith("io/yibao/gateway/core")
        || (pkg.endsWith("io/yibao/gateway/pharmacy") && PHARMACY.contains(outer));
  }

  private static boolean isWiring(String path) {
    String outer = outer(path);
    return outer.endsWith("Feature") || outer.equals("Infrastructure") || outer.equals("GatewayVerticle")
        || outer.equals("Gateway");
  }

  private static String outer(String path) {
    return path.substring(path.lastIndexOf('/') + 1).replaceAll("[$.].*", "");
  }

  private static final List<String> PHARMACY = List.of("NationalInterface");

  private static List<String> offenders(String packageDir, String forbidden) throws IOException {
    return offenders(packageDir, text -> text.contains(forbidden));
  }

  private static List<String> offenders(String packageDir, java.util.function.Predicate<String> forbidden)
      throws IOException {
    Path root = Path.of("target/classes", packageDir);
    assertTrue(Files.isDirectory(root), "compiled classes expected at " + root);
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".class"))
          .filter(p -> {
            try {
              return forbidden.test(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(Path::toString).sorted().toList();
    }
  }
}
