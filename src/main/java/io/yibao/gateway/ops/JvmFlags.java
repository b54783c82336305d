package io.yibao.gateway.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;

/**
 * JVM options the gateway wants, checked at start. {@code -XX:-DontCompileHugeMethods}: vertx-json-schema's
 * validator is one method of about 9 300 bytes of bytecode, above HotSpot's 8 000-byte limit, so by default it is
 * never JIT-compiled and every request's contract validation is interpreted (about 28 µs against 7 µs for a small
 * purchase body, measured). The flag lets the JIT compile it; without it the gateway works, only slower.
 */
public final class JvmFlags {

  private static final Logger LOG = LoggerFactory.getLogger(JvmFlags.class);
  public static final String HUGE_METHODS = "-XX:-DontCompileHugeMethods";

  private JvmFlags() {
  }

  /** True when huge methods (the JSON-schema validator) are left to the interpreter. */
  public static boolean hugeMethodsInterpreted() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotspot != null && "true".equals(hotspot.getVMOption("DontCompileHugeMethods").getValue());
    } catch (RuntimeException e) {
      return false; // not HotSpot: nothing to advise
    }
  }

  public static void adviseAtStart() {
    if (hugeMethodsInterpreted()) {
      LOG.warn("JVM started without " + HUGE_METHODS + ": request validation runs interpreted, about 4x slower;"
          + " start the gateway with java " + HUGE_METHODS + " -jar ...");
    }
  }
}
