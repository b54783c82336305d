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
}
