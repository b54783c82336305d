package io.yibao.sandbox.filing;

import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.SandboxWorld;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which filing covers care on a given day and place: what the settlement center asks the book. */
class FilingsTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final LocalDate START = LocalDate.of(2025, 3, 1);

  private Filings filings;

  @BeforeEach
  void setUp() {
    filings = new SandboxWorld(SandboxOptions.forTests().withPopulation(0)).filings();
  }

  @Test
  void aFilingCoversItsDestinationsPoolingAreaOnItsDays() {
    Filing f = file("request-0000000001", "310104", START, START.plusMonths(6));
    assertEquals(f, filings.covering(Personas.FATHER, "310115", START), "all of Shanghai, from the first day");
    assertEquals(f, filings.covering(Personas.FATHER, "310104", START.plusMonths(6)), "to the last");
    assertNull(filings.covering(Personas.FATHER, "310104", START.minusDays(1)));
    assertNull(filings.covering(Personas.FATHER, "310104", START.plusMonths(6).plusDays(1)));
    assertNull(filings.covering(Personas.FATHER, "320102", START), "not Nanjing");
    assertNull(filings.covering(Personas.EMPLOYEE, "310104", START), "only the person who filed");
  }

  @Test
  void aRevokedFilingCoversOnlyTheDaysBeforeItsRevocation() {
    Filing f = file("request-0000000002", "310000", START, null);
    LocalDate revokedOn = START.plusDays(20);
    filings.revoke(f.id(), "back home", revokedOn.atTime(9, 0).atZone(SHANGHAI));

    assertEquals(f.id(), filings.covering(Personas.FATHER, "310104", revokedOn.minusDays(1)).id());
    assertNull(filings.covering(Personas.FATHER, "310104", revokedOn));
    assertNull(filings.covering(Personas.FATHER, "310104", revokedOn.plusYears(1)));
  }

  @Test
  void aFilingRevokedBeforeItStartsNeverCovers() {
    Filing f = file("request-0000000003", "310000", START.plusDays(5), null);
    filings.revoke(f.id(), "changed my mind", START.atTime(10, 0).atZone(SHANGHAI));
    assertNull(filings.covering(Personas.FATHER, "310104", START.plusDays(5)));
    assertEquals(201, filings.file(new FilingRequest("request-0000000004", Personas.FATHER, "RETIRED_RESETTLED",
        Filing.Kind.LONG_TERM, "320102", START.plusDays(5), null, Filing.Basis.DOCUMENTS, null),
        START.atTime(11, 0).atZone(SHANGHAI)).status(), "nothing left to overlap");
  }

  private Filing file(String requestId, String destination, LocalDate start, LocalDate end) {
    Filing.Kind kind = end == null ? Filing.Kind.LONG_TERM : Filing.Kind.TEMPORARY;
    ZonedDateTime at = start.minusDays(1).atTime(15, 30).atZone(SHANGHAI);
    Filings.Answer answer = filings.file(new FilingRequest(requestId, Personas.FATHER, "RETIRED_RESETTLED", kind,
        destination, start, end, Filing.Basis.DOCUMENTS, null), at);
    assertEquals(201, answer.status(), String.valueOf(answer.refusal()));
    return answer.filing();
  }
}
