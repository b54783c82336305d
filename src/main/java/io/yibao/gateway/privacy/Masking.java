package io.yibao.gateway.privacy;

/**
 * Masks personal data for responses, the one way everywhere: ID number {@code 110***********123X} (first 3,
 * last 4), mobile {@code 138****5678}, name {@code 张*} / {@code 欧阳**} (the first character, or a two-character
 * compound surname, stays).
 */
public final class Masking {

  private static final java.util.Set<String> COMPOUND_SURNAMES = java.util.Set.of("欧阳", "司马", "上官", "诸葛",
      "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "轩辕");

  private Masking() {
  }

  public static String idNumber(String id) {
    if (id == null || id.length() < 8) {
      return id == null ? null : "*".repeat(id.length());
    }
    return id.substring(0, 3) + "*".repeat(id.length() - 7) + id.substring(id.length() - 4);
  }

  public static String mobile(String mobile) {
    if (mobile == null || mobile.length() < 7) {
      return mobile == null ? null : "*".repeat(mobile.length());
    }
    return mobile.substring(0, 3) + "****" + mobile.substring(mobile.length() - 4);
  }

  public static String name(String name) {
    if (name == null || name.isEmpty()) {
      return name;
    }
    int keep = name.length() > 2 && COMPOUND_SURNAMES.contains(name.substring(0, 2)) ? 2 : 1;
    keep = Math.min(keep, name.length());
    return name.substring(0, keep) + "*".repeat(Math.max(1, name.codePointCount(keep, name.length())));
  }
}
