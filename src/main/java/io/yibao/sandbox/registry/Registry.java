package io.yibao.sandbox.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The person registry's state: persons by psn_no, mobile and ID number; households; kinship recorded across
 * households (a married-out sister, parents living apart); designated pharmacies. Built before the sandbox
 * serves and read-only afterwards except for {@link #setStatus}, so it is safe to read from any thread.
 */
public final class Registry {

  private final Map<String, Person> byPsnNo = new HashMap<>();
  private final Map<String, Person> byMobile = new HashMap<>();
  private final Map<String, Person> byIdNumber = new HashMap<>();
  private final Map<String, Household> households = new HashMap<>();
  private final Map<String, Pharmacy> pharmacies = new HashMap<>();
  private final Map<String, Pharmacy> pharmacyByTerminal = new HashMap<>();
  private final List<String> psnNos = new ArrayList<>();
  /** Kinship across households: psn_no → (relative's psn_no → what the relative is to them), in recording order. */
  private final Map<String, Map<String, Household.Relation>> kinship = new HashMap<>();
  private final Map<String, String> statusOverrides = new java.util.concurrent.ConcurrentHashMap<>();

  public void addHousehold(String id, List<Person> members) {
    List<String> ids = new ArrayList<>();
    for (Person p : members) {
      byPsnNo.put(p.psnNo(), p);
      psnNos.add(p.psnNo());
      if (p.mobile() != null) {
        byMobile.put(p.mobile(), p);
      }
      byIdNumber.put(p.idNumber(), p);
      ids.add(p.psnNo());
    }
    households.put(id, new Household(id, List.copyOf(ids)));
  }

  public void addPharmacy(Pharmacy pharmacy) {
    pharmacies.put(pharmacy.fixmedinsCode(), pharmacy);
    pharmacy.terminalIds().forEach(t -> pharmacyByTerminal.put(t, pharmacy));
  }

  public Person person(String psnNo) {
    Person p = byPsnNo.get(psnNo);
    if (p == null) {
      return null;
    }
    String status = statusOverrides.get(psnNo);
    return status == null ? p : new Person(p.psnNo(), p.name(), p.idNumber(), p.gender(), p.birthDate(), p.mobile(),
        p.insuType(), p.insuAdmdvs(), status, p.retired(), p.householdId(), p.role(), p.lastPaidYear());
  }

  public Person byMobile(String mobile) {
    Person p = byMobile.get(mobile);
    return p == null ? null : person(p.psnNo());
  }

  public Person byIdNumber(String idNumber) {
    Person p = byIdNumber.get(idNumber == null ? null : idNumber.toUpperCase());
    return p == null ? null : person(p.psnNo());
  }

  public Household household(String id) {
    return households.get(id);
  }

  /** Members of {@code psnNo}'s household other than themselves, with what each is to them (null: not close). */
  public Map<Person, Household.Relation> relatives(String psnNo) {
    Person self = person(psnNo);
    if (self == null) {
      return Map.of();
    }
    Map<Person, Household.Relation> out = new java.util.LinkedHashMap<>();
    for (String other : households.get(self.householdId()).members()) {
      if (!other.equals(psnNo)) {
        Person o = person(other);
        out.put(o, Household.relation(self.role(), o.role()));
      }
    }
    return out;
  }

  /**
   * Records that {@code b} is {@code relationOfBToA} to {@code a}, and so the inverse of it {@code a} to {@code b}:
   * {@code addKinship(me, myFather, PARENT)} also makes me his CHILD.
   */
  public void addKinship(String a, String b, Household.Relation relationOfBToA) {
    if (a.equals(b) || !byPsnNo.containsKey(a) || !byPsnNo.containsKey(b)) {
      throw new IllegalArgumentException("kinship needs two registered persons: " + a + ", " + b);
    }
    kinship.computeIfAbsent(a, k -> new java.util.LinkedHashMap<>()).put(b, relationOfBToA);
    kinship.computeIfAbsent(b, k -> new java.util.LinkedHashMap<>()).put(a, relationOfBToA.inverse());
  }

  /**
   * The person's close relatives (近亲属) wherever they live: household members with a relation, then kinship
   * recorded across households. Empty for an unknown person.
   */
  public Map<Person, Household.Relation> kin(String psnNo) {
    Map<Person, Household.Relation> out = new java.util.LinkedHashMap<>();
    relatives(psnNo).forEach((p, relation) -> {
      if (relation != null) {
        out.put(p, relation);
      }
    });
    kinship.getOrDefault(psnNo, Map.of()).forEach((other, relation) -> out.putIfAbsent(person(other), relation));
    return out;
  }

  public Pharmacy pharmacy(String fixmedinsCode) {
    return pharmacies.get(fixmedinsCode);
  }

  public Pharmacy pharmacyOfTerminal(String terminalId) {
    return pharmacyByTerminal.get(terminalId);
  }

  public List<Pharmacy> pharmacies() {
    return List.copyOf(pharmacies.values());
  }

  /** Every psn_no in generation order (load tests pick people from here). */
  public List<String> psnNos() {
    return Collections.unmodifiableList(psnNos);
  }

  public int size() {
    return byPsnNo.size();
  }

  /** Marks a person ACTIVE, SUSPENDED (参保暂停) or DECEASED. */
  public void setStatus(String psnNo, String status) {
    statusOverrides.put(psnNo, status);
  }
}
