package io.yibao.sandbox;

import io.yibao.sandbox.accounts.Ledger;
import io.yibao.sandbox.accounts.SharingBindings;
import io.yibao.sandbox.accounts.WalletTransfers;
import io.yibao.sandbox.accounts.Wallets;
import io.yibao.sandbox.filing.Filings;
import io.yibao.sandbox.filing.Referral;
import io.yibao.sandbox.filing.Referrals;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Personas;
import io.yibao.sandbox.registry.Population;
import io.yibao.sandbox.registry.Registry;

import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * The sandbox's state shared by its services: who exists (registry), what they hold (personal accounts, insurance
 * wallets), whose account pays for whom (family-sharing bindings, which the settlement center reads), the wallet
 * transfers, which referral documents hospitals issued, and their cross-region filings, which the settlement
 * center reads too.
 * Each service keeps the rest of its own state. Built before serving, off any event loop.
 */
public final class SandboxWorld {

  private final SandboxOptions options;
  private final Registry registry = new Registry();
  private final Ledger ledger = new Ledger();
  private final SharingBindings sharing = new SharingBindings(registry, ledger);
  private final Wallets wallets;
  private final WalletTransfers walletTransfers;
  private final Referrals referrals = new Referrals();
  private final Filings filings = new Filings(registry, referrals);

  public SandboxWorld(SandboxOptions options) {
    this.options = options;
    this.wallets = new Wallets(options.seed());
    this.walletTransfers = new WalletTransfers(ledger, sharing, wallets);
    Personas.add(registry);
    Population.generate(options.seed(), options.population(), registry);
    SplittableRandom random = new SplittableRandom(options.seed() ^ 0x5eedL);
    for (String psnNo : registry.psnNos()) {
      Person p = registry.person(psnNo);
      if (p.employee()) {
        ledger.open(psnNo, 20_000 + random.nextLong(800_000));
      }
    }
    ledger.open(Personas.EMPLOYEE, Personas.EMPLOYEE_BALANCE);
    ledger.open(Personas.FATHER, Personas.FATHER_BALANCE);
    for (String psnNo : new String[] {Personas.EMPLOYEE, Personas.SPOUSE, Personas.CHILD, Personas.FATHER,
        Personas.SISTER}) {
      wallets.open(psnNo);
    }
    wallets.set(Personas.LAPSED_RESIDENT, Wallets.Status.NONE, false, null);
    referrals.add(new Referral(Personas.FATHER_REFERRAL, Personas.FATHER, Personas.DEMO_HOSPITAL,
        Personas.FATHER_REFERRAL_DESTINATION, LocalDate.now(Filings.BUSINESS_ZONE)));
  }

  public SandboxOptions options() {
    return options;
  }

  public Registry registry() {
    return registry;
  }

  public Ledger ledger() {
    return ledger;
  }

  /** Family-sharing bindings (家庭共济): whose personal account pays for whom. */
  public SharingBindings sharing() {
    return sharing;
  }

  /** Insurance wallets (医保钱包). */
  public Wallets wallets() {
    return wallets;
  }

  /** Transfers from sharers' personal accounts into relatives' wallets. */
  public WalletTransfers walletTransfers() {
    return walletTransfers;
  }

  /** The hospitals' referral documents (转诊单). */
  public Referrals referrals() {
    return referrals;
  }

  /** Cross-region care filings (异地就医备案). */
  public Filings filings() {
    return filings;
  }
}
