package io.yibao.sandbox.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.List;

/**
 * The demo's cast, always present whatever the seed, listed in the README and served at
 * {@code GET /_sandbox/personas}: an employee with a personal-account balance, her husband, their child under
 * 16, her retired father; her sister in a household of her own (kin across households, for family sharing);
 * a resident who did not pay last year; a pharmacy with two terminals in Beijing, where
 * they are all insured, and one in Shanghai, where the father's referral document sends him (care away from home).
 */
public final class Personas {

  public static final String EMPLOYEE = "11000000000000000001";
  public static final String FATHER = "11000000000000000002";
  public static final String CHILD = "11000000000000000003";
  public static final String SPOUSE = "11000000000000000005";
  public static final String LAPSED_RESIDENT = "11000000000000000004";
  /** The employee's sister, a resident in another household: bound for family sharing only with her consent. */
  public static final String SISTER = "11000000000000000006";
  public static final String PHARMACY = "P11010500001";
  public static final List<String> TERMINALS = List.of("T11010500001-01", "T11010500001-02");
  /** A pharmacy away from the cast's home pooling area (Beijing): 上海市徐汇区. */
  public static final String REMOTE_PHARMACY = "P31010400001";
  public static final List<String> REMOTE_TERMINALS = List.of("T31010400001-01", "T31010400001-02");
  /** The hospital that issues the demo's referral documents (转诊单). */
  public static final String DEMO_HOSPITAL = "朝阳区示范医院";
  /** The father's referral to Shanghai, issued when the world is built, for a REFERRAL filing on documents. */
  public static final String FATHER_REFERRAL = "ZZ110105-DEMO-0001";
  public static final String FATHER_REFERRAL_DESTINATION = "310000";
  /** Opening personal-account balances in fen. */
  public static final long EMPLOYEE_BALANCE = 356_780;
  public static final long FATHER_BALANCE = 128_000;

  private Personas() {
  }

  public static void add(Registry registry) {
    int year = Population.currentYear();
    LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"));
    String h1 = "H-DEMO-1";
    registry.addHousehold(h1, List.of(
        person(EMPLOYEE, "李秀英", 2, LocalDate.of(1988, 3, 15), "13800000001", Person.EMPLOYEE, false, h1,
            Household.Role.HEAD, 0),
        person(SPOUSE, "张伟", 1, LocalDate.of(1986, 7, 2), "13800000005", Person.RESIDENT, false, h1,
            Household.Role.SPOUSE, year),
        person(CHILD, "张小雨", 2, today.minusYears(8).withDayOfYear(140), null, Person.RESIDENT, false, h1,
            Household.Role.CHILD, year),
        person(FATHER, "李建国", 1, LocalDate.of(1958, 10, 1), "13800000002", Person.EMPLOYEE, true, h1,
            Household.Role.HEAD_PARENT, 0)));
    String h2 = "H-DEMO-2";
    registry.addHousehold(h2, List.of(
        person(LAPSED_RESIDENT, "王芳", 2, LocalDate.of(1979, 12, 9), "13800000004", Person.RESIDENT, false, h2,
            Household.Role.HEAD, year - 1)));
    String h3 = "H-DEMO-3";
    registry.addHousehold(h3, List.of(
        person(SISTER, "李秀兰", 2, LocalDate.of(1992, 5, 20), "13800000006", Person.RESIDENT, false, h3,
            Household.Role.HEAD, year)));
    registry.addKinship(EMPLOYEE, SISTER, Household.Relation.SIBLING);
    registry.addPharmacy(new Pharmacy(PHARMACY, "朝阳区幸福大药房", "110105", TERMINALS));
    registry.addPharmacy(new Pharmacy(REMOTE_PHARMACY, "徐汇区康健大药房", "310104", REMOTE_TERMINALS));
  }

  private static Person person(String psnNo, String name, int gender, LocalDate birth, String mobile, String type,
                               boolean retired, String household, Household.Role role, int lastPaid) {
    String seq = gender == 1 ? "011" : "022";
    String id = IdNumbers.withCheck("110105" + birth.toString().replace("-", "") + seq);
    return new Person(psnNo, name, id, gender, birth, mobile, type, "110105", "ACTIVE", retired, household, role,
        lastPaid);
  }

  /**
   * The cast as JSON, with the roles they play in the walkthrough. {@code referrals} are the hospital's referral
   * documents of the cast (the father's to Shanghai).
   */
  public static JsonObject toJson(Registry registry, JsonArray catalogueSamples, String demoTerminalSecret,
                                  JsonArray referrals) {
    JsonArray persons = new JsonArray();
    addRole(persons, registry, EMPLOYEE, "employee (职工) with a personal-account balance; signs in, pays for family");
    addRole(persons, registry, SPOUSE, "her husband, a resident (城乡居民)");
    addRole(persons, registry, CHILD, "their child under 16: added to the family account by household relation");
    addRole(persons, registry, FATHER, "her retired father, an employee with his own personal account");
    addRole(persons, registry, SISTER, "her sister, in another household: bound only after accepting in her own app");
    addRole(persons, registry, LAPSED_RESIDENT, "a resident who did not pay last year: paying now brings a waiting period");
    Pharmacy pharmacy = registry.pharmacy(PHARMACY);
    JsonObject pharmacyJson = pharmacy.toJson()
        .put("terminalId", TERMINALS.get(0))
        .put("demoTerminalSecret", demoTerminalSecret);
    // Only the Beijing pharmacy's terminals are registered with the demo secret; this one settles through the
    // sandbox's national interface, to show care away from home.
    JsonObject remotePharmacy = registry.pharmacy(REMOTE_PHARMACY).toJson()
        .put("role", "a pharmacy in Shanghai: away from the cast's home, paid at the filed or the unfiled ratio");
    return new JsonObject().put("persons", persons).put("pharmacy", pharmacyJson)
        .put("remotePharmacy", remotePharmacy).put("referrals", referrals).put("catalogue", catalogueSamples);
  }

  private static void addRole(JsonArray out, Registry registry, String psnNo, String role) {
    Person p = registry.person(psnNo);
    out.add(new JsonObject().put("psnNo", p.psnNo()).put("name", p.name()).put("idNumber", p.idNumber())
        .put("phone", p.mobile()).put("insuType", p.insuType()).put("role", role));
  }
}
