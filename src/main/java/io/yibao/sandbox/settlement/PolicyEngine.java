package io.yibao.sandbox.settlement;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a pharmacy purchase between the fund, the personal account, a relative's family-sharing account
 * (家庭共济) and cash. A pure function of the purchase, the policy and the ratio that applies where the care is,
 * what the person has already used this year and the balances: pre-settlement and settlement compute the same
 * split, and only settlement acts on it.
 */
public final class PolicyEngine {

  /** What a person has used of this year's benefits: deductible paid themselves and fund payments received. */
  public record YearToDate(long deductibleUsedFen, long fundPaidFen) {
    public static final YearToDate NONE = new YearToDate(0, 0);

    public YearToDate plus(Split split) {
      return new YearToDate(deductibleUsedFen + split.deductibleApplied(), fundPaidFen + split.hifpPay());
    }

    public YearToDate minus(Split split) {
      return new YearToDate(deductibleUsedFen - split.deductibleApplied(), fundPaidFen - split.hifpPay());
    }
  }

  /** One line of the purchase: an item, how many, at what unit price (fen). */
  public record Line(Catalogue.Item item, long cnt, long pric) {
  }

  /** One line's share: total, wholly self-paid (丙), first self-paid (乙) and in scope. */
  public record LineSplit(Line line, long amount, long fulamtOwnpayAmt, long preselfpayAmt, long inscpScpAmt) {
  }

  /**
   * The split, with the national field names. {@code acctMulaidPay} is what the family-sharing account pays after
   * the person's own account; {@code balc} is the person's own account balance after paying {@code acctPay}
   * (0 without an account); {@code deductibleApplied} is how much of the in-scope amount went to the deductible,
   * which settlement adds to the year's accumulators.
   */
  public record Split(long medfeeSumamt, long fulamtOwnpayAmt, long overlmtSelfpay, long preselfpayAmt,
                      long inscpScpAmt, long deductibleApplied, long hifpPay, long fundPaySumamt, long psnPartAmt,
                      long acctPay, long acctMulaidPay, long psnCashPay, long balc, List<LineSplit> lines) {
  }

  private PolicyEngine() {
  }

  /** The split at the policy's local ratio. */
  public static Split split(Policy policy, List<Line> purchase, YearToDate used, long accountBalanceFen,
                            boolean useAccount) {
    return split(policy, policy.ratioBp(), purchase, used, accountBalanceFen, useAccount);
  }

  /** The split without a family-sharing account. */
  public static Split split(Policy policy, int ratioBp, List<Line> purchase, YearToDate used,
                            long accountBalanceFen, boolean useAccount) {
    return split(policy, ratioBp, purchase, used, accountBalanceFen, -1, useAccount);
  }

  /**
   * @param ratioBp           the fund's share of the eligible amount: the policy's local ratio, or one of its
   *                          ratios for care away from home, as the caller found where the care is
   * @param accountBalanceFen the personal-account balance, negative when the person has none (as
   *                          {@code Ledger.balance} answers)
   * @param familyBalanceFen  the balance of the relative who shares their account with the person (家庭共济),
   *                          negative when nobody does; it pays what the person's own account does not
   * @param useAccount        the purchase may be paid from the accounts ({@code acct_used_flag = "1"})
   */
  public static Split split(Policy policy, int ratioBp, List<Line> purchase, YearToDate used,
                            long accountBalanceFen, long familyBalanceFen, boolean useAccount) {
    if (ratioBp < 0 || ratioBp > 10_000) {
      throw new IllegalArgumentException("ratio out of range: " + ratioBp);
    }
    long medfee = 0;
    long ownpay = 0;
    long preselfpay = 0;
    long inscp = 0;
    List<LineSplit> lines = new ArrayList<>(purchase.size());
    for (Line line : purchase) {
      long amount = Math.multiplyExact(line.cnt(), line.pric());
      LineSplit ls = switch (line.item().category()) {
        case FULL -> new LineSplit(line, amount, 0, 0, amount);
        case PARTIAL -> {
          long first = halfUp(amount, line.item().firstSelfPayBp());
          yield new LineSplit(line, amount, 0, first, amount - first);
        }
        case SELF_PAY -> new LineSplit(line, amount, amount, 0, 0);
      };
      lines.add(ls);
      medfee = Math.addExact(medfee, amount);
      ownpay += ls.fulamtOwnpayAmt();
      preselfpay += ls.preselfpayAmt();
      inscp += ls.inscpScpAmt();
    }
    long deductibleLeft = Math.max(0, policy.deductibleFen() - used.deductibleUsedFen());
    long deductibleApplied = Math.min(inscp, deductibleLeft);
    long eligible = inscp - deductibleApplied;
    long capLeft = Math.max(0, policy.annualCapFen() - used.fundPaidFen());
    // The fund rounds its share down: a fen in doubt stays with the person, never leaves the fund.
    long hifp = Math.min(Math.multiplyExact(eligible, ratioBp) / 10_000, capLeft);
    long psnPart = medfee - hifp;
    boolean hasAccount = accountBalanceFen >= 0;
    long acctPay = useAccount && hasAccount ? Math.min(accountBalanceFen, psnPart) : 0;
    long mulaidPay = useAccount && familyBalanceFen > 0 ? Math.min(familyBalanceFen, psnPart - acctPay) : 0;
    long balc = hasAccount ? accountBalanceFen - acctPay : 0;
    return new Split(medfee, ownpay, 0, preselfpay, inscp, deductibleApplied, hifp, hifp, psnPart, acctPay,
        mulaidPay, psnPart - acctPay - mulaidPay, balc, List.copyOf(lines));
  }

  /** {@code amount × bp / 10000}, rounded half up to the fen (amounts are never negative). */
  static long halfUp(long amountFen, int bp) {
    return (Math.multiplyExact(amountFen, bp) + 5_000) / 10_000;
  }
}
