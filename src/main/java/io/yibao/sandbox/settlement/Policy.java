package io.yibao.sandbox.settlement;

import java.util.Map;

/**
 * Outpatient pharmacy benefits of one insurance type (险种) for one calendar year: the deductible (起付线), the
 * fund's share of what is eligible above it (报销比例, basis points) and the yearly ceiling of fund payments
 * (年度最高支付限额). Care away from the insured pooling area is paid at its own ratios: filed (已备案) and,
 * lower, unfiled (未备案). Amounts in fen.
 */
public record Policy(String insutype, long deductibleFen, int ratioBp, long annualCapFen, int remoteFiledRatioBp,
                     int remoteUnfiledRatioBp) {

  /** 310 职工基本医疗保险: deductible 200 yuan, 70 % (away from home filed 70 %, unfiled 50 %), 20 000 yuan a year. */
  public static final Policy EMPLOYEE = new Policy("310", 20_000, 7_000, 2_000_000, 7_000, 5_000);
  /** 390 城乡居民基本医疗保险: deductible 100 yuan, 50 % (filed 50 %, unfiled 30 %), 3 000 yuan a year. */
  public static final Policy RESIDENT = new Policy("390", 10_000, 5_000, 300_000, 5_000, 3_000);

  public Policy {
    if (deductibleFen < 0 || annualCapFen < 0 || !ratio(ratioBp) || !ratio(remoteFiledRatioBp)
        || !ratio(remoteUnfiledRatioBp) || remoteUnfiledRatioBp > remoteFiledRatioBp) {
      throw new IllegalArgumentException("policy out of range for insutype " + insutype);
    }
  }

  /** The policy defaults by insutype. */
  public static Map<String, Policy> defaults() {
    return Map.of(EMPLOYEE.insutype(), EMPLOYEE, RESIDENT.insutype(), RESIDENT);
  }

  private static boolean ratio(int bp) {
    return bp >= 0 && bp <= 10_000;
  }
}
