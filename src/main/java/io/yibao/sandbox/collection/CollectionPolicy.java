package io.yibao.sandbox.collection;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.MonthDay;
import java.util.Map;
import java.util.TreeMap;

/**
 * How resident contributions (城乡居民参保缴费) are collected: the personal amount per benefit year and the collection
 * window, which runs in the year before the benefit year.
 *
 * @param firstYear     the first benefit year the bureau collects for; earlier years have no amount
 * @param defaultFen    the amount of a year from {@code firstYear} on that {@code amountsByYear} does not name
 * @param amountsByYear amounts that differ from the default, by benefit year
 * @param windowOpens   first day of the window, in the year before the benefit year
 * @param windowCloses  last day of the window (inclusive), in the year before the benefit year
 */
public record CollectionPolicy(int firstYear, long defaultFen, Map<Integer, Long> amountsByYear,
                               MonthDay windowOpens, MonthDay windowCloses) {

  public CollectionPolicy {
    amountsByYear = Map.copyOf(amountsByYear);
  }

  /** 400 yuan a year from 2020 (2025: 380 yuan); window 1 Sep – 31 Dec. */
  public static CollectionPolicy defaults() {
    return new CollectionPolicy(2020, 40_000, Map.of(2025, 38_000L), MonthDay.of(9, 1), MonthDay.of(12, 31));
  }

  /** The personal amount for {@code year}, or -1 when the bureau does not collect for that year. */
  public long amountFen(int year) {
    return year < firstYear ? -1 : amountsByYear.getOrDefault(year, defaultFen);
  }

  public LocalDate opensOn(int year) {
    return windowOpens.atYear(year - 1);
  }

  public LocalDate closesOn(int year) {
    return windowCloses.atYear(year - 1);
  }

  public boolean windowOpen(int year, LocalDate today) {
    return !today.isBefore(opensOn(year)) && !today.isAfter(closesOn(year));
  }

  /**
   * Whether a payment for {@code year} is taken on {@code today}. After the window closes it still is: late enrolment
   * and back-payment are allowed and bring a waiting period, which the gateway works out, not the collector.
   */
  public boolean accepts(int year, LocalDate today) {
    return amountFen(year) >= 0 && !today.isBefore(opensOn(year));
  }

  /** The benefit year people are paying for on {@code today}: next year once its window has opened. */
  public int collectingYear(LocalDate today) {
    return today.isBefore(opensOn(today.getYear() + 1)) ? today.getYear() : today.getYear() + 1;
  }

  public JsonObject windowJson(int year, LocalDate today) {
    return new JsonObject().put("year", year).put("opensOn", opensOn(year).toString())
        .put("closesOn", closesOn(year).toString()).put("open", windowOpen(year, today));
  }

  /** Amounts from the first year to {@code lastYear}, keyed by year as text (JSON object keys are strings). */
  public JsonObject amountsJson(int lastYear) {
    Map<Integer, Long> amounts = new TreeMap<>();
    for (int year = firstYear; year <= lastYear; year++) {
      amounts.put(year, amountFen(year));
    }
    JsonObject json = new JsonObject();
    amounts.forEach((year, fen) -> json.put(String.valueOf(year), fen));
    return json;
  }
}
