package io.yibao.gateway.core;

/**
 * The insurance types (险种) the registry names a person by; {@link #code()} is the wire value, in the registry's
 * answers and in the contract ({@code insuType}).
 */
public enum InsuranceType {
  /** 职工基本医疗保险: employees, insured through work, with a personal account (个人账户). */
  EMPLOYEE("310", "职工基本医疗保险"),
  /** 城乡居民基本医疗保险: residents, who pay their contribution once a year; no personal account. */
  RESIDENT("390", "城乡居民基本医疗保险");

  private final String code;
  private final String title;

  InsuranceType(String code, String title) {
    this.code = code;
    this.title = title;
  }

  public String code() {
    return code;
  }

  /** The name shown to the resident. */
  public String title() {
    return title;
  }

  /** The type of a wire value; null for none or one this gateway does not know. */
  public static InsuranceType of(String code) {
    for (InsuranceType t : values()) {
      if (t.code.equals(code)) {
        return t;
      }
    }
    return null;
  }
}
