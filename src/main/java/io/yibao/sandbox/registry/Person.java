package io.yibao.sandbox.registry;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;

/**
 * An insured person as the registry knows them. {@code insuType} 310 employee (with a personal account) or 390
 * resident; {@code gender} 1 male, 2 female (national code); {@code mobile} may be null (young children);
 * {@code lastPaidYear} is the last year a resident's contribution was paid (0 for employees, whose employer pays).
 */
public record Person(String psnNo, String name, String idNumber, int gender, LocalDate birthDate, String mobile,
                     String insuType, String insuAdmdvs, String status, boolean retired, String householdId,
                     Household.Role role, int lastPaidYear) {

  public static final String EMPLOYEE = "310";
  public static final String RESIDENT = "390";

  public boolean employee() {
    return EMPLOYEE.equals(insuType);
  }

  public int ageOn(LocalDate day) {
    return java.time.Period.between(birthDate, day).getYears();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("psnNo", psnNo).put("name", name).put("idNumber", idNumber).put("gender", gender)
        .put("birthDate", birthDate.toString()).put("mobile", mobile).put("insuType", insuType)
        .put("insuAdmdvs", insuAdmdvs).put("status", status).put("retired", retired)
        .put("householdId", householdId);
  }
}
