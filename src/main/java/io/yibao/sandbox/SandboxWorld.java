package io.yibao.sandbox;

import io.yibao.sandbox.accounts.Ledger;
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
 * The sandbox's state shared by its services: who exists (registry), what they hold (personal accounts), which
 * referral documents hospitals issued, and their cross-region filings, which the settlement center reads too.
 * Each service keeps the rest of its own state. Built before serving, off any event loop.
 */
public final class SandboxWorld {

  private final SandboxOptions options;
  private final Registry registry = new Registry();
  private final Ledger ledger = new Ledger();
  private final Referrals referrals = new Referrals();
  private final Filings filings = new Filings(registry, referrals);

  public SandboxWorld(SandboxOptions options) {
    this.options = options;
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

  /** The hospitals' referral documents (转诊单). */
  public Referrals referrals() {
    return referrals;
  }

  /** Cross-region care filings (异地就医备案). */
  public Filings filings() {
    return filings;
  }
}
