package io.yibao.sandbox.settlement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The split, checked against arithmetic done by hand. Employee 310: deductible 20 000, 70 %, cap 2 000 000;
 * resident 390: deductible 10 000, 50 %, cap 300 000 (fen). 乙 first self-pay rounds half up; the fund's share
 * rounds down.
 */
class PolicyEngineTest {

  private static final long NO_ACCOUNT = -1;

  // 甲
  private static final String OMEPRAZOLE = "XA02BCA211A001010101467";
  private static final String AMOXICILLIN = "XJ01CAA040E001010100113";
  private static final String BANLANGEN = "ZA04BAB0046010104578";
  private static final String ERYTHROMYCIN = "XD06AXH082F002010100659";
  // 乙, first self-pay share in brackets
  private static final String ATORVASTATIN = "XC10AAA199A001010103152"; // 10 %
  private static final String LOSARTAN = "XC09CAL046A001010102034"; // 5 %
  private static final String SMECTITE = "XA07BCM121B001010100886"; // 5 %
  private static final String CEFIXIME = "XJ01DDT030E001010101311"; // 20 %
  private static final String BUDESONIDE = "XR03BAB046L001010102457"; // 20 %
  private static final String GLARGINE = "XA10AEG085B002010101903"; // 5 %
  private static final String LIANHUA = "ZA01AAL0370010101892"; // 10 %
  private static final String YUNNAN_BAIYAO = "ZA16CAY0512020103365"; // 15 %
  // 丙
  private static final String VITAMIN_C = "XA11GAW013B022010103320";
  private static final String BP_MONITOR = "C02030100100002014479";

  /** Expected split, in the national fields' order, plus the part of the deductible this purchase used. */
  record Expected(long medfee, long fulamtOwnpay, long preselfpay, long inscp, long deductibleApplied, long hifp,
                  long psnPart, long acctPay, long cash, long balc) {
  }

  record Row(String name, Policy policy, List<PolicyEngine.Line> lines, PolicyEngine.YearToDate used,
             long balance, boolean useAccount, Expected expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        // 甲 2×2180=4360; 乙 3560, pre 3560×10%=356, in scope 3204; 丙 2590.
        // medfee 10510, inscp 4360+3204=7564, all of it to the deductible (20000 left) → fund 0;
        // part 10510, account 356780 pays it all → balc 346270.
        new Row("employee, 甲/乙/丙 mix, deductible not reached, account pays", Policy.EMPLOYEE,
            lines(OMEPRAZOLE, 2, 2_180, ATORVASTATIN, 1, 3_560, VITAMIN_C, 1, 2_590), ytd(0, 0), 356_780, true,
            new Expected(10_510, 2_590, 356, 7_564, 7_564, 0, 10_510, 10_510, 0, 346_270)),
        // 甲 2×2180=4360 = exactly the 20000−15640 left of the deductible → fund 0; account not used:
        // cash 4360, balc stays 356780.
        new Row("employee, deductible exactly reached, account not used", Policy.EMPLOYEE,
            lines(OMEPRAZOLE, 2, 2_180), ytd(15_640, 0), 356_780, false,
            new Expected(4_360, 0, 0, 4_360, 4_360, 0, 4_360, 0, 4_360, 356_780)),
        // 甲 3×1250=3750; 乙 2×4650=9300, pre 20%=1860, in scope 7440. inscp 11190, deductible used up →
        // fund floor(11190×0.7)=7833; part 13050−7833=5217 from the account → balc 356780−5217=351563.
        new Row("employee, deductible already used up", Policy.EMPLOYEE,
            lines(AMOXICILLIN, 3, 1_250, CEFIXIME, 2, 4_650), ytd(20_000, 50_000), 356_780, true,
            new Expected(13_050, 0, 1_860, 11_190, 0, 7_833, 5_217, 5_217, 0, 351_563)),
        // 乙 3×2950=8850, pre 5% = 442.5 → 443 (half up), in scope 8407. Deductible left 2000 → eligible 6407,
        // fund floor(6407×0.7=4484.9)=4484; part 8850−4484=4366; balance 1000 pays 1000, cash 3366, balc 0.
        new Row("employee, deductible crossed, balance short", Policy.EMPLOYEE,
            lines(LOSARTAN, 3, 2_950), ytd(18_000, 0), 1_000, true,
            new Expected(8_850, 0, 443, 8_407, 2_000, 4_484, 4_366, 1_000, 3_366, 0)),
        // 乙 2×1380=2760, pre 5%=138, in scope 2622; 甲 1500. inscp 4122 < deductible 10000 → fund 0;
        // no personal account: the flag changes nothing, cash 4260, balc 0.
        new Row("resident without account asks for the account", Policy.RESIDENT,
            lines(SMECTITE, 2, 1_380, BANLANGEN, 1, 1_500), ytd(0, 0), NO_ACCOUNT, true,
            new Expected(4_260, 0, 138, 4_122, 4_122, 0, 4_260, 0, 4_260, 0)),
        // 乙 2×1980=3960, pre 10%=396, in scope 3564; 甲 350. inscp 3914, deductible used up →
        // fund floor(3914×0.5)=1957; part 4310−1957=2353 cash.
        new Row("resident, deductible used up", Policy.RESIDENT,
            lines(LIANHUA, 2, 1_980, ERYTHROMYCIN, 1, 350), ytd(10_000, 20_000), NO_ACCOUNT, false,
            new Expected(4_310, 0, 396, 3_914, 0, 1_957, 2_353, 0, 2_353, 0)),
        // 乙 3×7560=22680, pre 20%=4536, in scope 18144 → 50% = 9072, but only 300000−299000=1000 of the cap
        // is left: fund 1000; part 22680−1000=21680 cash.
        new Row("resident, annual cap partly exhausted", Policy.RESIDENT,
            lines(BUDESONIDE, 3, 7_560), ytd(10_000, 299_000), NO_ACCOUNT, false,
            new Expected(22_680, 0, 4_536, 18_144, 0, 1_000, 21_680, 0, 21_680, 0)),
        // 乙 2×17800=35600, pre 5%=1780, in scope 33820; cap 2000000 already paid → fund 0;
        // part 35600 from the account → balc 356780−35600=321180.
        new Row("employee, annual cap fully used", Policy.EMPLOYEE,
            lines(GLARGINE, 2, 17_800), ytd(20_000, 2_000_000), 356_780, true,
            new Expected(35_600, 0, 1_780, 33_820, 0, 0, 35_600, 35_600, 0, 321_180)),
        // 丙 19800 + 2×2590=5180 → medfee 24980 all self-paid, nothing in scope, deductible untouched;
        // balance 20000 pays 20000, cash 4980, balc 0.
        new Row("employee, only 丙 items, balance short", Policy.EMPLOYEE,
            lines(BP_MONITOR, 1, 19_800, VITAMIN_C, 2, 2_590), ytd(5_000, 0), 20_000, true,
            new Expected(24_980, 24_980, 0, 0, 0, 0, 24_980, 20_000, 4_980, 0)),
        // 乙 at a shop price of 4503 (not the catalogue's 4500): pre 15% = 675.45 → 675 (half up rounds .45
        // down), in scope 3828 → fund floor(3828×0.7=2679.6)=2679; part 1824; empty account pays 0.
        new Row("employee, rounding: first self-pay half up, fund down, empty account", Policy.EMPLOYEE,
            lines(YUNNAN_BAIYAO, 1, 4_503), ytd(20_000, 0), 0, true,
            new Expected(4_503, 0, 675, 3_828, 0, 2_679, 1_824, 0, 1_824, 0)),
        // 甲 10×2180=21800; 乙 2×3560=7120, pre 10%=712, in scope 6408. inscp 28208, deductible left 1000 →
        // eligible 27208 → 70% = 19045.6 → 19045, capped at 2000000−1995000=5000; part 28920−5000=23920,
        // all from the account → balc 356780−23920=332860.
        new Row("employee, deductible crossed and cap reached in one purchase", Policy.EMPLOYEE,
            lines(OMEPRAZOLE, 10, 2_180, ATORVASTATIN, 2, 3_560), ytd(19_000, 1_995_000), 356_780, true,
            new Expected(28_920, 0, 712, 28_208, 1_000, 5_000, 23_920, 23_920, 0, 332_860)),
        // 甲 1250 → fund floor(1250×0.7)=875, part 375 = exactly the balance: account 375, cash 0, balc 0.
        new Row("employee, balance exactly covers the personal part", Policy.EMPLOYEE,
            lines(AMOXICILLIN, 1, 1_250), ytd(20_000, 0), 375, true,
            new Expected(1_250, 0, 0, 1_250, 0, 875, 375, 375, 0, 0)),
        // 乙 4650, pre 20%=930, in scope 3720; deductible left 10000−9500=500 → eligible 3220 → 50% = 1610;
        // part 4650−1610=3040 cash.
        new Row("resident, deductible crossed", Policy.RESIDENT,
            lines(CEFIXIME, 1, 4_650), ytd(9_500, 0), NO_ACCOUNT, false,
            new Expected(4_650, 0, 930, 3_720, 500, 1_610, 3_040, 0, 3_040, 0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void splitsAsComputedByHand(Row row) {
    PolicyEngine.Split s = PolicyEngine.split(row.policy(), row.lines(), row.used(), row.balance(), row.useAccount());
    Expected e = row.expected();
    assertAll(
        () -> assertEquals(e.medfee(), s.medfeeSumamt(), "medfee_sumamt"),
        () -> assertEquals(e.fulamtOwnpay(), s.fulamtOwnpayAmt(), "fulamt_ownpay_amt"),
        () -> assertEquals(0, s.overlmtSelfpay(), "overlmt_selfpay"),
        () -> assertEquals(e.preselfpay(), s.preselfpayAmt(), "preselfpay_amt"),
        () -> assertEquals(e.inscp(), s.inscpScpAmt(), "inscp_scp_amt"),
        () -> assertEquals(e.deductibleApplied(), s.deductibleApplied(), "deductible applied"),
        () -> assertEquals(e.hifp(), s.hifpPay(), "hifp_pay"),
        () -> assertEquals(e.hifp(), s.fundPaySumamt(), "fund_pay_sumamt"),
        () -> assertEquals(e.psnPart(), s.psnPartAmt(), "psn_part_amt"),
        () -> assertEquals(e.acctPay(), s.acctPay(), "acct_pay"),
        () -> assertEquals(0, s.acctMulaidPay(), "acct_mulaid_pay"),
        () -> assertEquals(e.cash(), s.psnCashPay(), "psn_cash_pay"),
        () -> assertEquals(e.balc(), s.balc(), "balc"),
        // The parts always add up: what the fund does not pay, the person pays from account or cash.
        () -> assertEquals(s.medfeeSumamt(), s.fundPaySumamt() + s.acctPay() + s.psnCashPay(), "sum of payers"),
        () -> assertEquals(s.medfeeSumamt(), s.fulamtOwnpayAmt() + s.preselfpayAmt() + s.inscpScpAmt(),
            "sum of scopes"));
  }

  @Test
  void accumulatorsMoveByWhatTheSplitUsed() {
    // 甲 5000 with 1000 of the deductible left: 1000 to the deductible, fund floor(4000×0.7)=2800.
    PolicyEngine.YearToDate before = ytd(19_000, 100_000);
    PolicyEngine.Split s = PolicyEngine.split(Policy.EMPLOYEE, lines(OMEPRAZOLE, 1, 5_000), before, NO_ACCOUNT, false);
    PolicyEngine.YearToDate after = before.plus(s);
    assertEquals(ytd(20_000, 102_800), after);
    assertEquals(before, after.minus(s));
  }

  @Test
  void linesCarryTheirOwnShares() {
    PolicyEngine.Split s = PolicyEngine.split(Policy.EMPLOYEE,
        lines(OMEPRAZOLE, 1, 2_180, LOSARTAN, 3, 2_950, VITAMIN_C, 1, 2_590), ytd(0, 0), NO_ACCOUNT, false);
    assertEquals(3, s.lines().size());
    PolicyEngine.LineSplit partial = s.lines().get(1);
    // 8850 × 5 % = 442.5 → 443 first self-pay, 8407 in scope.
    assertEquals(8_850, partial.amount());
    assertEquals(443, partial.preselfpayAmt());
    assertEquals(8_407, partial.inscpScpAmt());
    assertEquals(2_590, s.lines().get(2).fulamtOwnpayAmt());
  }

  @Test
  void theRatioWhereTheCareIsIsTheCallers() {
    // 甲 30000 with the deductible used up: the unfiled 50 % pays 15000, the rest is the person's.
    PolicyEngine.Split s = PolicyEngine.split(Policy.EMPLOYEE, Policy.EMPLOYEE.remoteUnfiledRatioBp(),
        lines(OMEPRAZOLE, 1, 30_000), ytd(20_000, 0), NO_ACCOUNT, false);
    assertEquals(15_000, s.hifpPay());
    assertEquals(15_000, s.psnCashPay());
    assertThrows(IllegalArgumentException.class, () -> PolicyEngine.split(Policy.EMPLOYEE, 10_001,
        lines(OMEPRAZOLE, 1, 30_000), ytd(0, 0), NO_ACCOUNT, false));
  }

  @Test
  void theFamilySharingAccountPaysWhatTheOwnAccountDoesNot() {
    // 甲 30000, deductible used up: fund 21000, personal part 9000.
    List<PolicyEngine.Line> purchase = lines(OMEPRAZOLE, 1, 30_000);
    int ratio = Policy.EMPLOYEE.ratioBp();
    PolicyEngine.Split own = PolicyEngine.split(Policy.EMPLOYEE, ratio, purchase, ytd(20_000, 0), 4_000, 100_000,
        true);
    assertEquals(4_000, own.acctPay(), "the person's own account first");
    assertEquals(5_000, own.acctMulaidPay());
    assertEquals(0, own.psnCashPay());
    assertEquals(0, own.balc(), "balc stays the person's own balance");

    PolicyEngine.Split none = PolicyEngine.split(Policy.EMPLOYEE, ratio, purchase, ytd(20_000, 0), NO_ACCOUNT, 3_000,
        true);
    assertEquals(0, none.acctPay());
    assertEquals(3_000, none.acctMulaidPay(), "up to the sharer's balance");
    assertEquals(6_000, none.psnCashPay());
    assertEquals(none.medfeeSumamt(), none.fundPaySumamt() + none.acctPay() + none.acctMulaidPay() + none.psnCashPay());

    assertEquals(0, PolicyEngine.split(Policy.EMPLOYEE, ratio, purchase, ytd(20_000, 0), NO_ACCOUNT, 3_000, false)
        .acctMulaidPay(), "acct_used_flag 0: no account at all");
    assertEquals(0, PolicyEngine.split(Policy.EMPLOYEE, ratio, purchase, ytd(20_000, 0), NO_ACCOUNT, -1, true)
        .acctMulaidPay(), "nobody shares");
  }

  @Test
  void unfiledCareIsNeverPaidMoreThanFiled() {
    assertThrows(IllegalArgumentException.class, () -> new Policy("310", 20_000, 7_000, 2_000_000, 5_000, 7_000));
    assertThrows(IllegalArgumentException.class, () -> new Policy("310", 20_000, 7_000, 2_000_000, 12_000, 5_000));
  }

  private static PolicyEngine.YearToDate ytd(long deductibleUsed, long fundPaid) {
    return new PolicyEngine.YearToDate(deductibleUsed, fundPaid);
  }

  /** lines(code, cnt, pric, code, cnt, pric, ...). */
  private static List<PolicyEngine.Line> lines(Object... triples) {
    Catalogue catalogue = Catalogue.standard();
    List<PolicyEngine.Line> out = new java.util.ArrayList<>();
    for (int i = 0; i < triples.length; i += 3) {
      Catalogue.Item item = catalogue.item((String) triples[i]);
      if (item == null) {
        throw new IllegalArgumentException("not in the catalogue: " + triples[i]);
      }
      out.add(new PolicyEngine.Line(item, ((Number) triples[i + 1]).longValue(), ((Number) triples[i + 2]).longValue()));
    }
    return out;
  }
}
