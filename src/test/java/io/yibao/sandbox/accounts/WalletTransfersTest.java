package io.yibao.sandbox.accounts;

import io.yibao.sandbox.registry.Personas;
import io.yibao.sandbox.registry.Registry;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The wallet-transfer book from many threads at once, and when the daily return runs. */
class WalletTransfersTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @Test
  void concurrentTransfersNeverOverdrawTheAccount() throws Exception {
    Registry registry = new Registry();
    Personas.add(registry);
    Ledger ledger = new Ledger();
    ledger.open(Personas.EMPLOYEE, 30_000);
    SharingBindings sharing = new SharingBindings(registry, ledger);
    Wallets wallets = new Wallets(1);
    wallets.open(Personas.SPOUSE);
    WalletTransfers transfers = new WalletTransfers(ledger, sharing, wallets);
    ZonedDateTime now = ZonedDateTime.now(SHANGHAI);
    assertEquals(201, sharing.bind(new BindingRequest("b-1", Personas.EMPLOYEE, Personas.SPOUSE, "SPOUSE",
        new SharingUses(true, true, true)), now).status());

    ExecutorService pool = Executors.newFixedThreadPool(10);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String id = "t-" + i;
      answers.add(pool.submit(() -> {
        go.await();
        return transfers.send(id, Personas.EMPLOYEE, Personas.SPOUSE, 10_000, now);
      }));
    }
    go.countDown();
    int ok = 0;
    for (Future<Answer> answer : answers) {
      Answer a = answer.get();
      if (a.ok()) {
        ok++;
      } else {
        assertEquals("INSUFFICIENT_BALANCE", a.error());
      }
    }
    pool.shutdown();
    assertEquals(3, ok);
    assertEquals(0, ledger.balance(Personas.EMPLOYEE));
    assertEquals(30_000, wallets.balance(Personas.SPOUSE));
    assertEquals(3, ledger.entries(Personas.EMPLOYEE).size());
  }

  @Test
  void returnsRunAtTheNextSixOClockBusinessTime() {
    assertEquals(ZonedDateTime.of(2026, 11, 23, 6, 0, 0, 0, SHANGHAI),
        WalletReturns.next(ZonedDateTime.of(2026, 11, 22, 22, 30, 0, 0, SHANGHAI)));
    assertEquals(ZonedDateTime.of(2026, 11, 22, 6, 0, 0, 0, SHANGHAI),
        WalletReturns.next(ZonedDateTime.of(2026, 11, 22, 5, 59, 59, 0, SHANGHAI)));
    assertEquals(ZonedDateTime.of(2026, 11, 23, 6, 0, 0, 0, SHANGHAI),
        WalletReturns.next(ZonedDateTime.of(2026, 11, 22, 6, 0, 0, 0, SHANGHAI)), "just run: tomorrow");
    assertEquals(ZonedDateTime.of(2026, 11, 23, 6, 0, 0, 0, SHANGHAI).toInstant(),
        WalletReturns.next(ZonedDateTime.of(2026, 11, 21, 23, 0, 0, 0, ZoneId.of("UTC"))).toInstant(),
        "23:00 UTC is 07:00 the next day in Shanghai, past that day's run");
  }
}
