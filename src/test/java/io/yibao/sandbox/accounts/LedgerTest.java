package io.yibao.sandbox.accounts;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger answers what became of a debit by its id, and a voided debit id never moves money. */
class LedgerTest {

  @Test
  void aDebitIsFoundByItsId() {
    Ledger ledger = new Ledger();
    ledger.open("p1", 10_000);
    assertNull(ledger.debitState("d1"), "never sent");
    assertTrue(ledger.debit("d1", "p1", 4_000, "CONTRIBUTION", "").ok());
    assertEquals("DEBITED", ledger.debitState("d1"));
    assertEquals("DEBITED", ledger.voidDebit("d1"), "too late to void: it happened");
    assertEquals(6_000, ledger.balance("p1"));
  }

  @Test
  void aRefusedDebitLeavesNoTrace() {
    Ledger ledger = new Ledger();
    ledger.open("p1", 100);
    assertFalse(ledger.debit("d1", "p1", 4_000, "CONTRIBUTION", "").ok());
    assertNull(ledger.debitState("d1"));
  }

  @Test
  void aVoidedDebitIdIsRefusedWhenItArrivesLate() {
    Ledger ledger = new Ledger();
    ledger.open("p1", 10_000);
    assertEquals("VOIDED", ledger.voidDebit("d1"));
    assertEquals("VOIDED", ledger.voidDebit("d1"), "voiding again is fine");
    Ledger.Result late = ledger.debit("d1", "p1", 4_000, "CONTRIBUTION", "");
    assertFalse(late.ok());
    assertEquals("VOIDED", late.error());
    assertEquals("VOIDED", ledger.debitState("d1"));
    assertEquals(10_000, ledger.balance("p1"), "nothing moved");
  }

  @Test
  void debitsTogetherMoveAllOrNothing() {
    Ledger ledger = new Ledger();
    ledger.open("self", 1_000);
    ledger.open("sharer", 500);
    Ledger.Result refused = ledger.debitTogether(java.util.List.of(
        new Ledger.Debit("s:1", "self", 1_000, "SETTLEMENT", "", null),
        new Ledger.Debit("s:1:mulaid", "sharer", 501, "FAMILY_SHARING", "", "self")));
    assertEquals("INSUFFICIENT_BALANCE", refused.error());
    assertEquals(1_000, ledger.balance("self"), "the first debit did not happen either");
    assertNull(ledger.debitState("s:1"));

    assertTrue(ledger.debitTogether(java.util.List.of(
        new Ledger.Debit("s:2", "self", 1_000, "SETTLEMENT", "", null),
        new Ledger.Debit("s:2:mulaid", "sharer", 500, "FAMILY_SHARING", "", "self"))).ok());
    assertEquals(0, ledger.balance("self"));
    assertEquals(0, ledger.balance("sharer"));
    assertEquals("self", ledger.entries("sharer").get(0).counterpartPsnNo());
    assertEquals("self", ledger.entries("sharer").get(0).toJson().getString("counterpartPsnNo"));
    assertFalse(ledger.entries("self").get(0).toJson().containsKey("counterpartPsnNo"), "only where there is one");
  }
}
