package io.yibao.gateway.filing;

/**
 * The national categories of cross-region care filing (异地就医备案), each long term or temporary. Overlap is judged
 * within a kind: a person may hold one long-term and one temporary filing at the same time, not two of one kind.
 */
public enum FilingCategory {
  /** 异地安置退休: a retiree who moved elsewhere. */
  RETIREE_RESETTLED(Kind.LONG_TERM),
  /** 异地长期居住: living elsewhere for the long term. */
  LONG_TERM_RESIDENCE(Kind.LONG_TERM),
  /** 常驻异地工作: an employee posted elsewhere by the employer. */
  POSTED_WORKER(Kind.LONG_TERM),
  /** 异地转诊: referred by a hospital of the insured region, with its referral document. */
  REFERRAL(Kind.TEMPORARY),
  /** 急诊抢救: treated in an emergency away from home; may be filed after the visit began. */
  EMERGENCY(Kind.TEMPORARY),
  /** 其他临时外出就医: other care away from home. */
  TEMPORARY(Kind.TEMPORARY);

  /** Long term (open-ended, locked at first) or temporary (valid for months). */
  public enum Kind { LONG_TERM, TEMPORARY }

  private final Kind kind;

  FilingCategory(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public boolean longTerm() {
    return kind == Kind.LONG_TERM;
  }
}
