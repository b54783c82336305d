package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The medical-insurance catalogue (医保目录) as the sandbox's pharmacies sell from it: national-style codes
 * (医保编码: X western drugs, Z Chinese patent medicines, C consumables), names, specifications, categories and
 * retail unit prices. Immutable, so one instance serves every sandbox.
 */
public final class Catalogue {

  /**
   * One item. {@code firstSelfPayBp} is the first self-pay share of a 乙 item in basis points (1000 = 10 %), 0 for
   * the other categories.
   */
  public record Item(String code, String name, String spec, Category category, long unitPriceFen, int firstSelfPayBp) {

    public Item {
      if ((category == Category.PARTIAL) != (firstSelfPayBp > 0) || firstSelfPayBp >= 10_000) {
        throw new IllegalArgumentException("only 乙 items have a first self-pay share, below 100 %: " + code);
      }
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("code", code).put("name", name).put("spec", spec)
          .put("category", category.label()).put("unitPriceFen", unitPriceFen);
      if (category == Category.PARTIAL) {
        json.put("firstSelfPayBp", firstSelfPayBp);
      }
      return json;
    }
  }

  private static final Catalogue STANDARD = new Catalogue(List.of(
      // 甲
      full("XA02BCA211A001010101467", "奥美拉唑肠溶胶囊", "20mg×14粒", 2_180),
      full("XJ01CAA040E001010100113", "阿莫西林胶囊", "0.25g×24粒", 1_250),
      full("XM01AEB018E002010101982", "布洛芬缓释胶囊", "0.3g×20粒", 1_580),
      full("XA10BAE045A001010101444", "盐酸二甲双胍片", "0.5g×48片", 980),
      full("XC08CAX122A010010101523", "硝苯地平缓释片", "10mg×30片", 1_260),
      full("XB01ACA056A012010100432", "阿司匹林肠溶片", "100mg×30片", 1_550),
      full("XR06AXL118A001010100587", "氯雷他定片", "10mg×6片", 1_890),
      full("XD06AXH082F002010100659", "红霉素软膏", "10g:0.1g", 350),
      full("ZA04BAB0046010104578", "板蓝根颗粒", "10g×20袋", 1_500),
      // 乙
      partial("XC10AAA199A001010103152", "阿托伐他汀钙片", "20mg×7片", 3_560, 1_000),
      partial("XC10AAR048A001020101729", "瑞舒伐他汀钙片", "10mg×28片", 4_280, 1_000),
      partial("XC09CAL046A001010102034", "氯沙坦钾片", "50mg×14片", 2_950, 500),
      partial("XA07BCM121B001010100886", "蒙脱石散", "3g×10袋", 1_380, 500),
      partial("XJ01DDT030E001010101311", "头孢克肟胶囊", "100mg×12粒", 4_650, 2_000),
      partial("XR03DCM162A001010102266", "孟鲁司特钠片", "10mg×5片", 3_870, 1_000),
      partial("XH03AAL221A001010101176", "左甲状腺素钠片", "50μg×100片", 2_980, 500),
      partial("XR03BAB046L001010102457", "吸入用布地奈德混悬液", "2ml:1mg×5支", 7_560, 2_000),
      partial("XA10AEG085B002010101903", "甘精胰岛素注射液", "3ml:300单位", 17_800, 500),
      partial("ZA01AAL0370010101892", "连花清瘟胶囊", "0.35g×24粒", 1_980, 1_000),
      partial("ZA12BAF0235010102103", "复方丹参滴丸", "27mg×180丸", 3_250, 500),
      partial("ZA16CAY0512020103365", "云南白药气雾剂", "85g+60g", 4_500, 1_500),
      // 丙
      selfPay("XA11GAW013B022010103320", "维生素C泡腾片", "1g×10片", 2_590),
      selfPay("XA12AXG113X002010101548", "葡萄糖酸钙锌口服溶液", "10ml×24支", 3_680),
      selfPay("ZB02AAF0456030102211", "复方阿胶浆", "20ml×12支", 7_980),
      selfPay("C14090202300001012630", "医用外科口罩", "10只/袋", 1_200),
      selfPay("C02030100100002014479", "医用电子血压计", "臂式 1台", 19_800),
      selfPay("C14020101900001009381", "创可贴", "72mm×19mm×100片", 1_500)));

  private final Map<String, Item> byCode;

  public Catalogue(List<Item> items) {
    Map<String, Item> map = new LinkedHashMap<>();
    for (Item item : items) {
      if (map.put(item.code(), item) != null) {
        throw new IllegalArgumentException("duplicate catalogue code " + item.code());
      }
    }
    this.byCode = Collections.unmodifiableMap(map);
  }

  /** The sandbox's catalogue. */
  public static Catalogue standard() {
    return STANDARD;
  }

  /** The item with this code, or null when the catalogue has none. */
  public Item item(String code) {
    return code == null ? null : byCode.get(code);
  }

  /** The first {@code perCategory} items of each category, for the demo's cast list. */
  public JsonArray samples(int perCategory) {
    JsonArray out = new JsonArray();
    for (Category category : Category.values()) {
      byCode.values().stream().filter(i -> i.category() == category).limit(perCategory)
          .forEach(i -> out.add(i.toJson()));
    }
    return out;
  }

  public JsonArray toJson() {
    JsonArray out = new JsonArray();
    byCode.values().forEach(i -> out.add(i.toJson()));
    return out;
  }

  private static Item full(String code, String name, String spec, long priceFen) {
    return new Item(code, name, spec, Category.FULL, priceFen, 0);
  }

  private static Item partial(String code, String name, String spec, long priceFen, int firstSelfPayBp) {
    return new Item(code, name, spec, Category.PARTIAL, priceFen, firstSelfPayBp);
  }

  private static Item selfPay(String code, String name, String spec, long priceFen) {
    return new Item(code, name, spec, Category.SELF_PAY, priceFen, 0);
  }
}
