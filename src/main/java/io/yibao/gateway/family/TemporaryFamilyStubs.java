package io.yibao.gateway.family;

import io.yibao.gateway.http.Operations;
import io.yibao.gateway.http.ProblemCode;
import io.yibao.gateway.http.ProblemException;

import java.util.List;

/**
 * TEMPORARY, to be dropped at the merge with FamilyFeature: the router refuses to start while a contract operation
 * has no handler, and the family bindings' operations are written on another branch. Each answers 404.
 */
final class TemporaryFamilyStubs {

  private static final List<String> OPERATIONS = List.of("listFamily", "setFamilyUses", "endFamilyBinding",
      "inviteFamilyMember", "listFamilyInvitations", "listIncomingFamilyInvitations", "acceptFamilyInvitation",
      "declineFamilyInvitation", "listFamilyAccountUses");

  private TemporaryFamilyStubs() {
  }

  static void register(Operations operations) {
    OPERATIONS.forEach(id -> operations.on(id, rc -> rc.fail(new ProblemException(ProblemCode.NOT_FOUND,
        "Not on this branch yet"))));
  }
}
