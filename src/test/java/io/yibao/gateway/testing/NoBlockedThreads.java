package io.yibao.gateway.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Applied to every test (auto-detected): a Vert.x blocked-thread warning logged while a test ran fails that
 * test. Nothing may block an event loop.
 */
public final class NoBlockedThreads implements BeforeEachCallback, AfterEachCallback {

  @Override
  public void beforeEach(ExtensionContext context) {
    LogCapture.clearBlocked();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> warnings = LogCapture.blockedThreadWarnings();
    if (!warnings.isEmpty()) {
      fail("an event loop was blocked during the test: " + warnings.get(0));
    }
  }
}
