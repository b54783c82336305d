package io.yibao.gateway.family;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An invitation's status in time: pending until its expiry, expired from then on; an answer is kept as it is. */
class InvitationTest {

  static Invitation of(Invitation.Status status) {
    return new Invitation("id", "acct", "sharer", "李*", "member", "李**", "SIBLING", FamilySharingClient.Uses.ALL,
        status, 1_000, 8_000, null);
  }

  @Test
  void aPendingInvitationExpiresAtItsTime() {
    assertEquals(Invitation.Status.PENDING, of(Invitation.Status.PENDING).status(7_999));
    assertEquals(Invitation.Status.EXPIRED, of(Invitation.Status.PENDING).status(8_000));
    assertEquals(Invitation.Status.BOUND, of(Invitation.Status.BOUND).status(9_000));
    assertEquals(Invitation.Status.DECLINED, of(Invitation.Status.DECLINED).status(9_000));
  }

  @Test
  void itsHashGivesItBack() {
    Invitation inv = of(Invitation.Status.PENDING);
    assertEquals(inv, Invitation.fromHash("id", inv.toHash()));
  }
}
