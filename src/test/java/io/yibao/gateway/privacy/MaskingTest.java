package io.yibao.gateway.privacy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The masks DESIGN.md prescribes, one way everywhere. */
class MaskingTest {

  @Test
  void idNumberKeepsFirstThreeAndLastFour() {
    assertEquals("110***********123X", Masking.idNumber("11010519900307123X"));
  }

  @Test
  void mobileKeepsPrefixAndLastFour() {
    assertEquals("138****5678", Masking.mobile("13812345678"));
  }

  @Test
  void nameKeepsTheSurnameIncludingCompoundOnes() {
    assertEquals("张*", Masking.name("张三"));
    assertEquals("李**", Masking.name("李秀英"));
    assertEquals("欧阳**", Masking.name("欧阳娜娜"));
    assertEquals("欧*", Masking.name("欧阳"));
  }
}
