package io.yibao.sandbox.registry;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates the registry's people deterministically from a seed: households of a head, maybe a spouse, children
 * and the head's parents; employees (310) and residents (390) with realistic ages, valid ID numbers, unique
 * mobiles, residents' contribution histories (most paid up, some a year behind, some lapsed for years, newborns
 * never paid), and a few kinship records between households. A million persons take a few seconds and a few
 * hundred MB.
 */
public final class Population {

  static final String[] DISTRICTS = {"110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
      "110112", "110113", "110114", "110115"};
  private static final String[] SURNAMES = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡",
      "朱", "高", "林", "何", "郭", "马", "罗", "欧阳", "司马"};
  private static final String[] GIVEN = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
      "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "玉兰", "子涵", "浩然", "一诺", "欣怡"};

  private Population() {
  }

  /** The year contributions are current for: this year in Asia/Shanghai. */
  public static int currentYear() {
    return LocalDate.now(ZoneId.of("Asia/Shanghai")).getYear();
  }

  public static void generate(long seed, int size, Registry registry) {
    TAKEN.get().clear();
    registry.psnNos().forEach(psnNo -> TAKEN.get().add(registry.person(psnNo).idNumber()));
    try {
      fill(seed, size, registry);
      kinship(seed, size, registry);
    } finally {
      TAKEN.remove();
    }
  }

  private static void fill(long seed, int size, Registry registry) {
    SplittableRandom random = new SplittableRandom(seed);
    int year = currentYear();
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
    int index = 0;
    int householdNo = 0;
    while (index < size) {
      String householdId = "H" + String.format("%09d", ++householdNo);
      String district = DISTRICTS[random.nextInt(DISTRICTS.length)];
      String surname = SURNAMES[random.nextInt(SURNAMES.length)];
      List<Person> members = new ArrayList<>();
      int headAge = 25 + random.nextInt(46);
      LocalDate headBirth = birth(random, today, headAge);
      members.add(person(random, index++, surname, headBirth, district, householdId, Household.Role.HEAD, year, today));
      if (index < size && random.nextInt(10) < 7) {
        LocalDate b = birth(random, today, Math.max(20, headAge - 5 + random.nextInt(11)));
        members.add(person(random, index++, SURNAMES[random.nextInt(SURNAMES.length)], b, district, householdId,
            Household.Role.SPOUSE, year, today));
      }
      int children = random.nextInt(4);
      for (int c = 0; c < children && index < size && headAge > 22; c++) {
        int childAge = random.nextInt(Math.min(30, headAge - 20));
        members.add(person(random, index++, surname, birth(random, today, childAge), district, householdId,
            Household.Role.CHILD, year, today));
      }
      if (index < size && headAge < 55 && random.nextInt(10) < 3) {
        members.add(person(random, index++, surname, birth(random, today, headAge + 22 + random.nextInt(12)),
            district, householdId, Household.Role.HEAD_PARENT, year, today));
      }
      registry.addHousehold(householdId, members);
    }
    int pharmacies = Math.max(5, size / 2000);
    for (int i = 1; i <= pharmacies; i++) {
      String district = DISTRICTS[i % DISTRICTS.length];
      String code = "P" + district + String.format("%05d", 100 + i);
      registry.addPharmacy(new Pharmacy(code, "第" + i + "大药房", district, List.of(code + "-01", code + "-02")));
    }
  }

  /**
   * A few kinship records between heads of different generated households: a parent 20 or more years older, else
   * a sibling. From a random stream of their own, so the people generated are the same with or without them.
   */
  private static void kinship(long seed, int size, Registry registry) {
    List<Person> heads = registry.psnNos().stream().map(registry::person)
        .filter(p -> p.role() == Household.Role.HEAD && !p.householdId().startsWith("H-DEMO")).toList();
    if (heads.size() < 2) {
      return;
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x6b696eL);
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
    int records = Math.max(5, size / 400);
    for (int i = 0; i < records; i++) {
      Person a = heads.get(random.nextInt(heads.size()));
      Person b = heads.get(random.nextInt(heads.size()));
      if (a.psnNo().equals(b.psnNo()) || registry.kin(a.psnNo()).containsKey(b)) {
        continue;
      }
      int gap = a.ageOn(today) - b.ageOn(today);
      registry.addKinship(a.psnNo(), b.psnNo(), gap <= -20 ? Household.Relation.PARENT
          : gap >= 20 ? Household.Relation.CHILD : Household.Relation.SIBLING);
    }
  }

  /** ID numbers handed out in this generation (and the personas'): every person's must be unique. */
  private static final ThreadLocal<java.util.Set<String>> TAKEN = ThreadLocal.withInitial(java.util.HashSet::new);

  /** The first free ID number for this region and birth date, from sequence {@code seq}, keeping its parity (sex). */
  private static String uniqueId(String regionAndBirth, int seq) {
    java.util.Set<String> taken = TAKEN.get();
    for (int s = seq % 1000; ; s = (s + 2) % 1000) {
      String id = IdNumbers.withCheck(regionAndBirth + String.format("%03d", s));
      if (taken.add(id)) {
        return id;
      }
    }
  }

  private static LocalDate birth(SplittableRandom random, LocalDate today, int age) {
    return today.minusYears(age).minusDays(1 + random.nextInt(364));
  }

  private static Person person(SplittableRandom random, int index, String surname, LocalDate birth, String district,
                               String householdId, Household.Role role, int year, LocalDate today) {
    int gender = 1 + random.nextInt(2);
    String name = surname + GIVEN[random.nextInt(GIVEN.length)];
    int seq = (index % 500) * 2 + (gender == 1 ? 1 : 0);
    String id = uniqueId(district + birth.toString().replace("-", ""), seq);
    int age = java.time.Period.between(birth, today).getYears();
    String mobile = age >= 16 ? "139" + String.format("%08d", (index * 7919L) % 100_000_000L) : null;
    boolean employee = age >= 18 && age < 60 ? random.nextInt(10) < 6 : age >= 60 && random.nextInt(10) < 4;
    boolean retired = employee && age >= 60;
    int lastPaid = 0;
    if (!employee) {
      int roll = random.nextInt(100);
      lastPaid = roll < 85 ? year : roll < 93 ? year - 1 : roll < 97 ? year - 4 : year - 2;
      if (birth.getYear() == year) {
        lastPaid = 0; // newborn: never paid, exempt from waiting periods
      }
    }
    String psnNo = "11" + String.format("%018d", 1000L + index);
    return new Person(psnNo, name, id, gender, birth, mobile, employee ? Person.EMPLOYEE : Person.RESIDENT,
        district, "ACTIVE", retired, householdId, role, lastPaid);
  }
}
