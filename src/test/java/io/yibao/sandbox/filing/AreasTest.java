package io.yibao.sandbox.filing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which codes share a pooling area, and what a filing's destination reaches. */
class AreasTest {

  @Test
  void aMunicipalityIsOnePoolingArea() {
    assertEquals("11", Areas.poolingArea("110105"));
    assertEquals("31", Areas.poolingArea("310104"));
    assertEquals("50", Areas.poolingArea("500235"));
    assertTrue(Areas.samePoolingArea("110105", "110108"), "朝阳 and 海淀 are both Beijing");
    assertTrue(Areas.samePoolingArea("120101", "120116"), "Tianjin");
    assertFalse(Areas.samePoolingArea("110105", "310104"));
  }

  @Test
  void elsewhereThePrefectureCityIsThePoolingArea() {
    assertEquals("4201", Areas.poolingArea("420106"));
    assertTrue(Areas.samePoolingArea("420106", "420111"), "two districts of 武汉");
    assertFalse(Areas.samePoolingArea("420106", "420202"), "武汉 and 黄石");
    assertFalse(Areas.samePoolingArea("130102", "140105"));
  }

  @Test
  void aCountyLevelCityTheProvinceRunsIsItsOwnPoolingArea() {
    assertEquals("429004", Areas.poolingArea("429004"));
    assertFalse(Areas.samePoolingArea("429004", "429005"), "仙桃 and 潜江");
    assertFalse(Areas.samePoolingArea("429004", "420106"));
    assertEquals("469005", Areas.poolingArea("469005"), "文昌, Hainan");
  }

  @Test
  void aDestinationCoversItsPoolingArea() {
    assertTrue(Areas.covers("310104", "310115"), "a Shanghai district covers all of Shanghai");
    assertTrue(Areas.covers("420106", "420111"));
    assertFalse(Areas.covers("420106", "420202"), "武汉 does not cover 黄石");
    assertTrue(Areas.covers("429004", "429004"));
    assertFalse(Areas.covers("429004", "429005"));
    assertFalse(Areas.covers("420100", "429004"), "武汉 does not cover 仙桃");
  }

  @Test
  void aProvinceDestinationCoversTheWholeProvince() {
    assertTrue(Areas.covers("420000", "420202"));
    assertTrue(Areas.covers("420000", "429004"), "province-run cities too");
    assertFalse(Areas.covers("420000", "430102"));
    assertTrue(Areas.covers("310000", "310104"), "上海市 as a destination");
    assertFalse(Areas.covers("310000", "110105"));
  }

  @Test
  void onlySixDigitCodesAreAreas() {
    assertFalse(Areas.valid("31010"));
    assertFalse(Areas.valid("31010a"));
    assertFalse(Areas.valid(null));
    assertThrows(IllegalArgumentException.class, () -> Areas.poolingArea("3101040"));
  }
}
