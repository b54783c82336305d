package io.yibao.gateway.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The resident scheme refuses scopes loudly, as the terminal scheme refuses what it does not use. */
class ResidentAuthHandlerTest {

  @Test
  void scopesAreRefusedNotSilentlyIgnored() {
    ResidentAuthHandler handler = new ResidentAuthHandler(null, null, null);
    assertEquals(ResidentAuthHandler.NO_SCOPES,
        assertThrows(UnsupportedOperationException.class, () -> handler.withScope("settle")).getMessage());
    assertThrows(UnsupportedOperationException.class, () -> handler.withScopes(List.of("settle")));
    assertThrows(UnsupportedOperationException.class, () -> handler.scopeDelimiter(" "));
  }
}
