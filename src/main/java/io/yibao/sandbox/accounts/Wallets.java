package io.yibao.sandbox.accounts;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Insured persons' insurance wallets (医保钱包), where relatives' family-sharing transfers arrive. A wallet is
 * OPEN, FROZEN (it takes nothing) or NONE (never opened); it may have a cap, the most it holds. Whether a
 * person opened one at the start follows from the seed, so that a million people cost nothing until a wallet is
 * touched. Synchronized: transfers and admin changes come from different requests.
 */
public final class Wallets {

  public enum Status { OPEN, FROZEN, NONE }

  /** One wallet's state; {@code capFen} null for no cap. */
  private record Wallet(Status status, long balanceFen, Long capFen) {
  }

  /** The share of people who opened a wallet before the sandbox started, in percent. */
  private static final int OPENED_PERCENT = 70;

  private final long seed;
  private final Map<String, Wallet> touched = new HashMap<>();

  public Wallets(long seed) {
    this.seed = seed;
  }

  public synchronized Status status(String psnNo) {
    return wallet(psnNo).status();
  }

  public synchronized long balance(String psnNo) {
    return wallet(psnNo).balanceFen();
  }

  /** {@code {psnNo, status, balanceFen, capFen}}. */
  public synchronized JsonObject toJson(String psnNo) {
    Wallet w = wallet(psnNo);
    return new JsonObject().put("psnNo", psnNo).put("status", w.status().name()).put("balanceFen", w.balanceFen())
        .put("capFen", w.capFen());
  }

  /** Opens (or reopens) the wallet. */
  public synchronized void open(String psnNo) {
    Wallet w = wallet(psnNo);
    touched.put(psnNo, new Wallet(Status.OPEN, w.balanceFen(), w.capFen()));
  }

  /**
   * Sets the status and/or the cap ({@code capFen} applies only when {@code setCap}; null there removes the cap).
   * False when NONE is asked of a wallet holding money (closing it would lose the money).
   */
  public synchronized boolean set(String psnNo, Status status, boolean setCap, Long capFen) {
    Wallet w = wallet(psnNo);
    Status s = status == null ? w.status() : status;
    if (s == Status.NONE && w.balanceFen() > 0) {
      return false;
    }
    touched.put(psnNo, new Wallet(s, w.balanceFen(), setCap ? capFen : w.capFen()));
    return true;
  }

  /** Credits the wallet when it is OPEN and stays within its cap; false (nothing moved) otherwise. */
  public synchronized boolean take(String psnNo, long amountFen) {
    Wallet w = wallet(psnNo);
    if (w.status() != Status.OPEN || amountFen <= 0
        || (w.capFen() != null && w.balanceFen() + amountFen > w.capFen())) {
      return false;
    }
    touched.put(psnNo, new Wallet(Status.OPEN, w.balanceFen() + amountFen, w.capFen()));
    return true;
  }

  private Wallet wallet(String psnNo) {
    Wallet w = touched.get(psnNo);
    if (w != null) {
      return w;
    }
    boolean opened = new SplittableRandom(seed ^ psnNo.hashCode()).nextInt(100) < OPENED_PERCENT;
    return new Wallet(opened ? Status.OPEN : Status.NONE, 0, null);
  }
}
