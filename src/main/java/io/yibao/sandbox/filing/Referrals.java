package io.yibao.sandbox.filing;

import io.vertx.core.json.JsonArray;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hospital system's referral documents (转诊单), as far as the filing system asks about them: does this
 * referral exist, and whose is it. Hospitals issue them; in the sandbox the world issues the demo's and tests
 * issue theirs through the admin route. Touched only before serving and on the sandbox's event loop.
 */
public final class Referrals {

  private final Map<String, Referral> byNo = new LinkedHashMap<>();
  private long sequence;

  /** Records a referral under a number the hospital chose (the demo's). */
  public Referral add(Referral referral) {
    if (byNo.putIfAbsent(referral.referralNo(), referral) != null) {
      throw new IllegalArgumentException("referral number taken: " + referral.referralNo());
    }
    return referral;
  }

  /** Issues a referral with a new number, {@code ZZ + the person's region + "-" + 8-digit sequence}. */
  public Referral issue(String psnNo, String insuAdmdvs, String fromHospital, String destinationRegion,
                        LocalDate issuedOn) {
    String referralNo;
    do {
      referralNo = "ZZ" + insuAdmdvs + "-" + String.format("%08d", ++sequence);
    } while (byNo.containsKey(referralNo));
    return add(new Referral(referralNo, psnNo, fromHospital, destinationRegion, issuedOn));
  }

  /** The referral with that number, or null. */
  public Referral referral(String referralNo) {
    return byNo.get(referralNo);
  }

  /** The referrals issued to {@code psnNo}, oldest first. */
  public JsonArray of(String psnNo) {
    JsonArray out = new JsonArray();
    byNo.values().stream().filter(r -> r.psnNo().equals(psnNo)).forEach(r -> out.add(r.toJson()));
    return out;
  }
}
