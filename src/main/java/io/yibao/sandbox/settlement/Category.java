package io.yibao.sandbox.settlement;

/**
 * Catalogue category (目录类别) of an item: how much of its cost the fund may take part in. JSON shows the Chinese
 * label, as counter terminals and receipts do.
 */
public enum Category {
  /** 甲类: wholly within the fund's scope. */
  FULL("甲"),
  /** 乙类: within scope after the person pays a first self-pay share (先行自付). */
  PARTIAL("乙"),
  /** 丙类: outside the catalogue's scope, paid wholly by the person. */
  SELF_PAY("丙");

  private final String label;

  Category(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
