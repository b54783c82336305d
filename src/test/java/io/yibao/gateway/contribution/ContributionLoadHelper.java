package io.yibao.gateway.contribution;

import io.yibao.gateway.testing.TestSandbox;
import io.yibao.sandbox.registry.Household;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Registry;

import java.util.List;
import java.util.Map;

/** People of the sandbox's generated population that contribution tests need. */
final class ContributionLoadHelper {

  private ContributionLoadHelper() {
  }

  static Registry registry() {
    return TestSandbox.shared().world().registry();
  }

  /** Active adult residents (390) with a phone, skipping the first {@code skip}. */
  static List<Person> residentPayers(int count, int skip) {
    Registry registry = registry();
    return registry.psnNos().stream().map(registry::person)
        .filter(p -> !p.employee() && p.mobile() != null && "ACTIVE".equals(p.status())
            && !p.psnNo().startsWith("1100000000000000000"))
        .skip(skip).limit(count).toList();
  }

  /**
   * An employee with a phone and a resident close relative in the household: {employee, relative}. Each relative
   * comes once in the enumeration (two employees of one household share their relatives), so different
   * {@code skip}s never pay for the same person.
   */
  static Person[] employeeWithResidentRelative(int skip) {
    Registry registry = registry();
    java.util.Set<String> seen = new java.util.HashSet<>();
    return registry.psnNos().stream().map(registry::person)
        .filter(p -> p.employee() && p.mobile() != null && !p.psnNo().startsWith("1100000000000000000"))
        .map(p -> {
          for (Map.Entry<Person, Household.Relation> e : registry.relatives(p.psnNo()).entrySet()) {
            if (e.getValue() != null && !e.getKey().employee() && "ACTIVE".equals(e.getKey().status())
                && seen.add(e.getKey().psnNo())) {
              return new Person[] {p, e.getKey()};
            }
          }
          return null;
        })
        .filter(x -> x != null).skip(skip).findFirst().orElseThrow();
  }
}
