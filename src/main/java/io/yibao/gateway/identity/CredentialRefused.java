package io.yibao.gateway.identity;

import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.Map;

/**
 * A presented credential (a sign-in code, a refresh token) was wrong, forged or garbled: the refusal the resident
 * gets, which the endpoint also counts against the client address's failed-authentication budget.
 */
public final class CredentialRefused extends ProblemException {

  CredentialRefused(ProblemCode code, String detail, String field) {
    super(code, detail, field, Map.of());
  }
}
