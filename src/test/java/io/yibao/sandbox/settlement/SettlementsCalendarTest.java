package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.yibao.sandbox.SandboxOptions;
import io.yibao.sandbox.SandboxWorld;
import io.yibao.sandbox.registry.Personas;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules that depend on the business calendar (Asia/Shanghai), on a clock the test moves: cancel only on the
 * settlement's day, reversal at any time, accumulators per calendar year, totals per business day.
 */
class SettlementsCalendarTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final String OMEPRAZOLE = "XA02BCA211A001010101467";

  /** A clock that stands still until the test moves it. */
  private static final class TestClock extends Clock {
    private Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return SHANGHAI;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private SandboxWorld world;
  private TestClock clock;
  private Settlements book;
  private int sequence;

  @BeforeEach
  void setUp() {
    world = new SandboxWorld(SandboxOptions.forTests().withPopulation(0));
    // 23:59:30 on the last day of a year, Shanghai time.
    clock = new TestClock(ZonedDateTime.of(2025, 12, 31, 23, 59, 30, 0, SHANGHAI).toInstant());
    book = new Settlements(world.registry(), world.ledger(), world.sharing(), world.filings(), Catalogue.standard(),
        Policy.defaults(), clock);
  }

  @Test
  void aSettlementCanBeCancelledOnlyOnItsBusinessDay() {
    JsonObject settled = settle(msgid(), 10);
    clock.advance(Duration.ofSeconds(29));
    Settlements.Outcome sameDay = book.handle("2103", msgid(), Personas.PHARMACY, cancel(settled));
    assertEquals(0, sameDay.infcode(), String.valueOf(sameDay.errMsg()));

    JsonObject other = settle(msgid(), 10);
    clock.advance(Duration.ofSeconds(2)); // 00:00:01 the next day
    Settlements.Outcome nextDay = book.handle("2103", msgid(), Personas.PHARMACY, cancel(other));
    assertEquals(-2, nextDay.infcode());
    assertEquals(Personas.EMPLOYEE_BALANCE - other.getLong("acct_pay"), world.ledger().balance(Personas.EMPLOYEE));
  }

  @Test
  void aSettlementWhoseAnswerWasLostCanBeReversedAfterMidnight() {
    String msgid = msgid();
    JsonObject settled = settle(msgid, 10);
    clock.advance(Duration.ofMinutes(1));
    Settlements.Outcome reversal = book.handle("2601", msgid(), Personas.PHARMACY, new JsonObject()
        .put("psn_no", Personas.EMPLOYEE).put("omsgid", msgid).put("oinfno", "2102"));
    assertEquals(0, reversal.infcode());
    assertTrue(reversal.output().getBoolean("reversed"));
    assertEquals(Personas.EMPLOYEE_BALANCE, world.ledger().balance(Personas.EMPLOYEE));
    assertEquals(settled.getString("setl_id"), book.message(msgid).getString("setl_id"));
    assertEquals("REVERSED", book.message(msgid).getString("status"));
  }

  @Test
  void accumulatorsStartAgainWithTheCalendarYear() {
    // 10 × 2180 = 21800 on 31 Dec: 20000 to the deductible, fund floor(1800 × 0.7) = 1260.
    String decemberMsgid = msgid();
    JsonObject december = settle(decemberMsgid, 10);
    assertEquals(1_260, december.getLong("fund_pay_sumamt"));
    // The same purchase on 1 Jan meets a fresh deductible again.
    clock.advance(Duration.ofMinutes(1));
    JsonObject january = settle(msgid(), 10);
    assertEquals(1_260, january.getLong("fund_pay_sumamt"));
    // A third one in January finds the deductible used: floor(21800 × 0.7) = 15260.
    assertEquals(15_260, settle(msgid(), 10).getLong("fund_pay_sumamt"));

    // Reversing the December one gives back December's accumulators, not January's.
    Settlements.Outcome reversal = book.handle("2601", msgid(), Personas.PHARMACY, new JsonObject()
        .put("psn_no", Personas.EMPLOYEE).put("omsgid", decemberMsgid).put("oinfno", "2102"));
    assertEquals(0, reversal.infcode());
    assertEquals(15_260, preSettle(10).getLong("fund_pay_sumamt"), "January's deductible is still used");
  }

  @Test
  void totalsArePerBusinessDay() {
    settle(msgid(), 1);
    clock.advance(Duration.ofMinutes(1));
    settle(msgid(), 2);
    settle(msgid(), 3);
    assertEquals(1, book.totals(Personas.PHARMACY, LocalDate.of(2025, 12, 31), LocalDate.of(2025, 12, 31)).count());
    Settlements.Totals january = book.totals(Personas.PHARMACY, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 1));
    assertEquals(2, january.count());
    assertEquals(5 * 2_180, january.medfeeSumamt());
    assertEquals(3, book.totals(Personas.PHARMACY, LocalDate.of(2025, 12, 1), LocalDate.of(2026, 1, 31)).count());
  }

  private JsonObject settle(String msgid, int boxes) {
    Settlements.Outcome outcome = book.handle("2102", msgid, Personas.PHARMACY, purchase(boxes));
    assertEquals(0, outcome.infcode(), String.valueOf(outcome.errMsg()));
    return outcome.output();
  }

  private JsonObject preSettle(int boxes) {
    Settlements.Outcome outcome = book.handle("2101", msgid(), Personas.PHARMACY, purchase(boxes));
    assertEquals(0, outcome.infcode(), String.valueOf(outcome.errMsg()));
    return outcome.output();
  }

  private static JsonObject purchase(int boxes) {
    return new JsonObject().put("psn_no", Personas.EMPLOYEE).put("mdtrt_cert_type", "01")
        .put("mdtrt_cert_no", "demo-credential-token").put("insutype", "310").put("med_type", "41")
        .put("acct_used_flag", "1").put("drugdetail", new JsonArray()
            .add(new JsonObject().put("med_list_codg", OMEPRAZOLE).put("cnt", boxes).put("pric", 2_180)));
  }

  private static JsonObject cancel(JsonObject settled) {
    return new JsonObject().put("psn_no", Personas.EMPLOYEE).put("setl_id", settled.getString("setl_id"));
  }

  private String msgid() {
    return Personas.PHARMACY + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").format(ZonedDateTime.now(clock))
        + String.format("%04d", ++sequence);
  }
}
