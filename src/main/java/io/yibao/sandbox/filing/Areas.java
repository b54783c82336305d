package io.yibao.sandbox.filing;

import java.util.Set;

/**
 * Where care counts as "at home" and where a filing reaches, from 6-digit division codes (GB/T 2260). Both the
 * filing system and the settlement center need the same answers, so the two rules live here once.
 */
public final class Areas {

  /** 北京, 天津, 上海, 重庆: the whole municipality is one pooling area. */
  private static final Set<String> MUNICIPALITIES = Set.of("11", "12", "31", "50");

  private Areas() {
  }

  /** A 6-digit division code. */
  public static boolean valid(String code) {
    return code != null && code.length() == 6 && code.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /**
   * The pooling area (统筹区) of {@code code}, as a code prefix: a municipality's 2 digits; a county-level city
   * the province administers directly (digits 3-4 "90", e.g. 429004 仙桃) its own 6; otherwise the prefecture
   * city's 4.
   */
  public static String poolingArea(String code) {
    requireValid(code);
    if (MUNICIPALITIES.contains(code.substring(0, 2))) {
      return code.substring(0, 2);
    }
    if (code.startsWith("90", 2)) {
      return code;
    }
    return code.substring(0, 4);
  }

  public static boolean samePoolingArea(String a, String b) {
    return poolingArea(a).equals(poolingArea(b));
  }

  /**
   * Whether a filing to {@code destination} covers care in {@code region}: a province-level destination (xx0000)
   * covers the whole province, any other the destination's pooling area.
   */
  public static boolean covers(String destination, String region) {
    requireValid(destination);
    requireValid(region);
    String prefix = destination.endsWith("0000") ? destination.substring(0, 2) : poolingArea(destination);
    return region.startsWith(prefix);
  }

  private static void requireValid(String code) {
    if (!valid(code)) {
      throw new IllegalArgumentException("not a 6-digit division code: " + code);
    }
  }
}
