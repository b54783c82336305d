package io.yibao.sandbox.settlement;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogueTest {

  private final Catalogue catalogue = Catalogue.standard();

  @Test
  void itemsLookLikeTheNationalCatalogue() {
    JsonArray items = catalogue.toJson();
    assertTrue(items.size() >= 25 && items.size() <= 30, "size " + items.size());
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      String code = item.getString("code");
      assertTrue(code.length() >= 20 && "XZC".indexOf(code.charAt(0)) >= 0, code);
      assertTrue(item.getLong("unitPriceFen") > 0, code);
      assertTrue(List.of("甲", "乙", "丙").contains(item.getString("category")), code);
      // Only 乙 items carry a first self-pay share.
      assertEquals("乙".equals(item.getString("category")), item.containsKey("firstSelfPayBp"), code);
    }
  }

  @Test
  void partialItemsHaveDifferentFirstSelfPayShares() {
    JsonArray items = catalogue.toJson();
    long distinct = items.stream().map(o -> ((JsonObject) o).getInteger("firstSelfPayBp"))
        .filter(bp -> bp != null).distinct().count();
    assertTrue(distinct >= 3, "5 %, 10 %, 20 % and the like");
  }

  @Test
  void samplesTakeAFewOfEachCategory() {
    JsonArray samples = catalogue.samples(3);
    assertEquals(9, samples.size());
    assertEquals(List.of("甲", "甲", "甲", "乙", "乙", "乙", "丙", "丙", "丙"),
        samples.stream().map(o -> ((JsonObject) o).getString("category")).toList());
  }

  @Test
  void unknownCodesAndInconsistentItemsAreRejected() {
    assertNull(catalogue.item("XA02BCA211A001010109999"));
    assertNull(catalogue.item(null));
    assertThrows(IllegalArgumentException.class,
        () -> new Catalogue.Item("XTEST0000000000000001", "测试", "1片", Category.FULL, 100, 1_000));
    Catalogue.Item item = new Catalogue.Item("XTEST0000000000000001", "测试", "1片", Category.FULL, 100, 0);
    assertThrows(IllegalArgumentException.class, () -> new Catalogue(List.of(item, item)));
  }
}
