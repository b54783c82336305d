package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonObject;
import io.yibao.sandbox.filing.Areas;
import io.yibao.sandbox.filing.Filing;
import io.yibao.sandbox.filing.Filings;
import io.yibao.sandbox.registry.Person;
import io.yibao.sandbox.registry.Pharmacy;

import java.time.LocalDate;

/**
 * Where a purchase is made, seen from where the person is insured, and so which ratio the fund pays: at home
 * (the same pooling area), away with a filing that covers the pharmacy that day, or away without one — paid
 * less, as policy wants people to file before they are treated elsewhere.
 *
 * @param remoteFlag "0" at home, "1" away with a filing, "2" away without one
 * @param filingId   the covering filing, only for "1"
 */
record CareArea(String mdtrtareaAdmvs, String insuplcAdmdvs, String remoteFlag, int ratioBp, String filingId) {

  static final String LOCAL = "0";
  static final String REMOTE_FILED = "1";
  static final String REMOTE_UNFILED = "2";

  static CareArea of(Person person, Pharmacy pharmacy, Policy policy, Filings filings, LocalDate day) {
    String here = pharmacy.admdvs();
    String home = person.insuAdmdvs();
    if (Areas.samePoolingArea(here, home)) {
      return new CareArea(here, home, LOCAL, policy.ratioBp(), null);
    }
    Filing filing = filings.covering(person.psnNo(), here, day);
    return filing == null
        ? new CareArea(here, home, REMOTE_UNFILED, policy.remoteUnfiledRatioBp(), null)
        : new CareArea(here, home, REMOTE_FILED, policy.remoteFiledRatioBp(), filing.id());
  }

  /** The national output fields that say where the care was and at which ratio it was paid. */
  JsonObject addTo(JsonObject output) {
    output.put("mdtrtarea_admvs", mdtrtareaAdmvs).put("insuplc_admdvs", insuplcAdmdvs)
        .put("remote_flag", remoteFlag).put("fund_ratio_bp", ratioBp);
    return filingId == null ? output : output.put("filing_id", filingId);
  }
}
