package io.yibao.gateway.filing;

import io.yibao.gateway.filing.Regions.Division;
import io.yibao.gateway.filing.Regions.Level;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped division list (counts, shape, parents) and the directory over it: lookup, walking, search ranking, and
 * the filing rules on codes with the examples the filing feature relies on.
 */
class RegionsTest {

  private final Regions regions = Regions.national();

  // --- the list ---

  @Test
  void holdsTheMainlandAtCountyLevel() {
    Map<Level, Long> counts = regions.divisions().stream()
        .collect(Collectors.groupingBy(Division::level, Collectors.counting()));
    assertEquals(31, counts.get(Level.PROVINCE));
    assertEquals(333, counts.get(Level.CITY));
    assertEquals(2846, counts.get(Level.COUNTY));
    assertEquals(31, regions.provinces().size());
    assertEquals("110000", regions.provinces().get(0).code());
    assertEquals("650000", regions.provinces().get(30).code());
    // Taiwan, Hong Kong and Macau are outside mainland cross-region filing.
    assertTrue(regions.find("710000").isEmpty());
    assertTrue(regions.find("810000").isEmpty());
    assertTrue(regions.find("820000").isEmpty());
  }

  @Test
  void isSortedByCodeWithoutRepeats() {
    List<String> codes = regions.divisions().stream().map(Division::code).toList();
    assertEquals(codes.stream().sorted().toList(), codes);
    assertEquals(codes.size(), new HashSet<>(codes).size());
  }

  @Test
  void loadsOnce() {
    assertSame(regions, Regions.national());
  }

  // --- find, levels, parents ---

  @Test
  void findsByCode() {
    Division tianhe = regions.find("440106").orElseThrow();
    assertEquals(new Division("440106", "天河区", Level.COUNTY, "440100", "广东省 广州市 天河区"), tianhe);
    assertEquals(Level.CITY, regions.find("440100").orElseThrow().level());
    Division guangdong = regions.find("440000").orElseThrow();
    assertEquals(Level.PROVINCE, guangdong.level());
    assertNull(guangdong.parentCode());
    assertEquals("广东省", guangdong.fullName());
    assertTrue(regions.find("440199").isEmpty());
    assertTrue(regions.find(null).isEmpty());
  }

  @Test
  void municipalityDistrictsHangUnderTheProvince() {
    Division xuhui = regions.find("310104").orElseThrow();
    assertEquals("310000", xuhui.parentCode());
    assertEquals("上海市 徐汇区", xuhui.fullName());
    assertTrue(regions.find("310100").isEmpty());
    List<Division> beijing = regions.children("110000");
    assertEquals(16, beijing.size());
    assertTrue(beijing.stream().allMatch(d -> d.level() == Level.COUNTY));
    assertEquals("110101", beijing.get(0).code());
  }

  @Test
  void provinceAdministeredCitiesHangUnderTheProvince() {
    Division xiantao = regions.find("429004").orElseThrow();
    assertEquals("420000", xiantao.parentCode());
    assertEquals(Level.COUNTY, xiantao.level());
    assertEquals("湖北省 仙桃市", xiantao.fullName());
    // the package's pseudo-city "湖北省-自治区直辖县级行政区划" is not a division
    assertTrue(regions.find("429000").isEmpty());
    assertTrue(regions.children("420000").contains(xiantao));
  }

  @Test
  void citiesWithoutCountiesAreLeaves() {
    for (String code : List.of("441900", "442000", "460400", "620200")) {
      assertEquals(Level.CITY, regions.find(code).orElseThrow().level(), code);
      assertEquals(List.of(), regions.children(code), code);
    }
    assertEquals(List.of(), regions.children("440106"));
    assertEquals(List.of(), regions.children("999999"));
    assertEquals(List.of(), regions.children(null));
  }

  @Test
  void childrenComeInCodeOrder() {
    List<String> guangzhou = regions.children("440100").stream().map(Division::code).toList();
    assertEquals(11, guangzhou.size());
    assertEquals(guangzhou.stream().sorted().toList(), guangzhou);
    assertTrue(guangzhou.contains("440106"));
    List<Division> guangdong = regions.children("440000");
    assertEquals(21, guangdong.size());
    assertTrue(guangdong.stream().allMatch(d -> d.level() == Level.CITY));
  }

  // --- search ---

  @Test
  void searchesByCodePrefixBroadestFirst() {
    List<Division> found = regions.search("4401", 20);
    assertEquals(12, found.size());
    assertEquals("440100", found.get(0).code());
    assertTrue(found.stream().allMatch(d -> d.code().startsWith("4401")));
    List<String> guangdong = codes(regions.search("44", 3));
    assertEquals(List.of("440000", "440100", "440200"), guangdong);
    assertEquals(List.of("110105"), codes(regions.search("110105", 5)));
    assertEquals(List.of(), regions.search("1234567", 5));
  }

  @Test
  void searchesByName() {
    assertEquals("440100", regions.search("广州", 10).get(0).code());
    assertEquals("440106", regions.search("天河", 10).get(0).code());
    assertEquals("110108", regions.search("海淀", 10).get(0).code());
    // 广州市 first, then the districts whose full name holds 广州
    List<Division> guangzhou = regions.search("广州", 20);
    assertEquals(12, guangzhou.size());
    assertTrue(guangzhou.subList(1, 12).stream().allMatch(d -> "440100".equals(d.parentCode())));
  }

  @Test
  void exactNameComesBeforeNamesContainingIt() {
    // 鞍山市 itself, then 马鞍山市, then 鞍山's districts by full name
    List<String> anshan = codes(regions.search("鞍山市", 5));
    assertEquals(List.of("210300", "340500"), anshan.subList(0, 2));
    assertTrue(anshan.subList(2, 5).stream().allMatch(code -> code.startsWith("2103")));
    // two exact 西湖区 (Hangzhou, Nanchang) before 东西湖区 (Wuhan)
    assertEquals(List.of("330106", "360103", "420112"), codes(regions.search("西湖区", 3)));
  }

  @Test
  void ranksExactThenPrefixThenContainsThenFullName() {
    Regions small = Regions.from(stream("""
        # source: test date: none
        130000\t南省\t
        130100\t北市\t130000
        130101\t南河区\t130100
        130102\t河区\t130100
        130103\t东河区\t130100
        130200\t河市\t130000
        130201\t山区\t130200
        130300\t河\t130000
        """), "test");
    // 河: exact 河; prefix 河市 (a city before counties), 河区; contains 南河区, 东河区; full name 山区 (南省 河市 山区)
    assertEquals(List.of("130300", "130200", "130102", "130101", "130103", "130201"), codes(small.search("河", 10)));
    // the limit cuts the later ranks first
    assertEquals(List.of("130300", "130200", "130102"), codes(small.search("河", 3)));
    // 河区: exact 河区, then contains 南河区, 东河区
    assertEquals(List.of("130102", "130101", "130103"), codes(small.search("河区", 10)));
    // full name with several parts: every part must appear
    assertEquals(List.of("130101"), codes(small.search("北市 南河", 10)));
  }

  @Test
  void searchHasNoRepeatsAndRespectsLimit() {
    // 长沙县 matches by name prefix and by full name (湖南省 长沙市 长沙县): listed once
    List<Division> changsha = regions.search("长沙", 50);
    assertEquals(List.of("430100", "430121"), codes(changsha.subList(0, 2)));
    assertEquals(changsha.size(), new HashSet<>(changsha).size());
    assertEquals(3, regions.search("江", 3).size());
    assertEquals(3, regions.search("3", 3).size());
    assertEquals(List.of(), regions.search("江", 0));
    assertThrows(IllegalArgumentException.class, () -> regions.search("江", -1));
    assertEquals(regions.search("广东 天河", 5), regions.search(" 广东\u3000 天河 ", 5));
    assertEquals("440106", regions.search("广东 天河", 5).get(0).code());
  }

  @Test
  void blankQueryFindsNothing() {
    assertEquals(List.of(), regions.search(null, 10));
    assertEquals(List.of(), regions.search("", 10));
    assertEquals(List.of(), regions.search(" \t\u3000", 10));
    assertEquals(List.of(), regions.search("不存在的地方", 10));
  }

  // --- filing rules ---

  @Test
  void poolingArea() {
    assertEquals("11", Regions.poolingArea("110105"));
    assertEquals("50", Regions.poolingArea("500236"));
    assertEquals("429004", Regions.poolingArea("429004"));
    assertEquals("469002", Regions.poolingArea("469002"));
    assertEquals("4401", Regions.poolingArea("440106"));
    assertEquals("4419", Regions.poolingArea("441900"));
    assertThrows(IllegalArgumentException.class, () -> Regions.poolingArea("4401"));
    assertThrows(IllegalArgumentException.class, () -> Regions.poolingArea(null));
  }

  @Test
  void coverPrefix() {
    assertEquals("44", Regions.coverPrefix("440000"));
    assertEquals("11", Regions.coverPrefix("110000"));
    assertEquals("4401", Regions.coverPrefix("440100"));
    assertEquals("4401", Regions.coverPrefix("440105"));
    assertEquals("11", Regions.coverPrefix("110108"));
    assertEquals("429004", Regions.coverPrefix("429004"));
  }

  @Test
  void covers() {
    assertTrue(Regions.covers("440000", "441900"));
    assertTrue(Regions.covers("440105", "440106"));
    assertFalse(Regions.covers("440105", "440305"));
    assertTrue(Regions.covers("110108", "110105"));
    assertFalse(Regions.covers("429004", "429005"));
    assertTrue(Regions.covers("420000", "429005"));
  }

  @Test
  void withinInsuredArea() {
    assertTrue(Regions.withinInsuredArea("110000", "110105"));
    assertTrue(Regions.withinInsuredArea("110108", "110105"));
    assertFalse(Regions.withinInsuredArea("440000", "440106"));
    assertTrue(Regions.withinInsuredArea("440105", "440106"));
    assertFalse(Regions.withinInsuredArea("440305", "440106"));
    assertFalse(Regions.withinInsuredArea("420000", "429004"));
    assertFalse(Regions.withinInsuredArea("429005", "429004"));
    assertTrue(Regions.withinInsuredArea("429004", "429004"));
  }

  // --- a malformed list stops the start ---

  @Test
  void missingResourceFailsLoudly() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Regions.fromResource("regions/none.tsv"));
    assertTrue(e.getMessage().contains("regions/none.tsv"));
  }

  @Test
  void malformedListsFailLoudly() {
    List<String> bad = List.of(
        "",                                            // no divisions
        "110000\t北京市\n",                             // two fields
        "11000\t北京市\t\n",                            // five digits
        "110000\t\t\n",                                // no name
        "120000\t天津市\t\n110000\t北京市\t\n",          // unsorted
        "110000\t北京市\t\n110000\t北京市\t\n",          // repeated
        "110101\t东城区\t\n",                           // a county without parent
        "110000\t北京市\t120000\n",                      // a province with a parent
        "110000\t北京市\t\n120101\t和平区\t110000\n",     // a parent of another province
        "440000\t广东省\t\n440100\t广州市\t440000\n440106\t天河区\t440000\n"); // skips its city
    for (String list : bad) {
      assertThrows(IllegalStateException.class, () -> Regions.from(stream(list), "test"), list);
    }
  }

  private static List<String> codes(List<Division> divisions) {
    return divisions.stream().map(Division::code).toList();
  }

  private static ByteArrayInputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
